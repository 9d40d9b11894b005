"""Replicas sharing a PostgreSQL store: each keeps its own updates, and takes over a dead one's.

A replica leases each update it records (``bot.store.updates``). Every third of the lease it
renews the leases of the updates it is still answering, then takes over those whose lease ran
out: their replica was killed, or lost the store for a whole lease, after recording them and
before marking them done. Telegram will not send them again (the webhook was answered), so
without this they would wait for that replica's next start, or for ever.

The duplicate window this leaves: an update taken over while its first replica was still
answering it, which needs that replica to go a whole lease (``UPDATE_LEASE_SECONDS``, 30 s by
default) without renewing: a blocked event loop, or the store unreachable from it and not from
the others. A store of one process (SQLite) leases nothing, and this does not run.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.tg.durable import RecordingQueue, replay_unfinished
from bot.tg.state import BotState
from bot.tg.tasks import cancel

if TYPE_CHECKING:
    from telegram import Bot

RENEWALS_A_LEASE = 3


async def keep_leases(queue: RecordingQueue, bot: Bot, every: float) -> None:
    """Renew this replica's leases and take over expired ones every ``every`` seconds."""
    store = queue.store
    if store is None or store.lease is None:  # one process's store: nobody to take over from
        return
    while True:
        await asyncio.sleep(every)
        # A failed renewal is logged once by the store, never raised; the next round tries again.
        await asyncio.to_thread(store.renew_leases, bot_id=bot.id)
        await replay_unfinished(queue, bot, taking_over=True)


def schedule_leases(state: BotState, queue: object, bot: Bot) -> None:
    """Start keeping leases in the background, where the store leases updates (once)."""
    store = state.store
    if store is None or store.lease is None or state.leases_task is not None:
        return
    if not isinstance(queue, RecordingQueue):
        return
    every = store.lease.total_seconds() / RENEWALS_A_LEASE
    state.leases_task = asyncio.create_task(keep_leases(queue, bot, every), name="keep-leases")


async def stop_leases(state: BotState) -> None:
    """Stop keeping leases (at shutdown: the updates left go to the other replicas)."""
    task, state.leases_task = state.leases_task, None
    await cancel(task)
