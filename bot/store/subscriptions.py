"""Chats subscribed to new briefings, and the deliveries of each announcement.

A chat subscribes to each announcement, or to one daily digest at an hour of its choice (UTC)
of what was announced since its last one; a daily digest is planned, and the chat marked as
served today, in one transaction.

A delivery goes ``waiting`` -> ``sending`` -> ``sent`` (or ``dropped`` when the chat blocked
the bot or is gone, ``failed`` after ``MAX_TRIES``), each step committed before the next. At
a start, deliveries left ``sending`` by a crash are marked ``unsure`` and never sent again:
the message may have reached the chat, and a subscriber must never get it twice. The window
for that is the moment between committing ``sending`` and Telegram taking the message.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.store.connection import Db
from bot.store.models import DailyDue, Delivery

MAX_TRIES = 5


def subscribe(
    db: Db,
    bot_id: int,
    chat_id: int,
    chat_type: str,
    now: str,
    daily_hour: int | None = None,
) -> bool:
    """Subscribe a chat (to a daily digest at ``daily_hour``, UTC); whether anything changed."""
    row = db.execute(
        "SELECT daily_hour FROM subscriptions WHERE bot_id = ? AND chat_id = ?", (bot_id, chat_id)
    ).fetchone()
    if row is not None and row["daily_hour"] == daily_hour:
        return False
    db.execute(
        "INSERT INTO subscriptions (bot_id, chat_id, chat_type, added_at, daily_hour, daily_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (bot_id, chat_id) DO UPDATE SET"
        " daily_hour = excluded.daily_hour, daily_at = excluded.daily_at",
        (bot_id, chat_id, chat_type, now, daily_hour, now if daily_hour is not None else None),
    )
    return True


def unsubscribe(db: Db, bot_id: int, chat_id: int) -> bool:
    """Unsubscribe a chat; whether it was subscribed."""
    return (
        db.execute(
            "DELETE FROM subscriptions WHERE bot_id = ? AND chat_id = ?", (bot_id, chat_id)
        ).rowcount
        == 1
    )


def subscribers(db: Db, bot_id: int) -> list[int]:
    """The chats subscribed to ``bot_id``, in the order they subscribed."""
    rows = db.execute(
        "SELECT chat_id FROM subscriptions WHERE bot_id = ? ORDER BY added_at, chat_id", (bot_id,)
    )
    return [row["chat_id"] for row in rows]


def plan(
    db: Db,
    bot_id: int,
    text: str,
    markup: str | None,
    now: str,
    paths: Sequence[str] = (),
) -> int:
    """An announcement of ``paths`` to every subscriber of each one now; how many."""
    cursor = db.execute(
        "INSERT INTO broadcasts (bot_id, made_at, text, markup, paths) VALUES (?, ?, ?, ?, ?)"
        " RETURNING id",
        (bot_id, now, text, markup, json.dumps(list(paths))),
    )
    broadcast = cursor.fetchone()[0]
    return db.execute(
        "INSERT INTO deliveries (broadcast_id, chat_id, state, changed_at)"
        " SELECT ?, chat_id, 'waiting', ? FROM subscriptions"
        " WHERE bot_id = ? AND daily_hour IS NULL",
        (broadcast, now, bot_id),
    ).rowcount


def daily_due(db: Db, bot_id: int, today: str, hour: int) -> list[DailyDue]:
    """The daily subscribers whose hour has come and whose digest of ``today`` is not made.

    ``today`` is the UTC date (``YYYY-MM-DD``) and ``hour`` the hour it is now; a subscriber
    whose hour has passed is due too, so a bot that was down at the hour catches up.
    """
    rows = db.execute(
        "SELECT chat_id, daily_at, daily_hour FROM subscriptions"
        " WHERE bot_id = ? AND daily_hour <= ? ORDER BY added_at, chat_id",
        (bot_id, hour),
    ).fetchall()
    found = []
    for row in rows:
        hour_today = f"{today}T{row['daily_hour']:02d}:00:00"
        if row["daily_at"] is not None and row["daily_at"] >= hour_today:
            continue  # today's digest was made at its hour or after
        since = row["daily_at"] or ""
        announced = db.execute(
            "SELECT paths FROM broadcasts WHERE bot_id = ? AND made_at > ? ORDER BY id",
            (bot_id, since),
        )
        paths = [p for r in announced for p in json.loads(r["paths"])]
        found.append(
            DailyDue(
                chat_id=row["chat_id"],
                paths=tuple(dict.fromkeys(paths)),
                last_made=row["daily_at"],
            )
        )
    return found


def plan_daily(
    db: Db,
    bot_id: int,
    due: DailyDue,
    text: str | None,
    markup: str | None,
    now: str,
) -> bool:
    """One chat's daily digest (``None``: nothing new to send), and that it is made today.

    Both in one transaction, so a digest is planned once a day whatever happens after; and
    only while the chat's last digest is still the one ``daily_due`` found, so that of
    replicas planning the same digest at once, one does. Whether this call planned it.
    """
    # The row's lock orders replicas: the second sees the first's daily_at, and stops.
    made = db.execute(
        "UPDATE subscriptions SET daily_at = ? WHERE bot_id = ? AND chat_id = ?"
        " AND daily_hour IS NOT NULL AND COALESCE(daily_at, '') = ?",
        (now, bot_id, due.chat_id, due.last_made or ""),
    ).rowcount
    if not made:
        return False  # planned by another, or the chat left or is no longer daily
    if text is not None:
        cursor = db.execute(
            "INSERT INTO broadcasts (bot_id, made_at, text, markup) VALUES (?, ?, ?, ?)"
            " RETURNING id",
            (bot_id, now, text, markup),
        )
        broadcast = cursor.fetchone()[0]
        db.execute(
            "INSERT INTO deliveries (broadcast_id, chat_id, state, changed_at)"
            " VALUES (?, ?, 'waiting', ?)",
            (broadcast, due.chat_id, now),
        )
    return True


def _delivery(row: Any) -> Delivery:
    return Delivery(
        broadcast_id=row["broadcast_id"],
        chat_id=row["chat_id"],
        text=row["text"],
        markup=row["markup"],
        tries=row["tries"],
    )


_WAITING = (
    "SELECT d.broadcast_id, d.chat_id, d.tries, b.text, b.markup FROM deliveries d"
    " JOIN broadcasts b ON b.id = d.broadcast_id"
    " WHERE b.bot_id = ? AND d.state = 'waiting' ORDER BY d.broadcast_id, d.chat_id LIMIT 1"
)


def next_waiting(db: Db, bot_id: int) -> Delivery | None:
    """The oldest waiting delivery of ``bot_id``'s announcements, if any."""
    row = db.execute(_WAITING, (bot_id,)).fetchone()
    return _delivery(row) if row is not None else None


