"""What the bot keeps of each question: enough for admins to see what the briefings miss.

A question is logged as text with its chat type, whether it was answered, the cited sentence
(file, position, text, score) and the time the bot took; never who asked, unless
``LOG_USER_HASH`` asks for a salted hash of the user id (for per-user counts). The log's id
goes into the answer's buttons, so "More" and the votes work on answers sent before a restart.

Inline queries are not logged: Telegram sends one as the user types, and every prefix of a
question would crowd the reports.
"""

from __future__ import annotations

import logging

from bot.core import Answer
from bot.store import ChatType, Citation, QuestionEntry
from bot.tg.state import BotState

logger = logging.getLogger(__name__)

CHAT_TYPES: dict[str, ChatType] = {
    "private": "private",
    "group": "group",
    "supergroup": "supergroup",
    "channel": "channel",
}


def group_key(answer: Answer) -> str:
    """What makes two questions the same for the reports: the terms searched, in order.

    "When is Kalbajar handed over?" and "kalbajar: when is it handed over" search the same
    terms, so they count as one question; a question with no terms groups by its text.
    """
    if answer.terms:
        return " ".join(sorted(set(answer.terms)))
    return " ".join(answer.question.lower().split())


def record(
    state: BotState,
    chat_type: str,
    answer: Answer,
    latency_ms: float,
    user_id: int | None,
    *,
    edit_of: int | None = None,
) -> int | None:
    """Log ``answer`` in the store; its id, or ``None`` without a store or if not stored.

    ``edit_of`` is the logged question this one replaces, when its message was edited.
    """
    store, kind = state.store, CHAT_TYPES.get(chat_type)
    if store is None or kind is None:
        return None
    best = answer.best
    citation = None
    if best is not None:
        citation = Citation(
            file=best.file, position=best.position, text=best.text, score=best.score
        )
    hashed = None
    if user_id is not None and state.settings.log_user_hash:
        hashed = store.user_hash(user_id)
    entry = QuestionEntry(
        chat_type=kind,
        text=answer.question,
        group_key=group_key(answer),
        citation=citation,
        latency_ms=max(0.0, latency_ms),
        user_hash=hashed,
        edit_of=edit_of,
        meaning=answer.meaning.vector if answer.meaning else None,
        meaning_model=answer.meaning.model if answer.meaning else None,
    )
    return store.log_question(entry)
