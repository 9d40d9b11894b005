"""Polling the feeds admins follow: at start, every ``FEED_POLL_MINUTES``, and on ``/feed poll``.

One round polls each feed in turn (``bot.feeds.poll``, in a thread: it fetches), then installs
what it made ready under the reload lock (``reload.install_poll``). A feed that fails, or
whose briefings do not load, is logged and keeps its error for ``/feed list``; it never stops
the round, the next poll or the bot. The task is a plain asyncio task kept in the state, like
pruning, cancelled at shutdown; a round cut off mid-way loses nothing, since an entry is only
recorded as taken after the knowledge loaded with it. Replicas sharing a store take turns: one
polls each round (``StateStore.take_turn``), and its new briefings reach the others through the
store's knowledge.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.core import BriefingBotError, counted
from bot.feeds import Poll, Ready, poll, record
from bot.store import Feed, StoreError
from bot.tg.reload import ReloadReport, install_poll
from bot.tg.state import BotState
from bot.tg.tasks import cancel

logger = logging.getLogger(__name__)

FIRST_POLL_SECONDS = 5.0  # after start, so the bot is answering before the first fetch
TURN_SHARE = 0.9  # of the poll interval: how long a replica's turn to poll the feeds lasts


@dataclass(frozen=True)
class Polled:
    """One feed's poll as an admin reads it: the briefings it added, or why it failed."""

    feed: Feed
    result: Poll | None
    added: tuple[Ready, ...] = ()
    report: ReloadReport | None = None
    failure: str | None = None

    @property
    def name(self) -> str:
        """The feed's title, else its address."""
        title = self.result.title if self.result else None
        return title or self.feed.title or self.feed.url

    def summary(self) -> str:
        """One line: what the poll added, or that it found nothing new, or its error."""
        if self.failure is not None:
            return f"{self.name}: new briefings not added: {self.failure}"
        problem = self.result.problem() if self.result else None
        if self.added:
            titles = "; ".join(f"\u201c{r.prepared.title}\u201d" for r in self.added)
            line = f"{self.name}: {counted(len(self.added), 'new briefing')}: {titles}"
        elif self.result is not None and self.result.not_modified:
            line = f"{self.name}: unchanged since the last poll"
        else:
            line = f"{self.name}: nothing new"
        return f"{line} (problem: {problem})" if problem else line


async def poll_one(state: BotState, feed: Feed) -> Polled:
    """Poll one feed and install its new briefings; never raises for the feed's faults."""
    store, settings = state.store, state.settings
    assert store is not None
    result: Poll | None = None
    try:
        taken = await asyncio.to_thread(store.taken_entries, feed.id)
        result = await asyncio.to_thread(
            poll,
            feed,
            taken,
            max_bytes=settings.max_file_bytes,
            allow_private=settings.allow_private_links,
            max_new=settings.feed_max_new,
        )
        if result.error is not None:
            logger.warning("feed %s: %s", feed.url, result.error)
            # the error, and the validators as they were
            await asyncio.to_thread(record, store, settings.knowledge_dir, result, [])
            return Polled(feed, result)
        report, added = await install_poll(state, result)
    except (BriefingBotError, OSError) as exc:
        logger.warning("feed %s: not installed: %s", feed.url, exc)
        return Polled(feed, result, failure=str(exc))
    for problem in result.failed:
        logger.warning("feed %s: entry left for the next poll: %s", feed.url, problem)
    if added:
        logger.info(
            "feed %s: %s: %s",
            feed.url,
            counted(len(added), "new briefing"),
            ", ".join(r.prepared.name for r in added),
        )
    return Polled(feed, result, tuple(added), report)


async def poll_all(state: BotState) -> list[Polled]:
    """One round over every feed followed, in the order they were added."""
    if state.store is None:
        return []
    try:
        feeds = await asyncio.to_thread(state.store.feeds)
    except StoreError as exc:
        logger.warning("feeds not polled: %s", exc)
        return []
    return [await poll_one(state, feed) for feed in feeds]


async def poll_forever(state: BotState, first: float = FIRST_POLL_SECONDS) -> None:
    """Poll every feed after ``first`` seconds, then every ``FEED_POLL_MINUTES``."""
    await asyncio.sleep(first)
    every = state.settings.feed_poll_minutes * 60
    while True:
        try:
            if await _my_turn(state, every):
                await poll_all(state)
        except Exception:  # a bug must not end polling for good: log it, poll again later
            logger.exception("polling the feeds failed")
        await asyncio.sleep(every)


async def _my_turn(state: BotState, every: float) -> bool:
    """Whether this replica polls this time: of replicas sharing a store, one does a round.

    The turn lasts a little less than the interval, so a replica waking on time takes the
    next one; if it died, another takes the turn after.
    """
    store = state.store
    if store is None or not store.shares_knowledge:
        return True
    return await asyncio.to_thread(store.take_turn, "feed-poll", every * TURN_SHARE)


def schedule_feeds(state: BotState) -> None:
    """Start polling in the background (once), unless ``FEED_POLL_MINUTES`` is 0."""
    if state.store is None or state.feeds_task is not None:
        return
    if state.settings.feed_poll_minutes <= 0:
        return
    state.feeds_task = asyncio.create_task(poll_forever(state), name="poll-feeds")


async def stop_feeds(state: BotState) -> None:
    """Cancel polling and wait for it to end."""
    task, state.feeds_task = state.feeds_task, None
    await cancel(task)
