"""The question log's retention: old questions deleted at start and then daily."""

from __future__ import annotations

import asyncio

from bot.core import build_answerer
from bot.store import QuestionEntry
from bot.tg.pruning import prune_daily, schedule_pruning, stop_pruning
from bot.tg.state import BotState


def _entry(text: str) -> QuestionEntry:
    return QuestionEntry(chat_type="private", text=text, group_key=text, latency_ms=1.0)


async def test_questions_older_than_the_setting_are_pruned_and_newer_kept(
    tg_settings, store, store_clock
):
    old = store.log_question(_entry("asked long ago"))
    store_clock.advance(days=400)  # the store's clock: a year on
    recent = store.log_question(_entry("asked today"))
    state = BotState(
        settings=tg_settings.model_copy(update={"question_log_days": 30}),
        answerer=build_answerer(tg_settings.engine()),
        store=store,
    )
    task = asyncio.create_task(prune_daily(state, every=3600, clock=store_clock))
    await asyncio.sleep(0.2)  # the first pass runs at once
    task.cancel()
    assert store.logged_question(old) is None  # 400 days old: past the 30 kept
    assert store.logged_question(recent) is not None


async def test_pruning_starts_once_and_stops_cleanly(tg_settings, store):
    state = BotState(
        settings=tg_settings, answerer=build_answerer(tg_settings.engine()), store=store
    )
    schedule_pruning(state)
    first = state.pruning_task
    schedule_pruning(state)
    assert state.pruning_task is first
    await stop_pruning(state)
    assert state.pruning_task is None
    assert first is not None
    assert first.done()
