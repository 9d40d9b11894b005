"""No question lost to a crash: updates are written down before Telegram forgets them.

Telegram keeps an update until the bot confirms it: by polling with a higher offset, or by
answering the webhook's POST. PTB confirms a batch as soon as it has queued it, long before the
answers are sent, so a process killed in between (``kill -9``, out of memory, a host reboot)
took those questions with it. Here the Application's update queue is a ``RecordingQueue``:
each update is recorded in the store, durably, before it is queued, and both PTB's poller and
its webhook server only confirm after queuing. After the update's handlers have run, the last
handler group marks it done. On start, updates recorded and not done are answered first.

An update Telegram delivers twice (it was never confirmed, so it comes again after a restart)
is recorded once and answered once: the store says it is not new, and it is dropped here.
Updates are kept per bot, by the id ``getMe`` gave PTB at start (``bot.id``): each bot numbers
its updates on its own, so a test bot and the production bot on one store both get an update
1, and neither is the other's redelivery.

The window left: Telegram has accepted an answer and the process dies before the store marks
its update done. That update is answered again after the restart, so that person gets the same
answer twice. At a kill, every answer on its way is in that window: measured here, 0 to 1 with
a quick Bot API, 6 to 15 when it takes 200 ms to answer (about the send rate, 30 a second, times
its response time). Telegram's sendMessage takes no idempotency key, so the window cannot be
closed from this side. Nothing is lost in any order of events.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.store import StateStore, StoreError, StoreWriteError

if TYPE_CHECKING:
    from telegram import Bot

logger = logging.getLogger(__name__)

# The handler group that marks an update done: after every group that answers.
FINISHED_GROUP = 1_000
# Starts at which an unfinished update is answered again before it is given up on: an update
# that kills the process while it is answered would otherwise kill every start after it.
MAX_REPLAYS = 2


class RecordingQueue(asyncio.Queue[object]):
    """The Application's update queue, recording each update in ``store`` before queuing it."""

    def __init__(self, store: StateStore | None) -> None:
        super().__init__()
        self.store = store

    async def put(self, item: object) -> None:
        """Record ``item`` (if it is an update) durably, then queue it; drop a redelivery.

        The write waits for the disk (an fsync), so it runs in a worker thread: other chats'
        answers go on meanwhile. PTB awaits this before it confirms the update to Telegram. The
        update is recorded under the bot it came through (``getMe``'s id, known since PTB
        initialised that bot), so another bot's update with the same id is no redelivery.
        At DEBUG each update is logged as JSON (what is recorded, parseable, not Python's
        repr), after whom it is from: an admin finds their user id without reading the JSON.
        """
        recorded = True
        if isinstance(item, Update):
            payload = item.to_json()
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug("%s: %s", received(item), payload)
            if self.store is not None:
                bot_id = item.get_bot().id
                recorded = await asyncio.to_thread(self._record, item.update_id, payload, bot_id)
        if recorded:
            await super().put(item)

    async def replay(self, update: Update) -> None:
        """Queue an update already recorded (left unfinished by the last run)."""
        await super().put(update)

    def _record(self, update_id: int, payload: str, bot_id: int) -> bool:
        """Whether to answer the update: it is new to ``bot_id``, or the store cannot tell."""
        assert self.store is not None
        try:
            new = self.store.record_updates([(update_id, payload)], bot_id=bot_id)
        except StoreWriteError as exc:  # answer anyway, without the net (the store warned)
            logger.debug("update %d not recorded: %s", update_id, exc)
            return True
        if not new:
            logger.info("update %d delivered again: already answered once", update_id)
        return bool(new)


def received(update: Update) -> str:
    """``update 12 received from user 11111111``: the start of an update's DEBUG line."""
    user = update.effective_user
    return f"update {update.update_id} received" + (f" from user {user.id}" if user else "")


async def finished(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Mark an update done once every handler that answers it has run."""
    queue = context.application.update_queue
    if isinstance(update, Update) and isinstance(queue, RecordingQueue) and queue.store:
        queue.store.finish_update(update.update_id, bot_id=context.bot.id)


async def replay_unfinished(queue: RecordingQueue, bot: Bot, *, taking_over: bool = False) -> int:
    """Queue the updates ``bot``'s last run recorded and did not finish; how many were queued.

    Only this bot's: another bot sharing the store replays its own when it starts. Where
    replicas share the store, only those no live replica holds (``taking_over``: those of a
    replica that died since, found by ``bot.tg.leases``).

    Each replay is counted first; an update already replayed ``MAX_REPLAYS`` times (so probably
    what killed those runs) is given up on, with a warning. An update the bot can no longer read
    (a future PTB, a damaged row) is logged and marked done, so it never blocks a start again.
    """
    store = queue.store
    if store is None:
        return 0
    try:
        # In a worker thread: a durable write may wait seconds for a server that restarts, and
        # the event loop must go on renewing this replica's leases meanwhile.
        unfinished, given_up = await asyncio.to_thread(
            store.take_unfinished, MAX_REPLAYS, bot_id=bot.id
        )
    except StoreWriteError as exc:  # cannot count: replay anyway, as before the count existed
        logger.warning("replays not counted: %s", exc)
        unfinished, given_up = _unfinished(store, bot.id), []
    except StoreError as exc:
        logger.warning("updates left unfinished could not be read: %s", exc)
        return 0
    for update_id in given_up:
        logger.warning(
            "update %d given up: left unfinished by %d runs in a row", update_id, MAX_REPLAYS + 1
        )
    queued = 0
    for update_id, payload in unfinished:
        try:
            data: Any = json.loads(payload)
            update = Update.de_json(data, bot)
        except (ValueError, TypeError, KeyError) as exc:
            logger.warning("update %d left unfinished cannot be read: %s", update_id, exc)
            store.finish_update(update_id, bot_id=bot.id)
            continue
        await queue.replay(update)
        queued += 1
    if queued and taking_over:
        logger.warning(
            "taking over %d updates a replica left unanswered (its lease ran out)", queued
        )
    elif queued:
        logger.info("answering %d updates left unfinished by the last run", queued)
    return queued


def _unfinished(store: StateStore, bot_id: int) -> list[tuple[int, str]]:
    try:
        return store.unfinished_updates(bot_id=bot_id)
    except StoreError as exc:
        logger.warning("updates left unfinished could not be read: %s", exc)
        return []
