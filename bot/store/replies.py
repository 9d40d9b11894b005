"""Which message of the bot answered which message (``ReplyLink``), for edited questions.

One row a question message, replaced when the answer is sent anew (its message was deleted):
the latest answer is the one an edit should change. The chat is stored as its salted hash
(``chat``, made by the caller with the store's salt): a private chat's id is the user's id,
which the store never keeps. Kept ``REPLY_DAYS`` days: people fix a question within minutes.
"""

from __future__ import annotations

from bot.store.connection import Db
from bot.store.models import ReplyLink

REPLY_DAYS = 7


def link(db: Db, reply: ReplyLink, chat: str, now: str) -> None:
    """Record (or replace) the answer to one message; ``chat`` is its chat's hash."""
    db.execute(
        "INSERT INTO replies (bot_id, chat, message_id, reply_id, question_id, made_at)"
        " VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (bot_id, chat, message_id) DO UPDATE SET reply_id = excluded.reply_id,"
        " question_id = excluded.question_id, made_at = excluded.made_at",
        (reply.bot_id, chat, reply.message_id, reply.reply_id, reply.question_id, now),
    )


def get(db: Db, bot_id: int, chat_id: int, chat: str, message_id: int) -> ReplyLink | None:
    """The answer to one message in ``chat_id`` (hashed: ``chat``), if still kept."""
    row = db.execute(
        "SELECT reply_id, question_id FROM replies"
        " WHERE bot_id = ? AND chat = ? AND message_id = ?",
        (bot_id, chat, message_id),
    ).fetchone()
    if row is None:
        return None
    return ReplyLink(
        bot_id=bot_id,
        chat_id=chat_id,
        message_id=message_id,
        reply_id=row["reply_id"],
        question_id=row["question_id"],
    )


def prune(db: Db, before: str) -> int:
    """Forget the answers made before ``before``; how many."""
    return db.execute("DELETE FROM replies WHERE made_at < ?", (before,)).rowcount
