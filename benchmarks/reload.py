"""Questions answered while /reload rebuilds the index: how long any answer waits.

The bot answers in worker threads (``asyncio.to_thread``) and rebuilds in the background, as
``bot.tg.reload`` does; here a question arrives every few milliseconds during a full rebuild
(no cache) of the same knowledge, and each answer's delay is timed from its arrival.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from benchmarks.measure import Latency
from bot.core import Answerer

INTERVAL = 0.005  # a question every 5 ms: 200 a second, far above Telegram's 30


async def _ask_during(
    answerer: Answerer, questions: list[str], rebuild: Awaitable[object]
) -> tuple[Latency, float]:
    """Ask questions every ``INTERVAL`` until ``rebuild`` finishes; latencies and its time."""
    task = asyncio.ensure_future(rebuild)
    started = time.perf_counter()
    seconds: list[float] = []
    i = 0
    while not task.done():
        asked = time.perf_counter()
        await asyncio.to_thread(answerer.ask, questions[i % len(questions)])
        seconds.append(time.perf_counter() - asked)
        i += 1
        await asyncio.sleep(max(0.0, INTERVAL - (time.perf_counter() - asked)))
    await task
    return Latency(seconds), time.perf_counter() - started


def reload_under_load(
    answerer: Answerer,
    directory: Path,
    questions: list[str],
    rebuild: Callable[[Path], Awaitable[object]],
) -> tuple[Latency, float]:
    """Answer latencies while ``rebuild(directory)`` runs, and the rebuild time."""
    return asyncio.run(_ask_during(answerer, questions, rebuild(directory)))
