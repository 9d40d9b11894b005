"""The state store in one SQLite file: one connection, one lock, short transactions.

Durability is chosen per write (``sql_store``). A durable write commits with ``synchronous =
FULL``: the WAL is on disk before it returns, because the caller then lets Telegram forget those
updates. The question log, votes and ``finish_update`` commit with ``NORMAL``: in WAL mode a
killed process loses nothing committed, and a power cut may lose the last moments of the log
(or mark an update undone, so it is answered twice), which is worth not paying an fsync a
question. A full disk, an I/O error or a lock held too long is the store being unavailable;
misuse (a closed store, wrong parameters) is a bug and raised as it is.

PTB runs handlers on one event loop, but callers may also use worker threads, so connections
are shared (``check_same_thread=False``) and every call holds a lock for its whole transaction;
each is well under a millisecond. Reports, which read a month of questions (tens to hundreds of
milliseconds at 100,000), run on a second, read-only connection with its own lock: in WAL mode
readers never wait for the writer, so ``/stats`` never holds up an answer.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path
from typing import TypeVar

from bot.store.errors import StoreError
from bot.store.sql_store import SqlStore, Unavailable, Work
from bot.store.times import Clock

T = TypeVar("T")


class SqliteStore(SqlStore):
    """A ``StateStore`` in one SQLite file; make one with ``open_store``."""

    def __init__(
        self,
        db: sqlite3.Connection,
        reader: sqlite3.Connection,
        path: Path,
        *,
        salt: str,
        clock: Clock,
    ) -> None:
        super().__init__(path, salt=salt, clock=clock)
        self.path: Path = path
        self._db = db
        self._reader = reader
        self._reader_lock = threading.Lock()
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the connections; the last one checkpoints the WAL into the file."""
        with self._reader_lock:
            self._reader.close()
        with self._lock:
            self._db.close()

    def __enter__(self) -> SqliteStore:
        return self

    def _commit(self, work: Work[T], *, durable: bool) -> T:
        """One ``BEGIN IMMEDIATE`` transaction under the lock, ``FULL`` sync if ``durable``."""
        with self._lock:
            try:
                return self._transaction(work, durable)
            except sqlite3.ProgrammingError:
                raise
            except sqlite3.DatabaseError as error:
                raise Unavailable(error) from error

    def _transaction(self, work: Work[T], durable: bool) -> T:
        if durable:
            self._db.execute("PRAGMA synchronous = FULL")
        try:
            self._db.execute("BEGIN IMMEDIATE")
            result = work(self._db)
            self._db.execute("COMMIT")
            return result
        finally:
            if self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            if durable:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("PRAGMA synchronous = NORMAL")

    def _query(self, work: Work[T], *, report: bool) -> T:
        """Run ``work`` on the writer's connection, or on the reports' one."""
        db, lock = (self._reader, self._reader_lock) if report else (self._db, self._lock)
        try:
            with lock:
                return work(db)
        except sqlite3.ProgrammingError:
            raise
        except sqlite3.DatabaseError as error:
            raise StoreError(self.path, f"cannot read: {error}") from error
