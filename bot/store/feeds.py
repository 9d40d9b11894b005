"""The feeds the bot follows, and which of their entries it has taken.

An entry is known by its id in the feed (the ``guid`` or Atom ``id``, else its link), so one
taken is never taken again, whatever its page does later. ``file`` is the knowledge file made
of it (NULL for an entry passed over, so it is not fetched at every poll). Removing a feed
forgets its entries but not its briefings: they are knowledge files like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.store.connection import Db
from bot.store.models import Feed
from bot.store.times import parse

_COLUMNS = (
    "id, url, title, added_at, polled_at, etag, last_modified, error, error_at,"
    " (SELECT COUNT(*) FROM feed_entries e WHERE e.feed_id = feeds.id AND e.file IS NOT NULL)"
    " AS taken"
)


def _feed(row: Any) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        added_at=parse(row["added_at"]),
        polled_at=parse(row["polled_at"]) if row["polled_at"] else None,
        etag=row["etag"],
        last_modified=row["last_modified"],
        error=row["error"],
        error_at=parse(row["error_at"]) if row["error_at"] else None,
        taken=row["taken"],
    )


def add(db: Db, url: str, now: str) -> tuple[Feed, bool]:
    """Follow ``url``; the feed, and whether it is new (an old one is returned unchanged)."""
    cursor = db.execute(
        "INSERT INTO feeds (url, added_at) VALUES (?, ?) ON CONFLICT (url) DO NOTHING",
        (url, now),
    )
    row = db.execute(f"SELECT {_COLUMNS} FROM feeds WHERE url = ?", (url,)).fetchone()
    return _feed(row), cursor.rowcount == 1


def listed(db: Db) -> list[Feed]:
    """Every feed followed, in the order they were added."""
    return [_feed(row) for row in db.execute(f"SELECT {_COLUMNS} FROM feeds ORDER BY id")]


def remove(db: Db, feed_id: int) -> bool:
    """Stop following a feed and forget its entries; whether it was followed."""
    db.execute("DELETE FROM feed_entries WHERE feed_id = ?", (feed_id,))
    return db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,)).rowcount == 1


def polled(
    db: Db,
    feed_id: int,
    now: str,
    *,
    title: str | None,
    etag: str | None,
    last_modified: str | None,
    error: str | None,
) -> None:
    """How a poll went: the validators for the next one, and its error or none."""
    db.execute(
        "UPDATE feeds SET polled_at = ?, title = COALESCE(?, title), etag = ?, last_modified = ?,"
        " error = ?, error_at = CASE WHEN CAST(? AS TEXT) IS NULL THEN NULL ELSE ? END"
        " WHERE id = ?",
        (now, title, etag, last_modified, error, error, now, feed_id),
    )


def taken(db: Db, feed_id: int) -> set[str]:
    """The entries of a feed already taken (or passed over)."""
    rows = db.execute("SELECT entry FROM feed_entries WHERE feed_id = ?", (feed_id,))
    return {row["entry"] for row in rows}


def take(db: Db, feed_id: int, entries: Sequence[tuple[str, str | None]], now: str) -> None:
    """Record entries as taken: (entry id, the knowledge file made of it, or None)."""
    db.executemany(
        "INSERT INTO feed_entries (feed_id, entry, file, taken_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (feed_id, entry) DO NOTHING",
        [(feed_id, entry, file, now) for entry, file in entries],
    )
