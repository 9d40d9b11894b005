"""Sentence vectors in the background: words until they are ready, then meaning, never stale.

``embed_in_process`` is replaced by a fake that makes vectors with a tiny fake encoder in the
test's own process, so nothing here needs the real model or another process; the last tests
go through a real reload (``build_in_process``) with that fake encoder.
"""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

import bot.tg.meaning as meaning_module
from bot.core import Answerer, build_answerer
from bot.core.search.vectors import Meaning, build_vectors
from bot.tg.meaning import answering, keep_meaning, schedule_meaning, stop_meaning
from bot.tg.reload import reload_knowledge
from bot.tg.state import BotState
from testkit.fake_encoder import FakeEncoder
from tests.conftest import LITHIUM

WAIT = 10.0  # seconds a test waits for the background task before failing


class FakeEmbedding:
    """Stands in for ``embed_in_process``: records each answerer, may wait or fail first."""

    def __init__(self, *, fail: Exception | None = None, store: bool = True) -> None:
        self.asked: list[Answerer] = []
        self.release = threading.Event()
        self.release.set()  # returns at once unless a test clears it
        self.started = threading.Event()
        self.fail = fail
        self.store = store

    def __call__(self, config: object, answerer: Answerer, encoder: FakeEncoder) -> Answerer:
        self.asked.append(answerer)
        self.started.set()
        if not self.release.wait(WAIT):
            raise TimeoutError("the test never released the fake embedding")
        if self.fail is not None:
            raise self.fail
        if not self.store:  # what the engine returns when the vectors could not be stored
            return answerer
        return answerer.with_meaning(Meaning(build_vectors(answerer.base, encoder), encoder))


@pytest.fixture
def encoder() -> FakeEncoder:
    return FakeEncoder(dimension=16)


@pytest.fixture
def state(tg_settings, encoder) -> BotState:
    """The bot's state as at start with a model but no stored vectors: by words, pending."""
    answerer = build_answerer(tg_settings.engine(), encoder, vectors="cached")
    return BotState(settings=tg_settings, answerer=answerer, encoder=encoder)  # type: ignore[arg-type]


@pytest.fixture
def embedding(monkeypatch) -> FakeEmbedding:
    fake = FakeEmbedding()
    monkeypatch.setattr(meaning_module, "embed_in_process", fake)
    return fake


@pytest.fixture
def settled(monkeypatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(meaning_module, "settle", lambda: calls.append(1))
    return calls


async def started(embedding: FakeEmbedding) -> None:
    assert await asyncio.to_thread(embedding.started.wait, WAIT), "embedding never started"
    embedding.started.clear()


def test_the_state_says_how_it_answers(state, encoder):
    assert answering(state.answerer, encoder) == "pending"
    assert answering(state.answerer, None) == "words"
    meaning = Meaning(build_vectors(state.answerer.base, encoder), encoder)
    assert answering(state.answerer.with_meaning(meaning), encoder) == "meaning"


async def test_vectors_ready_are_swapped_in(state, embedding, settled, caplog):
    before = state.answerer
    assert not before.semantic
    with caplog.at_level(logging.INFO, logger="bot.tg.meaning"):
        await keep_meaning(state)
    assert embedding.asked == [before]
    assert state.answerer.semantic
    assert state.answerer.base is before.base  # the same index, now with its meaning
    assert settled == [1]
    messages = [r.getMessage() for r in caplog.records if r.name == "bot.tg.meaning"]
    assert messages == [
        "answering by words until the sentence vectors are ready",
        "sentence vectors ready: answering by meaning and words",
    ]
    answer = state.answerer.ask("when is Kalbajar handed over?")
    assert answer.best is not None


async def test_a_result_made_stale_by_a_reload_is_dropped(state, embedding, settled):
    """The index reloaded while embedding: the old result is never served, the new one is."""
    first = state.answerer
    embedding.release.clear()
    task = schedule_meaning(state)
    assert task is not None
    await started(embedding)
    reloaded = build_answerer(state.settings.engine())  # a new index, as a reload swaps in
    state.answerer = reloaded
    embedding.release.set()
    await asyncio.wait_for(task, WAIT)
    assert embedding.asked == [first, reloaded]
    assert state.answerer.semantic
    assert state.answerer.index is reloaded.index is not first.index
    assert settled == [1]  # swapped in once, for the answerer in service


async def test_a_real_reload_while_embedding_is_embedded_next(
    state, embedding, settled, knowledge_copy
):
    """The reload keeps the one running task; it embeds the reloaded index after the old one."""
    embedding.release.clear()
    task = schedule_meaning(state)
    await started(embedding)
    (knowledge_copy / "lithium.md").write_text(LITHIUM)
    report = await reload_knowledge(state)
    assert report.answering == "pending"
    assert "Answering by words until the sentence vectors are embedded" in report.summary()
    assert state.meaning_task is task  # no second task
    assert not state.answerer.semantic  # the new index answers by words meanwhile
    assert state.answerer.ask("why did lithium prices fall?").best is not None
    embedding.release.set()
    await asyncio.wait_for(task, WAIT)
    assert len(embedding.asked) == 2
    assert len(state.answerer.base.documents) == 2
    assert state.answerer.semantic


async def test_a_failed_embedding_is_logged_and_words_go_on(state, embedding, settled, caplog):
    before = state.answerer
    embedding.fail = RuntimeError("no space left on device")
    with caplog.at_level(logging.INFO, logger="bot.tg.meaning"):
        task = schedule_meaning(state)
        assert task is not None
        await asyncio.wait_for(task, WAIT)  # the task ends quietly: nothing to raise
    assert state.answerer is before
    assert not state.answerer.semantic
    assert settled == []
    warning = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warning] == [
        "sentence vectors not embedded, answering by words alone: no space left on device"
    ]
    assert warning[0].exc_info is None  # one line; the traceback only at DEBUG
    assert state.answerer.ask("when is Kalbajar handed over?").best is not None


