"""Telegram updates, recorded before they are relied on: the crash-safety net.

The caller records what ``getUpdates`` (or a webhook) delivered before Telegram is told to
forget it, answers, then marks each done. After a crash, what was recorded and not done is
answered first. An id already recorded is a redelivery (Telegram resends what it was not told
to forget), so it is never answered twice. These functions run inside the caller's transaction.

An update is known by its bot and its id: every bot numbers its own updates, so two bots on one
store see the same ids, and only the bot (``getMe``'s id, which the caller passes) tells them
apart. Rows recorded before the store kept the bot have none; ``adopt`` gives them to the first
bot that asks (see ``schema._key_updates_by_bot_v3``).

Replicas sharing a store lease what they record (``Lease``: the replica, and until when) and
renew the lease while they work; an update whose lease ran out (its replica died) is taken
over by ``take_unfinished`` on another, once. A store of one process leases nothing, and a
start takes everything unfinished (see ``schema._lease_updates_v7``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.connection import Db


@dataclass(frozen=True)
class Lease:
    """Which replica answers an update (``owner``), and until when (``until``, a stamp)."""

    owner: str
    until: str


def adopt(db: Db, bot_id: int) -> int:
    """Make the rows recorded without a bot (before schema version 3) ``bot_id``'s; how many.

    Run before every other call here, in the same transaction: whichever bot first records,
    finishes or replays after the upgrade takes them all, once, and no later row lacks a bot.
    An index search that finds nothing, once they are adopted.
    """
    return db.execute("UPDATE updates SET bot_id = ? WHERE bot_id IS NULL", (bot_id,)).rowcount


def record(
    db: Db,
    bot_id: int,
    updates: Sequence[tuple[int, str]],
    now: str,
    lease: Lease | None = None,
) -> list[int]:
    """Store each update ``bot_id`` never saw (leased if ``lease``); the new ids, in order."""
    owner, until = (lease.owner, lease.until) if lease else (None, None)
    new = []
    for update_id, payload in updates:
        cursor = db.execute(
            "INSERT INTO updates (bot_id, update_id, payload, received_at, leased_by,"
            " lease_until) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (bot_id, update_id) DO NOTHING",
            (bot_id, update_id, payload, now, owner, until),
        )
        if cursor.rowcount == 1:
            new.append(update_id)
    return new


def finish(db: Db, bot_id: int, update_id: int, now: str) -> None:
    """Mark an update answered (the first time only: done_at says when it was).

    Its raw JSON is dropped at once: it names the sender and the chat, and once answered only
    the id is needed (to recognise a redelivery). So who asked stays in the store only while
    the question is in flight.
    """
    db.execute(
        "UPDATE updates SET done_at = ?, payload = ''"
        " WHERE bot_id = ? AND update_id = ? AND done_at IS NULL",
        (now, bot_id, update_id),
    )


def unfinished(db: Db, bot_id: int) -> list[tuple[int, str]]:
    """``bot_id``'s updates recorded and not done, in the order they arrived.

    A read, so it adopts nothing: rows without a bot are listed too, being the ones this bot
    would adopt with its next write.
    """
    rows = db.execute(
        "SELECT update_id, payload FROM updates"
        " WHERE (bot_id = ? OR bot_id IS NULL) AND done_at IS NULL ORDER BY seq",
        (bot_id,),
    ).fetchall()
    return [(int(row[0]), str(row[1])) for row in rows]


def take_unfinished(
    db: Db,
    bot_id: int,
    max_replays: int,
    now: str,
    lease: Lease | None = None,
    *,
    skip_locked: bool = False,
) -> tuple[list[tuple[int, str]], list[int]]:
    """``bot_id``'s unfinished updates no live lease holds, to answer again; and those given up.

    Each one returned is counted as replayed once more and leased to ``lease`` (or to no one);
    one already replayed ``max_replays`` times is marked done instead (its JSON blanked, as for
    an answered one). ``skip_locked``: leave rows another replica is taking at this moment
    (PostgreSQL's ``FOR UPDATE SKIP LOCKED``), so that two never take the same.
    """
    rows = db.execute(
        "SELECT update_id, payload, replays FROM updates WHERE bot_id = ? AND done_at IS NULL"
        " AND (lease_until IS NULL OR lease_until < ?) ORDER BY seq"
        + (" FOR UPDATE SKIP LOCKED" if skip_locked else ""),
        (bot_id, now),
    ).fetchall()
    given_up = [int(row[0]) for row in rows if row[2] >= max_replays]
    taken = [(int(row[0]), str(row[1])) for row in rows if row[2] < max_replays]
    db.executemany(
        "UPDATE updates SET done_at = ?, payload = '' WHERE bot_id = ? AND update_id = ?",
        [(now, bot_id, update_id) for update_id in given_up],
    )
    owner, until = (lease.owner, lease.until) if lease else (None, None)
    db.executemany(
        "UPDATE updates SET replays = replays + 1, leased_by = ?, lease_until = ?"
        " WHERE bot_id = ? AND update_id = ?",
        [(owner, until, bot_id, update_id) for update_id, _ in taken],
    )
    return taken, given_up


def renew(db: Db, bot_id: int, lease: Lease) -> int:
    """Extend the lease on every unfinished update ``lease.owner`` holds; how many."""
    return db.execute(
        "UPDATE updates SET lease_until = ? WHERE bot_id = ? AND leased_by = ?"
        " AND done_at IS NULL",
        (lease.until, bot_id, lease.owner),
    ).rowcount


def prune(db: Db, before: str) -> int:
    """Forget updates done before ``before``, every bot's: Telegram keeps none over a day."""
    cursor = db.execute("DELETE FROM updates WHERE done_at IS NOT NULL AND done_at < ?", (before,))
    return cursor.rowcount
