"""👍 and 👎 under an answer: one tap, any user, one vote per user per answer, changeable.

A vote never posts a message: the tap is answered with a short notice that only the voter sees.
The store keeps only a salted hash of the voter's id (``bot.store``), so a vote can be changed
without anyone being identifiable from the log. ``/feedback`` lists the answers voted down.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.tg.replies import UP, callback_id
from bot.tg.state import get_state

logger = logging.getLogger(__name__)

THANKS = "Thanks! This answer has \U0001f44d {up} \u00b7 \U0001f44e {down}."
TOO_OLD = "This answer is too old to vote on. Please ask again."


async def vote_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Count a 👍 or 👎 from the user who tapped it; tell them the totals."""
    query = update.callback_query
    if query is None:
        return
    store = get_state(context).store
    question_id = callback_id(query.data)
    if store is None or question_id is None:
        await query.answer(TOO_OLD)
        return
    value = 1 if (query.data or "").startswith(UP) else -1
    totals = store.vote(question_id, store.user_hash(query.from_user.id), value)
    if totals is None:
        await query.answer(TOO_OLD)
        return
    logger.info("vote %+d on answer %d", value, question_id)
    await query.answer(THANKS.format(up=totals.up, down=totals.down))
