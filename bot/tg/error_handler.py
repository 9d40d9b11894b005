"""The error handler: log the failure with its update, tell the user one short line.

No traceback or exception text ever reaches a chat: people see an apology, the log gets the
details. Polling hiccups (no update attached) are logged without alarming anyone.
"""

from __future__ import annotations

import json
import logging

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import ContextTypes

logger = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong while answering. Please try again in a moment."
MAX_LOGGED_UPDATE = 2000


def describe(update: Update) -> str:
    """Return the update as compact JSON, cut short so one bad update cannot flood the log."""
    text = json.dumps(update.to_dict(), ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= MAX_LOGGED_UPDATE else text[:MAX_LOGGED_UPDATE] + "..."


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any exception raised while handling an update and apologise to its user."""
    error = context.error
    if not isinstance(update, Update):
        if isinstance(error, NetworkError):
            logger.warning("Bot API unreachable, will retry: %s", error)
        else:
            logger.error("error outside an update", exc_info=error)
        return
    logger.error("update %s failed: %s", describe(update), error, exc_info=error)
    try:
        await _apologise(update)
    except Exception:  # the apology itself may fail, e.g. when the API is down
        logger.warning("could not tell the user about the failure", exc_info=True)


async def _apologise(update: Update) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(APOLOGY)
    elif update.inline_query is not None:
        await update.inline_query.answer([], cache_time=0)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(APOLOGY)
