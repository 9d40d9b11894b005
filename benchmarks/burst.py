"""The whole bot under a burst: 2,000 questions from 200 chats through the fake Bot API.

The real ``python -m bot run`` process polls the fake Telegram server the tests use
(``testkit/fake_bot_api.py``) on 127.0.0.1; all questions are queued at once (half the chats
private, half groups using /ask), and the run ends when every question has its reply. Each
question must be answered exactly once. The bot's own work per question (``answer_ms`` in its
log) is reported apart from the time until the reply was sent, which Telegram's pacing (30
messages a second, 20 a minute per group) dominates.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from testkit.bot_process import bot_env
from testkit.fake_bot_api import FakeBotApi
from testkit.telegram_updates import UpdateMaker

CHATS = 200
PER_CHAT = 10
WAVE = 64  # updates the bot handles at once (bot.tg.app.CONCURRENT_UPDATES)
_LOGGED = re.compile(r"latency_ms=([\d.]+) answer_ms=([\d.]+)")


@dataclass(frozen=True)
class BurstResult:
    """What a burst showed."""

    questions: int
    replied: int
    duplicated: int
    seconds: float
    answer_ms: list[float]
    latency_ms: list[float]
    start_s: float  # from process start to the first reply
    chats: int
    cpu_s: float  # the bot process's CPU time (user + system) during the burst

    def summary(self) -> str:
        """A few lines for the report."""
        own = np.percentile(self.answer_ms, [50, 99]) if self.answer_ms else [float("nan")] * 2
        steady = self.answer_ms[2 * WAVE :] or [float("nan")]
        later = np.percentile(steady, [50, 99])
        sent = np.percentile(self.latency_ms, [50, 99]) if self.latency_ms else [float("nan")] * 2
        lost = self.questions - self.replied
        return (
            f"{self.questions} questions from {self.chats} chats: {self.replied} answered,"
            f" {lost} lost, {self.duplicated} duplicated, in {self.seconds:.1f} s"
            f" ({self.replied / self.seconds:.1f} replies/s; Telegram allows about 30)\n"
            f"bot's own time per question (answer_ms): p50 {own[0]:.2f} ms, p99 {own[1]:.2f} ms"
            f"; after the first waves of {WAVE} updates handled at once: p50 {later[0]:.2f} ms,"
            f" p99 {later[1]:.2f} ms (33 ms is the time between two sends at 30/s)\n"
            f"bot's CPU time per question (whole process: Telegram HTTP, rendering, answering):"
            f" {self.cpu_s / self.questions * 1000:.2f} ms\n"
            f"until the reply was sent (latency_ms, pacing included): p50 {sent[0]:.0f} ms,"
            f" p99 {sent[1]:.0f} ms\n"
            f"start-up: first answer {self.start_s:.2f} s after the process started"
        )


def start_bot(
    api: FakeBotApi,
    knowledge: Path,
    cache: Path,
    log: Path,
    *,
    client: str | None = None,
    **settings: str,
) -> subprocess.Popen[bytes]:
    """Start ``python -m bot run`` on ``api``, logging to ``log``; ``settings`` override.

    With ``client``, the fake records the process's calls under that name (``Call.client``).
    The state store is a new one unless ``STATE_DB`` is given: every fake Telegram numbers its
    updates from 1, and a store shared with an earlier run (in ``cache``, by default) would take
    them for redeliveries of the updates it answered then, and drop them unanswered.
    """
    defaults = {
        "CACHE_DIR": str(cache),
        "STATE_DB": str(log.parent / f"state-{uuid.uuid4().hex}.sqlite3"),
        "ADMIN_USER_IDS": "1",
        "LOG_LEVEL": "INFO",
        "RATE_LIMIT_PER_MINUTE": str(PER_CHAT * 2),
    }
    env = bot_env(api, knowledge, client=client, **(defaults | settings))
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=log.parent,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux /proc), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def replies(api: FakeBotApi, client: str | None = None) -> Counter[int]:
    """How many successful replies each question message got (from ``client``, if given)."""
    return Counter(
        c.params["reply_parameters"]["message_id"]
        for c in api.fake.sent()
        if c.params.get("reply_parameters") and client in (None, c.client)
    )


def burst_updates(questions: list[str], chats: int, per_chat: int) -> list[dict[str, Any]]:
    """``chats * per_chat`` questions, chat after chat in turn: even chats private, odd groups."""
    make = UpdateMaker()
    updates = []
    for i in range(chats * per_chat):
        chat = i % chats
        user = 1000 + chat
        text = questions[i % len(questions)]
        if chat % 2:
            updates.append(make.message(f"/ask {text}", user=user, chat=-100_000 - chat))
        else:
            updates.append(make.message(text, user=user))
    return updates


def first_answer_after_start(api: FakeBotApi, knowledge: Path, cache: Path, work: Path) -> float:
    """Seconds from starting the bot process to its first answer (the cache warm)."""
    make = UpdateMaker()
    api.fake.push(make.message("when was the Super Bowl 50 game played?", user=99))
    started = time.perf_counter()
    process = start_bot(api, knowledge, cache, work / "bot-start.log")
    try:
        api.fake.wait_for(lambda calls: any(c.method == "sendMessage" for c in calls), 120)
        return time.perf_counter() - started
    finally:
        stop_bot(process)


def stop_bot(process: subprocess.Popen[bytes]) -> None:
    """Stop the bot with SIGTERM, with SIGKILL if it has not exited within 20 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def burst(
    knowledge: Path, cache: Path, questions: list[str], work: Path, chats: int = CHATS
) -> BurstResult:
    """Start the bot on ``knowledge``, send the burst, wait for every reply."""
    with FakeBotApi() as warm:  # first run fills the cache; the second is the restart
        first_answer_after_start(warm, knowledge, cache, work)
    with FakeBotApi() as api:
        start_s = first_answer_after_start(api, knowledge, cache, work)
    with FakeBotApi() as api:
        log = work / "bot-burst.log"
        process = start_bot(api, knowledge, cache, log)
        try:
            api.fake.wait_for(lambda cs: any(c.method == "deleteWebhook" for c in cs), 120)
            updates = burst_updates(questions, chats, PER_CHAT)
            asked = [u["message"]["message_id"] for u in updates]
            started, cpu = time.perf_counter(), _cpu_seconds(process.pid)
            for update in updates:
                api.fake.push(update)
            total = len(asked)
            api.fake.wait_for(lambda cs: len(replies(api)) >= total, 600)
            seconds = time.perf_counter() - started
            cpu = _cpu_seconds(process.pid) - cpu
            time.sleep(1.0)  # any duplicate would arrive now
            replied = replies(api)
        finally:
            stop_bot(process)
    logged = [tuple(map(float, m.groups())) for m in _LOGGED.finditer(log.read_text())]
    return BurstResult(
        questions=total,
        replied=sum(1 for m in asked if replied.get(m)),
        duplicated=sum(1 for m in asked if replied.get(m, 0) > 1),
        seconds=seconds,
        answer_ms=[a for _, a in logged],
        latency_ms=[lat for lat, _ in logged],
        start_s=start_s,
        chats=chats,
        cpu_s=cpu,
    )
