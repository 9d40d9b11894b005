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

import contextlib
import gc
import logging
import multiprocessing
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Literal

from bot.core.analysis.encoder import ModelError, SentenceEncoder
from bot.core.answer import Answerer
from bot.core.catalogue import known_model
from bot.core.ingest.documents import KnowledgeBase
from bot.core.ingest.loading import load_knowledge
from bot.core.options import EngineConfig
from bot.core.search.build import IndexArrays
from bot.core.search.cache import load_indexed
from bot.core.search.vectors import (
    Meaning,
    Progress,
    build_vectors,
    cached_vectors,
    every_tenth,
)

logger = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
NICENESS = 10  # how much lower the embedding process's CPU priority is than the bot's
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


def load_encoder(config: EngineConfig) -> SentenceEncoder | None:
    """The sentence model the config names, or ``None`` (logged in one line) to use words only.

    A missing, damaged or tampered model must never stop the bot: it answers by words alone,
    as it did before it had a model.
    """
    if config.model_dir is None:
        return None
    digests = known_model(config.known_model).digests if config.known_model else None
    try:
        return SentenceEncoder(config.model_dir, digests=digests, threads=config.model_threads)
    except ModelError as exc:
        # A known model that was never installed says how to install it: people who set
        # MODEL= before installing would otherwise only read "no such directory".
        hint = (
            f" (install it once: python -m bot model install --model {config.known_model})"
            if config.known_model and not config.model_dir.exists()
            else ""
        )
        logger.warning("answering by words alone: %s%s", exc, hint)
        return None


Vectors = Literal["build", "cached"]


def _index(config: EngineConfig) -> tuple[KnowledgeBase, IndexArrays | None]:
    if config.cache_dir is None:
        return load_knowledge(config.knowledge_dir, max_bytes=config.max_file_bytes), None
    return load_indexed(
        config.knowledge_dir, max_bytes=config.max_file_bytes, cache_dir=config.cache_dir
    )


def build_answerer(
    config: EngineConfig,
    encoder: SentenceEncoder | None = None,
    *,
    vectors: Vectors = "build",
    progress: Progress | None = None,
) -> Answerer:
    """Load a knowledge directory and index it, all or nothing; with ``encoder``, its meaning.

    With a cache directory, an index cached there for exactly these files (and this code) is
    loaded instead of rebuilt, and a rebuilt one is saved there (``bot.core.search.cache``);
    sentence vectors are kept there too. ``vectors="cached"`` uses stored vectors only, and
    answers by words alone if some are missing (the bot embeds those in the background,
    ``embed_in_process``); ``"build"`` embeds what is missing now.
    """
    base, arrays = _index(config)
    answerer = Answerer(base, config.options, arrays)
    if encoder is None:
        return answerer
    store = config.vector_dir
    if vectors == "cached":
        found = (
            cached_vectors(base, encoder.identity, encoder.dimension, store)
            if store is not None
            else None
        )
        return answerer.with_meaning(Meaning(found, encoder)) if found is not None else answerer
    built = build_vectors(base, encoder, store, progress)
    return answerer.with_meaning(Meaning(built, encoder))


def _build_cache(directory: Path, max_bytes: int, cache_dir: Path) -> None:
    """In the child: load, index and write the cache (or raise what went wrong)."""
    load_indexed(directory, max_bytes=max_bytes, cache_dir=cache_dir)


def build_in_process(config: EngineConfig, encoder: SentenceEncoder | None = None) -> Answerer:
    """``build_answerer`` with the index built in a separate process (blocks meanwhile).

    Sentence vectors already stored are used; the rest are for ``embed_in_process``.
    """
    with tempfile.TemporaryDirectory(prefix="briefing-index-") as scratch:
        handoff = config.cache_dir or Path(scratch)
        context = _context()
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            pool.submit(
                _build_cache, config.knowledge_dir, config.max_file_bytes, handoff
            ).result()
        return build_answerer(
            config.model_copy(update={"cache_dir": handoff}), encoder, vectors="cached"
        )


def _log_progress(done: int, total: int) -> None:
    """Embedding progress in the log, so an admin sees a long first build advance."""
    logger.info("embedding sentences: %s of %s", f"{done:,}", f"{total:,}")


def _embed(config: EngineConfig) -> None:
    """In the child: embed every sentence not stored yet, and store it.

    The child lives for this one job, so it lowers its own CPU priority for good: the bot's
    process, answering meanwhile, comes first on a busy machine.
    """
    with contextlib.suppress(AttributeError, OSError):
        os.nice(NICENESS)
    if not logging.getLogger().handlers:  # a fresh child: its progress goes to the bot's stderr
        logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    encoder = load_encoder(config)
    if encoder is None:
        return
    base, _ = _index(config)
    build_vectors(base, encoder, config.vector_dir, every_tenth(_log_progress))


def embed_in_process(
    config: EngineConfig, answerer: Answerer, encoder: SentenceEncoder
) -> Answerer:
    """``answerer`` with the meaning of every sentence, embedded in a separate process.

    Embedding is the slow part (100 to 200 sentences a second on two cores), so it runs at low
    priority beside the bot, which keeps answering by words meanwhile; only documents whose
    vectors are not stored yet are embedded. Blocks until done: call it from a thread.
    """
    with tempfile.TemporaryDirectory(prefix="briefing-vectors-") as scratch:
        config = config.model_copy(update={"cache_dir": config.cache_dir or Path(scratch)})
        with ProcessPoolExecutor(max_workers=1, mp_context=_context()) as pool:
            pool.submit(_embed, config).result()
        store = config.vector_dir or Path(scratch)
        found = cached_vectors(answerer.base, encoder.identity, encoder.dimension, store)
    if found is None:
        logger.warning("sentence vectors could not be stored: answering by words alone")
        return answerer
    return answerer.with_meaning(Meaning(found, encoder))


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
