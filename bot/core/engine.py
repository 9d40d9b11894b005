"""Settings in, a ready answerer out: here, in another process, or from the index cache.

Adapters describe the engine they want with an ``EngineConfig`` and call ``build_answerer`` (or
``build_in_process`` for a reload while answering); nothing else assembles an engine.

Tokenising and indexing 100,000 sentences is seconds of Python and numpy work; in a thread of
the bot's own process it holds the GIL in slices long enough to delay answers by a fifth of a
second (measured by ``python -m benchmarks.run``). So a reload builds in a fresh process that
writes the index cache (``bot.core.search.cache``), and the bot then loads that cache, which is
quick and mostly file reading, in a thread. Errors (a bad file) come back from the child as the
same exceptions. With no cache folder configured, a temporary one carries the hand-over.
"""

from __future__ import annotations

import gc
import multiprocessing
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bot.core.answer import Answerer
from bot.core.ingest.loading import load_knowledge
from bot.core.options import EngineConfig
from bot.core.search.cache import load_indexed

SWITCH_INTERVAL = 0.001  # seconds a thread may hold the GIL while another waits (default 0.005)


def _context() -> multiprocessing.context.BaseContext:
    """A fork server where there is one, else spawn.

    Children forked from a small single-threaded server with the engine already imported
    start in milliseconds (a spawn re-imports numpy and scipy, a second or so), and never
    inherit the bot's threads, as a plain fork would.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


def build_answerer(config: EngineConfig) -> Answerer:
    """Load a knowledge directory and index it, all or nothing.

    With a cache directory, an index cached there for exactly these files (and this code) is
    loaded instead of rebuilt, and a rebuilt one is saved there (``bot.core.search.cache``).
    """
    if config.cache_dir is None:
        base = load_knowledge(config.knowledge_dir, max_bytes=config.max_file_bytes)
        return Answerer(base, config.options)
    base, arrays = load_indexed(
        config.knowledge_dir, max_bytes=config.max_file_bytes, cache_dir=config.cache_dir
    )
    return Answerer(base, config.options, arrays)


def _build_cache(directory: Path, max_bytes: int, cache_dir: Path) -> None:
    """In the child: load, index and write the cache (or raise what went wrong)."""
    load_indexed(directory, max_bytes=max_bytes, cache_dir=cache_dir)


def build_in_process(config: EngineConfig) -> Answerer:
    """``build_answerer`` with the heavy part done in a separate process (blocks meanwhile)."""
    with tempfile.TemporaryDirectory(prefix="briefing-index-") as scratch:
        handoff = config.cache_dir or Path(scratch)
        context = _context()
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            pool.submit(
                _build_cache, config.knowledge_dir, config.max_file_bytes, handoff
            ).result()
        return build_answerer(config.model_copy(update={"cache_dir": handoff}))


def settle() -> None:
    """Tune the process for answering while other work runs; call once an index is in service.

    A full garbage collection walks every tracked object, so with a large index each one would
    pause all threads for tens of milliseconds, answers included. The index lives until
    replaced and holds no reference cycles, so it never needs a scan: ``gc.freeze`` moves
    everything alive into a generation the collector skips (a replaced index is still freed by
    reference counting). And a thread waiting for the GIL (an answer, while the next index
    loads) asks for it after a 1 ms switch interval instead of 5: measured at 100,000
    sentences, the worst answer delay during a reload fell from about 90 to 55 ms.
    """
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL)
