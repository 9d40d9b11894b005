"""The feeds polled in the background: briefings arrive without an admin, faults stop nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

import bot.tg.feed_poller as feed_poller
import bot.tg.reload as reload_module
from bot.core import KnowledgeDirectoryError
from bot.tg.app import BotApp
from bot.tg.feed_poller import poll_all, poll_forever, schedule_feeds, stop_feeds
from bot.tg.state import STATE_KEY, BotState
from testkit.local_site import LocalSite
from testkit.news_feed import ARTICLES, serve
from tests.conftest import recording_app


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with LocalSite() as served:
        yield served


@pytest.fixture
async def state(tg_settings, fake_telegram, live_store) -> AsyncIterator[BotState]:
    settings = tg_settings.model_copy(
        update={"allow_private_links": True, "feed_poll_minutes": 0.001}
    )
    app: BotApp = recording_app(settings, fake_telegram, live_store)
    await app.initialize()
    yield app.bot_data[STATE_KEY]
    await app.shutdown()


async def taken(state: BotState, count: int) -> None:
    """Wait (10 s at most) until the feed's entries taken reach ``count``."""
    for _ in range(200):
        if state.store.feeds()[0].taken >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{state.store.feeds()[0]} took fewer than {count}")


def titles(state: BotState) -> set[str]:
    return {d.title for d in state.answerer.base.documents}


async def test_a_followed_feed_becomes_briefings_with_no_admin_and_its_new_entries_too(
    state, site
):
    url = serve(site, ARTICLES[:1])
    state.store.add_feed(url)
    task = asyncio.create_task(poll_forever(state, first=0))
    try:
        await taken(state, 1)
        assert ARTICLES[0].title in titles(state)
        serve(site, ARTICLES)
        await taken(state, 3)
        assert {a.title for a in ARTICLES} <= titles(state)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    answer = state.answerer.ask("how many beds does the children's wing have?")
    assert "42 beds" in answer.best.text
    assert answer.best.published.isoformat() == "2026-11-18"
    (feed,) = state.store.feeds()
    assert feed.taken == 3
    assert len([p for p in site.asked("/feed.xml") if p.status == 200]) == 2  # else 304


async def test_when_the_knowledge_does_not_load_with_them_nothing_changes(
    state, site, monkeypatch
):
    url = serve(site)
    state.store.add_feed(url)
    before = sorted(p.name for p in state.settings.knowledge_dir.iterdir())

    async def refuse(state):
        raise KnowledgeDirectoryError(state.settings.knowledge_dir, ["too many sentences"])

    monkeypatch.setattr(reload_module, "_rebuild", refuse)
    (polled,) = await poll_all(state)
    assert polled.added == ()
    assert "new briefings not added: knowledge directory" in polled.summary()
    assert sorted(p.name for p in state.settings.knowledge_dir.iterdir()) == before
    (feed,) = state.store.feeds()
    assert feed.taken == 0
    assert "the knowledge did not load with its entries" in feed.error
    monkeypatch.undo()
    (polled,) = await poll_all(state)  # tried again: the entries were not taken
    assert len(polled.added) == 3


async def test_polling_starts_only_with_a_store_and_a_period(state, tg_settings):
    schedule_feeds(state)
    assert state.feeds_task is not None
    await stop_feeds(state)
    assert state.feeds_task is None
    never = BotState(
        settings=tg_settings.model_copy(update={"feed_poll_minutes": 0}),
        answerer=state.answerer,
        store=state.store,
    )
    schedule_feeds(never)
    assert never.feeds_task is None


async def test_a_cancel_mid_install_waits_for_it_so_files_index_and_store_agree(
    state, site, monkeypatch
):
    url = serve(site)
    state.store.add_feed(url)
    begun = asyncio.Event()
    rebuild = reload_module._rebuild

    async def slow_rebuild(state):
        begun.set()
        await asyncio.sleep(0.2)
        return await rebuild(state)

    monkeypatch.setattr(reload_module, "_rebuild", slow_rebuild)
    task = asyncio.create_task(poll_all(state))
    await asyncio.wait_for(begun.wait(), 10)  # the files are written, the reload under way
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    (feed,) = state.store.feeds()
    assert feed.taken == 3
    assert {a.title for a in ARTICLES} <= titles(state)
    files = {p.name for p in state.settings.knowledge_dir.glob("*.md")}
    assert "ferry-crews-strike-over-rosters.md" in files


async def test_of_replicas_sharing_a_store_one_polls_each_round(
    replicas, sqlite_store, tg_settings
):
    a, b = replicas
    every = 0.5
    turns = [await feed_poller._my_turn(a, every), await feed_poller._my_turn(b, every)]
    assert turns == [True, False]
    await asyncio.sleep(every)
    assert await feed_poller._my_turn(b, every)  # A's turn ran out: B takes the next
    alone = BotState(settings=tg_settings, answerer=a.answerer, store=sqlite_store)
    assert [await feed_poller._my_turn(alone, every) for _ in range(2)] == [True, True]
