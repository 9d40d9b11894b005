"""Telegram updates, recorded before they are relied on: the crash-safety net.

The caller records what ``getUpdates`` (or a webhook) delivered before Telegram is told to
forget it, answers, then marks each done. After a crash, what was recorded and not done is
answered first. An id already recorded is a redelivery (Telegram resends what it was not told
to forget), so it is never answered twice. These functions run inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def record(db: sqlite3.Connection, updates: Sequence[tuple[int, str]], now: str) -> list[int]:
    """Store each update not seen before; the ids that were new, in the order given."""
    new = []
    for update_id, payload in updates:
        cursor = db.execute(
            "INSERT INTO updates (update_id, payload, received_at) VALUES (?, ?, ?)"
            " ON CONFLICT (update_id) DO NOTHING",
            (update_id, payload, now),
        )
        if cursor.rowcount == 1:
            new.append(update_id)
    return new


def finish(db: sqlite3.Connection, update_id: int, now: str) -> None:
    """Mark an update answered (the first time only: done_at says when it was).

    Its raw JSON is dropped at once: it names the sender and the chat, and once answered only
    the id is needed (to recognise a redelivery). So who asked stays in the store only while
    the question is in flight.
    """
    db.execute(
        "UPDATE updates SET done_at = ?, payload = '' WHERE update_id = ? AND done_at IS NULL",
        (now, update_id),
    )


def unfinished(db: sqlite3.Connection) -> list[tuple[int, str]]:
    """Recorded and not done, in the order they arrived."""
    rows = db.execute(
        "SELECT update_id, payload FROM updates WHERE done_at IS NULL ORDER BY seq"
    ).fetchall()
    return [(int(row[0]), str(row[1])) for row in rows]


def take_unfinished(
    db: sqlite3.Connection, max_replays: int, now: str
) -> tuple[list[tuple[int, str]], list[int]]:
    """The unfinished updates to answer again, and the ids of those given up on.

    Each one returned is counted as replayed once more; one already replayed ``max_replays``
    times is marked done instead (its JSON blanked, as for an answered one).
    """
    rows = db.execute(
        "SELECT update_id, payload, replays FROM updates WHERE done_at IS NULL ORDER BY seq"
    ).fetchall()
    given_up = [int(row[0]) for row in rows if row[2] >= max_replays]
    db.executemany(
        "UPDATE updates SET done_at = ?, payload = '' WHERE update_id = ?",
        [(now, update_id) for update_id in given_up],
    )
    db.execute("UPDATE updates SET replays = replays + 1 WHERE done_at IS NULL")
    return [(int(row[0]), str(row[1])) for row in rows if row[2] < max_replays], given_up


def prune(db: sqlite3.Connection, before: str) -> int:
    """Forget updates done before ``before``: Telegram keeps none longer than a day."""
    cursor = db.execute("DELETE FROM updates WHERE done_at IS NOT NULL AND done_at < ?", (before,))
    return cursor.rowcount
