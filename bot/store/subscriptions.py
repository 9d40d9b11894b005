"""Chats subscribed to new briefings, and the deliveries of each announcement.

A delivery goes ``waiting`` -> ``sending`` -> ``sent`` (or ``dropped`` when the chat blocked
the bot or is gone, ``failed`` after ``MAX_TRIES``), each step committed before the next. At
a start, deliveries left ``sending`` by a crash are marked ``unsure`` and never sent again:
the message may have reached the chat, and a subscriber must never get it twice. The window
for that is the moment between committing ``sending`` and Telegram taking the message.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.store.models import Delivery

MAX_TRIES = 5


def subscribe(db: sqlite3.Connection, bot_id: int, chat_id: int, chat_type: str, now: str) -> bool:
    """Subscribe a chat; whether it was not subscribed before."""
    cursor = db.execute(
        "INSERT INTO subscriptions (bot_id, chat_id, chat_type, added_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (bot_id, chat_id) DO NOTHING",
        (bot_id, chat_id, chat_type, now),
    )
    return cursor.rowcount == 1


def unsubscribe(db: sqlite3.Connection, bot_id: int, chat_id: int) -> bool:
    """Unsubscribe a chat; whether it was subscribed."""
    return (
        db.execute(
            "DELETE FROM subscriptions WHERE bot_id = ? AND chat_id = ?", (bot_id, chat_id)
        ).rowcount
        == 1
    )


def subscribers(db: sqlite3.Connection, bot_id: int) -> list[int]:
    """The chats subscribed to ``bot_id``, in the order they subscribed."""
    rows = db.execute(
        "SELECT chat_id FROM subscriptions WHERE bot_id = ? ORDER BY added_at, chat_id", (bot_id,)
    )
    return [row["chat_id"] for row in rows]


def plan(db: sqlite3.Connection, bot_id: int, text: str, markup: str | None, now: str) -> int:
    """An announcement to every subscriber now, one waiting delivery each; how many."""
    cursor = db.execute(
        "INSERT INTO broadcasts (bot_id, made_at, text, markup) VALUES (?, ?, ?, ?)",
        (bot_id, now, text, markup),
    )
    return db.execute(
        "INSERT INTO deliveries (broadcast_id, chat_id, state, changed_at)"
        " SELECT ?, chat_id, 'waiting', ? FROM subscriptions WHERE bot_id = ?",
        (cursor.lastrowid, now, bot_id),
    ).rowcount


def _delivery(row: Any) -> Delivery:
    return Delivery(
        broadcast_id=row["broadcast_id"],
        chat_id=row["chat_id"],
        text=row["text"],
        markup=row["markup"],
        tries=row["tries"],
    )


def next_waiting(db: sqlite3.Connection, bot_id: int) -> Delivery | None:
    """The oldest waiting delivery of ``bot_id``'s announcements, if any."""
    row = db.execute(
        "SELECT d.broadcast_id, d.chat_id, d.tries, b.text, b.markup FROM deliveries d"
        " JOIN broadcasts b ON b.id = d.broadcast_id"
        " WHERE b.bot_id = ? AND d.state = 'waiting' ORDER BY d.broadcast_id, d.rowid LIMIT 1",
        (bot_id,),
    ).fetchone()
    return _delivery(row) if row is not None else None


def mark(db: sqlite3.Connection, delivery: Delivery, state: str, now: str) -> None:
    """Move a delivery on: ``sending``, ``sent``, ``dropped``, ``failed``, or ``waiting`` again."""
    tries = delivery.tries + (1 if state == "waiting" else 0)
    if state == "waiting" and tries >= MAX_TRIES:
        state = "failed"
    db.execute(
        "UPDATE deliveries SET state = ?, tries = ?, changed_at = ?"
        " WHERE broadcast_id = ? AND chat_id = ?",
        (state, tries, now, delivery.broadcast_id, delivery.chat_id),
    )


def settle_unsure(db: sqlite3.Connection, bot_id: int, now: str) -> int:
    """At a start: deliveries a crash left ``sending`` become ``unsure``; how many."""
    return db.execute(
        "UPDATE deliveries SET state = 'unsure', changed_at = ? WHERE state = 'sending'"
        " AND broadcast_id IN (SELECT id FROM broadcasts WHERE bot_id = ?)",
        (now, bot_id),
    ).rowcount


def counts(db: sqlite3.Connection, bot_id: int) -> dict[str, int]:
    """Deliveries of ``bot_id``'s announcements by state, for the record and the tests."""
    rows = db.execute(
        "SELECT d.state, COUNT(*) AS n FROM deliveries d JOIN broadcasts b ON b.id ="
        " d.broadcast_id WHERE b.bot_id = ? GROUP BY d.state",
        (bot_id,),
    )
    return {row["state"]: row["n"] for row in rows}
