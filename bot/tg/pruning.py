"""Retention: questions older than ``QUESTION_LOG_DAYS`` are deleted, at start and daily.

Updates done over a day ago go too. Besides saving space, that matters for correctness:
after a week without updates Telegram may number the next one at random, and an old id still
in the store would make a new update look like one already answered.
"""

from __future__ import annotations

import asyncio
import logging

from bot.store import Clock, utc_now
from bot.tg.state import BotState
from bot.tg.tasks import cancel

logger = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 24 * 60 * 60


async def prune_daily(
    state: BotState, every: float = PRUNE_EVERY_SECONDS, clock: Clock = utc_now
) -> None:
    """Prune the store now, then every ``every`` seconds, until cancelled."""
    store = state.store
    if store is None:
        return
    while True:
        days = state.settings.question_log_days
        pruned = await asyncio.to_thread(store.prune, clock(), days)
        if pruned.questions or pruned.updates:
            logger.info(
                "pruned %d questions older than %d days and %d answered updates",
                pruned.questions,
                days,
                pruned.updates,
            )
        await asyncio.sleep(every)


def schedule_pruning(state: BotState) -> None:
    """Start pruning in the background (once)."""
    if state.store is not None and state.pruning_task is None:
        state.pruning_task = asyncio.create_task(prune_daily(state), name="prune-question-log")


async def stop_pruning(state: BotState) -> None:
    """Cancel the pruning task and wait for it to end."""
    task, state.pruning_task = state.pruning_task, None
    await cancel(task)
