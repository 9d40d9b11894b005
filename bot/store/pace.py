"""One pace for a bot's sends, shared by the replicas of it that share a store.

Telegram limits a bot to about 30 messages a second, whatever runs it. Each replica reserves
the moment of its next send in the bot's one row of ``send_pace`` and waits for it: the row's
lock orders the replicas, so their sends together come one interval apart. Moments are the
replicas' own clocks (seconds since the epoch), which must agree well within an interval
(NTP keeps them within milliseconds). These functions run inside the caller's transaction.
"""

from __future__ import annotations

from bot.store.connection import Db


def reserve_send(db: Db, bot_id: int, now: float, interval: float) -> float:
    """Reserve ``bot_id``'s next send, ``interval`` seconds after the last; its moment.

    One statement, so replicas reserving at once are ordered by the row's lock: each gets the
    moment after the one before, whichever replica that was. The moment, not a wait: the
    caller can tell that it missed it (a wait would start counting only when it is read).
    """
    next_at = db.execute(
        "INSERT INTO send_pace (bot_id, next_at) VALUES (?, ?) ON CONFLICT (bot_id) DO UPDATE"
        " SET next_at = CASE WHEN send_pace.next_at > ? THEN send_pace.next_at ELSE ? END + ?"
        " RETURNING next_at",
        (bot_id, now + interval, now, now, interval),
    ).fetchone()[0]
    return float(next_at) - interval
