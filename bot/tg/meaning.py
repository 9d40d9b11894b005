"""Sentence vectors in the background: answers by words until they are ready, never waiting.

Embedding every sentence is slow (90 to 130 sentences a second on two cores: a quarter of an
hour or so at 100,000 sentences the first time; afterwards only new or changed files). So the
bot starts with the vectors already stored (``build_answerer(..., vectors="cached")``),
answering by words if some are missing, and one background task, ``keep_meaning``, has the
missing ones embedded in a separate low-priority process (``bot.core.embed_in_process``), then
swaps in the same index answering by meaning and words. A reload that lands meanwhile wins:
the result, made for the index it replaced, is dropped and the new index is embedded in turn
(stored vectors are reused, so only the new files cost). A failure is one log line; answers go
on by words.

The task is a plain asyncio task kept in the state, not PTB's ``Application.create_task``:
``Application.stop`` waits for those, which here would mean waiting out the embedding. And
cancelling the task does not stop the thread waiting for the embedding process, which the
interpreter would then wait for at exit (measured: a SIGTERM'd bot hung until SIGKILL, its
embedding process left running). So at shutdown ``stop_meaning`` cancels the task and ends the
embedding process; the documents it finished are stored, and the next start resumes there.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import threading
from typing import Literal

from bot.core import Answerer, EngineConfig, SentenceEncoder, embed_in_process, settle
from bot.tg.state import BotState

logger = logging.getLogger(__name__)

STOP_WAIT = 5.0  # seconds ``stop_meaning`` keeps ending embedding processes before it gives up

Answering = Literal["meaning", "pending", "words"]
ANSWERING: dict[Answering, str] = {
    "meaning": "by meaning and words",
    "pending": "by words until the sentence vectors are embedded in the background",
    "words": "by words alone",
}


def _embed(
    config: EngineConfig, answerer: Answerer, encoder: SentenceEncoder, busy: threading.Event
) -> Answerer:
    """In a thread: ``embed_in_process``, then clear ``busy`` however it ended."""
    try:
        return embed_in_process(config, answerer, encoder)
    finally:
        busy.clear()


def answering(answerer: Answerer, encoder: SentenceEncoder | None) -> Answering:
    """How ``answerer`` answers: with its vectors, by words while they are made, or by words."""
    if answerer.semantic:
        return "meaning"
    return "pending" if encoder is not None else "words"


async def keep_meaning(state: BotState) -> None:
    """Embed what ``state.answerer`` lacks, off the event loop, until it answers by meaning.

    The result is swapped in only if the answerer is still the one it was made for; after a
    reload the new answerer is embedded in turn. Errors are logged, never raised: the bot
    keeps answering by words, and the next reload tries again.
    """
    encoder = state.encoder
    if encoder is None or state.answerer.semantic:
        return
    logger.info("answering by words until the sentence vectors are ready")
    try:
        while not state.answerer.semantic:
            answerer, config = state.answerer, state.settings.engine()
            state.embedding.set()  # before the thread starts, so a shutdown cannot miss it
            embedded = await asyncio.to_thread(_embed, config, answerer, encoder, state.embedding)
            if state.answerer is not answerer:
                logger.info("knowledge reloaded while embedding: embedding the new index")
                continue
            if not embedded.semantic:  # not stored; the engine logged why
                return
            state.answerer = embedded
            settle()
            logger.info("sentence vectors ready: answering by meaning and words")
    except Exception as exc:
        reason = str(exc) or type(exc).__name__
        logger.warning("sentence vectors not embedded, answering by words alone: %s", reason)
        logger.debug("embedding failed", exc_info=True)


def schedule_meaning(state: BotState) -> asyncio.Task[None] | None:
    """Start ``keep_meaning`` unless it runs already; the task, or None if nothing to embed.

    Call it on the event loop once an answerer is in service (at start, after each reload).
    A task already running sees a newer answerer itself, so one task at a time is enough.
    """
    running = state.meaning_task
    if running is not None and not running.done():
        return running
    if state.encoder is None or state.answerer.semantic:
        return None
    task = asyncio.create_task(keep_meaning(state), name="sentence vectors")
    state.meaning_task = task
    return task


async def stop_meaning(state: BotState) -> None:
    """Cancel the embedding at shutdown, and end its process.

    Call it once the application has stopped: by then every handler has finished, reloads
    included, so the only engine processes left are the embedding's. The thread waiting for
    that process cannot be cancelled; ending the process ends its wait, so the interpreter
    does not sit at exit until the embedding is done. Processes are ended until the thread
    is out, as one may still be starting (the pool starts its process on first use).
    """
    task = state.meaning_task
    if task is None or task.done():
        return
    task.cancel()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STOP_WAIT
    while state.embedding.is_set() and loop.time() < deadline:
        for child in multiprocessing.active_children():
            child.terminate()
        await asyncio.sleep(0.05)
    await asyncio.wait({task})
    if state.embedding.is_set():
        logger.warning("the embedding process did not stop; the exit may wait for it")
    else:
        logger.info("embedding stopped: finished documents are stored for the next start")