def take_waiting(db: Db, bot_id: int, now: str, *, skip_locked: bool) -> Delivery | None:
    """The oldest waiting delivery, marked ``sending`` in the same transaction: this caller's.

    Replicas taking at once each get another (PostgreSQL skips the rows others hold; SQLite
    has one writer), so no subscriber gets one announcement from two replicas.
    """
    lock = " FOR UPDATE OF d SKIP LOCKED" if skip_locked else ""
    row = db.execute(_WAITING + lock, (bot_id,)).fetchone()
    if row is None:
        return None
    delivery = _delivery(row)
    mark(db, delivery, "sending", now)
    return delivery


def mark(db: Db, delivery: Delivery, state: str, now: str) -> None:
    """Move a delivery on: ``sending``, ``sent``, ``dropped``, ``failed``, or ``waiting`` again."""
    tries = delivery.tries + (1 if state == "waiting" else 0)
    if state == "waiting" and tries >= MAX_TRIES:
        state = "failed"
    db.execute(
        "UPDATE deliveries SET state = ?, tries = ?, changed_at = ?"
        " WHERE broadcast_id = ? AND chat_id = ?",
        (state, tries, now, delivery.broadcast_id, delivery.chat_id),
    )


def settle_unsure(db: Db, bot_id: int, now: str) -> int:
    """At a start: deliveries a crash left ``sending`` become ``unsure``; how many."""
    return db.execute(
        "UPDATE deliveries SET state = 'unsure', changed_at = ? WHERE state = 'sending'"
        " AND broadcast_id IN (SELECT id FROM broadcasts WHERE bot_id = ?)",
        (now, bot_id),
    ).rowcount


def counts(db: Db, bot_id: int) -> dict[str, int]:
    """Deliveries of ``bot_id``'s announcements by state, for the record and the tests."""
    rows = db.execute(
        "SELECT d.state, COUNT(*) AS n FROM deliveries d JOIN broadcasts b ON b.id ="
        " d.broadcast_id WHERE b.bot_id = ? GROUP BY d.state",
        (bot_id,),
    )
    return {row["state"]: row["n"] for row in rows}