async def test_vectors_that_could_not_be_stored_are_not_retried_in_a_loop(
    state, embedding, settled
):
    embedding.store = False
    await asyncio.wait_for(keep_meaning(state), WAIT)
    assert len(embedding.asked) == 1
    assert not state.answerer.semantic


async def test_one_task_at_a_time(state, embedding, settled):
    embedding.release.clear()
    first = schedule_meaning(state)
    await started(embedding)
    assert schedule_meaning(state) is first
    assert schedule_meaning(state) is first
    embedding.release.set()
    await asyncio.wait_for(first, WAIT)
    assert len(embedding.asked) == 1
    assert schedule_meaning(state) is None  # answers by meaning: nothing left to embed


def test_nothing_is_scheduled_without_a_model(tg_settings):
    answerer = build_answerer(tg_settings.engine())
    state = BotState(settings=tg_settings, answerer=answerer)
    assert schedule_meaning(state) is None


async def test_stop_meaning_cancels_the_embedding_and_waits_for_its_thread(state, embedding):
    embedding.release.clear()
    task = schedule_meaning(state)
    assert task is not None
    await started(embedding)
    assert state.embedding.is_set()
    # As an ended embedding process would, the fake's wait ends a little later.
    asyncio.get_running_loop().call_later(0.3, embedding.release.set)
    await asyncio.wait_for(stop_meaning(state), WAIT)
    assert task.cancelled()
    assert not state.embedding.is_set()  # the thread is out: nothing holds up the exit
    assert not state.answerer.semantic  # the result that came after was dropped
    await stop_meaning(state)  # stopping twice is harmless


async def test_a_thread_that_never_ends_is_given_up_on(state, embedding, monkeypatch, caplog):
    monkeypatch.setattr(meaning_module, "STOP_WAIT", 0.2)
    embedding.release.clear()
    schedule_meaning(state)
    await started(embedding)
    await asyncio.wait_for(stop_meaning(state), WAIT)
    assert "the embedding process did not stop" in caplog.text
    embedding.release.set()  # let the fake's thread end


async def test_a_reload_reuses_stored_vectors_and_answers_by_meaning_at_once(
    state, encoder, embedding, knowledge_copy, tg_settings
):
    """Vectors already in the cache (as the background embedding leaves them) come along."""
    (knowledge_copy / "lithium.md").write_text(LITHIUM)
    build_answerer(tg_settings.engine(), encoder)  # embeds every file into the cache
    report = await reload_knowledge(state)
    assert report.answering == "meaning"
    assert report.summary().splitlines()[1] == "Answering by meaning and words."
    assert state.answerer.semantic
    assert state.meaning_task is None  # nothing to embed
    assert embedding.asked == []


async def test_without_a_model_the_reload_says_words_alone(tg_settings):
    state = BotState(settings=tg_settings, answerer=build_answerer(tg_settings.engine()))
    report = await reload_knowledge(state)
    assert report.answering == "words"
    assert "Answering by words alone." in report.summary()
    assert state.meaning_task is None
