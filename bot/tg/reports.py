"""What admins learn from use: ``/unanswered``, ``/stats`` and ``/feedback``.

The same reports as ``python -m bot report``, in the same words (``bot.report_text``), sent as
preformatted text so the columns line up. Admins only; anyone else is refused politely.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import Update
from telegram.ext import ContextTypes

from bot import report_text
from bot.store import StateStore, StoreError, utc_now
from bot.tg.admin import admin_with_store
from bot.tg.render import escape
from bot.tg.replies import reply_html

logger = logging.getLogger(__name__)

REFUSAL = "Sorry, only the bot's admins can see the question reports."
NO_STORE = "The question log is switched off, so there is nothing to report."
# Telegram's limit is 4,096 characters; escaping and the <pre> tags need some of it.
MAX_REPORT = 3500


async def _report(
    update: Update, context: ContextTypes.DEFAULT_TYPE, make: Callable[[StateStore], str]
) -> None:
    found = await admin_with_store(update, context, REFUSAL, NO_STORE)
    if found is None:
        return
    message, _, store = found
    try:
        text = await asyncio.to_thread(make, store)
    except StoreError as exc:
        logger.warning("report failed: %s", exc)
        await reply_html(message, escape(f"The question log cannot be read: {exc}"))
        return
    if len(text) > MAX_REPORT:
        text = text[:MAX_REPORT].rsplit("\n", 1)[0] + "\n..."
    await reply_html(message, f"<pre>{escape(text)}</pre>")


async def unanswered_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The questions most asked in the last week that got no answer, grouped."""
    days = report_text.UNANSWERED_DAYS

    def make(store: StateStore) -> str:
        groups = store.unanswered(report_text.since(utc_now(), days))
        return report_text.unanswered_text(groups, days)

    await _report(update, context, make)


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Questions, share answered, votes and median latency, a day for the last week."""
    days = report_text.STATS_DAYS

    def make(store: StateStore) -> str:
        return report_text.stats_text(store.stats(report_text.since(utc_now(), days)), days)

    await _report(update, context, make)


async def feedback_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The latest answers voted down, with their questions."""

    def make(store: StateStore) -> str:
        return report_text.feedback_text(store.feedback(report_text.FEEDBACK_COUNT))

    await _report(update, context, make)
