"""Opening a state store: a file (SQLite), or a PostgreSQL server named by its URL.

For a file, the order matters.
The file is only read until it is known to be a sound store this code can
handle (``schema.inspect``); only then is it switched to WAL or migrated, so a damaged file or
one from newer code is refused with one line and left exactly as it was.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

import bot.store.schema as schema
from bot.store.errors import StoreError
from bot.store.sql_store import SqlStore
from bot.store.sqlite import SqliteStore
from bot.store.times import Clock, utc_now

logger = logging.getLogger(__name__)
Connect = Callable[[Path], sqlite3.Connection]
BUSY_TIMEOUT_MS = 5000  # another process (a report, a backup) may hold the write lock briefly
JOURNAL_LIMIT_BYTES = 4 * 1024 * 1024  # the WAL shrinks back to this after a checkpoint


def connect(path: Path) -> sqlite3.Connection:
    """The connection the store uses: shared across threads, transactions made explicitly."""
    return sqlite3.connect(path, check_same_thread=False, isolation_level=None)


def open_store(
    path: Path,
    *,
    clock: Clock = utc_now,
    migrations: Sequence[schema.Migration] = schema.MIGRATIONS,
    connect: Connect = connect,
) -> SqliteStore:
    """Open (creating if need be) the store at ``path``, migrated to the latest version.

    ``clock`` stamps what is stored (UTC). ``migrations`` and ``connect`` are for tests and
    tools; the bot passes neither. Raises a ``StoreError`` with one line naming the file.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = connect(path)
    except (OSError, sqlite3.Error) as error:
        raise StoreError(path, f"cannot open: {error}") from error
    opened = [db]
    try:
        _prepare(db)
        schema.inspect(db, path, len(migrations))
        _configure(db, path)
        schema.migrate(db, path, migrations)
        salt = db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()[0]
        reader = connect(path)
        opened.append(reader)
        _prepare(reader)
        reader.execute("PRAGMA query_only = ON")
    except BaseException as error:
        for connection in opened:
            connection.close()
        if isinstance(error, sqlite3.DatabaseError):
            raise StoreError(path, f"cannot open: {error}") from error
        raise
    return SqliteStore(db, reader, path, salt=salt, clock=clock)


def _prepare(db: sqlite3.Connection) -> None:
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _configure(db: sqlite3.Connection, path: Path) -> None:
    """WAL (readers never wait for the writer), foreign keys, and the default sync level."""
    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode != "wal":  # e.g. a file system without shared memory: still safe, just slower
        logger.warning("state store %s: journal mode %s, not WAL", path, mode)
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA journal_size_limit = {JOURNAL_LIMIT_BYTES}")


def is_postgres_url(target: str | Path) -> bool:
    """Whether ``STATE_DB`` names a PostgreSQL server rather than a file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def store_target(text: str) -> Path | str:
    """``STATE_DB`` (or ``--db``) as the store it names: a URL as it is, else a file's path."""
    return text if is_postgres_url(text) else Path(text)


def open_state_store(
    target: str | Path, *, clock: Clock = utc_now, lease: timedelta | None = None
) -> SqlStore:
    """The store ``STATE_DB`` names: a PostgreSQL URL, else a file's path.

    ``lease``: how long a replica's updates stay its own unrenewed, on a server (a file is one
    process's: it leases nothing). psycopg is imported only for a server, so a bot on SQLite
    never loads it.
    """
    if is_postgres_url(target):
        from bot.store.postgres import LEASE, open_postgres

        return open_postgres(str(target), clock=clock, lease=LEASE if lease is None else lease)
    return open_store(Path(target), clock=clock)
