"""The state store on a PostgreSQL server, for several replicas of one bot.

``STATE_DB=postgresql://user:password@host/database`` chooses it (``opening.open_state_store``).
It is the same ``SqlStore``, the same calls and schema versions, over a pool of connections
(psycopg_pool) instead of one SQLite connection under a lock: replicas and threads run their
transactions side by side, and PostgreSQL's row locks order the writes.

Durability, as with SQLite: a durable write commits with ``synchronous_commit`` on (the WAL is
flushed, and on a standby too if the server is set up so); the question log, votes and
``finish_update`` commit with it off, which may lose the last moments of the log in a server
crash, never the updates.

A server restart breaks every pooled connection. Each connection is checked as it is taken
from the pool (one round trip), so a broken one is replaced and the call goes on. While the
server is down, a durable write (run in a worker thread) waits up to ``POOL_TIMEOUT_S`` for
a connection, and a read or a write of the log ``IMPATIENT_WAIT_S`` (the bot calls those on
its event loop, which must not stall: it renews the leases), then connects on its own once:
the pool reconnects with a growing back-off, and would keep the store away for as long again
after the server is back. Then it fails as a full disk does with SQLite: durable writes
raise ``StoreWriteError``, the log is skipped with one warning. A bug in the SQL
(``psycopg.ProgrammingError``) is raised as it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
from collections.abc import AsyncGenerator, Callable, Iterable, Iterator, Sequence
from datetime import timedelta
from typing import Any, TypeVar

import psycopg
import psycopg.conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

import bot.store.pg_schema as pg_schema
from bot.store.connection import Cursor, Db
from bot.store.errors import StoreError
from bot.store.sql_store import SqlStore, Unavailable, Work
from bot.store.times import Clock, utc_now

T = TypeVar("T")
logger = logging.getLogger(__name__)
POOL_TIMEOUT_S = 5.0  # how long a call waits for a connection while the server is away
IMPATIENT_WAIT_S = 0.2  # the same for reads and the log: callers on the event loop wait
DIRECT_CONNECT_S = 2  # a call's own connection, when the pool has none (libpq: whole seconds)
CONNECT_TIMEOUT_S = 10.0  # at start: a server that answers nothing is refused in this time
# How long an update stays the replica's that recorded it, unrenewed: a replica killed
# mid-update leaves it to another this long after its last renewal (``bot.tg.leases``).
LEASE = timedelta(seconds=30)
# Replicas are told of each new knowledge version on this channel (NOTIFY, with the version).
KNOWLEDGE_CHANNEL = "briefing_bot_knowledge"
LISTEN_RETRY_S = 1.0  # a lost listening connection is opened again this long after
MAX_CONNECTIONS = 8  # per replica: answering, reports and the background tasks at once


def display_name(url: str) -> str:
    """The URL without its password, for logs and errors."""
    try:
        parts = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(unreadable URL)"
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{parts.get('host') or 'localhost'}{port}/{parts.get('dbname', '')}"


class Row:
    """A row read by column name, as ``sqlite3.Row`` is, or by position."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: Sequence[Any]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, key: int | str) -> Any:
        return self._values[self._names[key] if isinstance(key, str) else key]

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        """The column names, in order."""
        return list(self._names)


def _rows(cursor: psycopg.Cursor[Any]) -> Callable[[Sequence[Any]], Row]:
    names = {column.name: at for at, column in enumerate(cursor.description or ())}
    return functools.partial(Row, names)


@functools.lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """The store's ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled first)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PgConnection:
    """A psycopg connection inside a transaction, as the store's SQL functions use one."""

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self._connection = connection

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        """Run one statement; its cursor, rows read by name."""
        cursor = self._connection.cursor(row_factory=_rows)
        cursor.execute(_placeholders(sql), tuple(parameters))
        return cursor

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor:
        """Run one statement for each set of parameters (pipelined by psycopg)."""
        cursor = self._connection.cursor(row_factory=_rows)
        cursor.executemany(_placeholders(sql), [tuple(p) for p in parameters])
        return cursor


class PostgresStore(SqlStore):
    """A ``StateStore`` in a PostgreSQL database; make one with ``open_postgres``."""

    SKIP_LOCKED = True
    SHARES_KNOWLEDGE = True

    def __init__(
        self,
        pool: ConnectionPool[Any],
        url: str,
        *,
        salt: str,
        clock: Clock,
        wait_s: float = POOL_TIMEOUT_S,
        lease: timedelta = LEASE,
    ) -> None:
        super().__init__(display_name(url), salt=salt, clock=clock, lease=lease)
        self.path: str = display_name(url)
        self._pool = pool
        self._url = url
        self._wait_s = wait_s
        self._closed = threading.Event()

    def close(self) -> None:
        """Close the pool's connections."""
        self._closed.set()
        self._pool.close()

    def __enter__(self) -> PostgresStore:
        return self

    def knowledge_changes(self) -> AsyncGenerator[int, None]:
        """The versions replicas publish, as NOTIFY brings them, until the store closes.

        It listens on a connection of its own, and yields 0 each time that connection is
        (re)opened: a notice sent while it was away is lost, so the caller checks then.
        """
        return self._listen()

    async def _listen(self) -> AsyncGenerator[int, None]:
        while not self._closed.is_set():
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._url, autocommit=True, connect_timeout=DIRECT_CONNECT_S
                ) as connection:
                    await connection.execute(f"LISTEN {KNOWLEDGE_CHANNEL}")
                    yield 0
                    async for notice in connection.notifies():
                        yield int(notice.payload) if notice.payload.isdigit() else 0
            except psycopg.Error as error:
                logger.debug("listening for knowledge changes: %s", error)
            await asyncio.sleep(LISTEN_RETRY_S)

    def _knowledge_published(self, db: Db, version: int) -> None:
        db.execute("SELECT pg_notify(?, ?)", (KNOWLEDGE_CHANNEL, str(version)))

    def _commit(self, work: Work[T], *, durable: bool) -> T:
        self._check_open()
        try:
            with self._connection(durable) as connection, connection.transaction():
                if not durable:
                    connection.execute("SET LOCAL synchronous_commit = off")
                return work(PgConnection(connection))
        except psycopg.ProgrammingError:
            raise
        except psycopg.Error as error:
            raise Unavailable(error) from error

    def _query(self, work: Work[T], *, report: bool) -> T:
        self._check_open()
        try:
            with self._connection(report) as connection, connection.transaction():
                if report:  # one snapshot for a report's several queries
                    connection.execute(
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                    )
                return work(PgConnection(connection))
        except psycopg.ProgrammingError:
            raise
        except psycopg.Error as error:
            raise StoreError(self.path, f"cannot read: {error}") from error

    @contextlib.contextmanager
    def _connection(self, patient: bool) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection, else one of the call's own; ``patient``: wait the full time.

        Durable writes and reports are patient: they run in worker threads.
        """
        wait = self._wait_s if patient else min(self._wait_s, IMPATIENT_WAIT_S)
        try:
            pooled = self._pool.getconn(timeout=wait)
        except PoolTimeout:
            pooled = None
        if pooled is not None:
            try:
                yield pooled
            finally:
                self._pool.putconn(pooled)
            return
        own = psycopg.connect(self._url, autocommit=True, connect_timeout=DIRECT_CONNECT_S)
        try:
            _configure(own)
            yield own
        finally:
            own.close()

    def _check_open(self) -> None:
        if self._closed.is_set():
            raise psycopg.InterfaceError("the state store is closed")


def _configure(connection: psycopg.Connection[Any]) -> None:
    """Every pooled connection reads and writes the store's own schema."""
    connection.execute(f"SET search_path TO {pg_schema.SCHEMA}")


def open_postgres(
    url: str,
    *,
    clock: Clock = utc_now,
    migrations: Sequence[pg_schema.Step] = pg_schema.MIGRATIONS,
    wait_s: float = POOL_TIMEOUT_S,
    connect_s: float = CONNECT_TIMEOUT_S,
    lease: timedelta = LEASE,
) -> PostgresStore:
    """Connect to the store at ``url``, migrated to the latest version.

    ``wait_s``: how long a call waits for a connection while the server is away; ``connect_s``:
    how long to try at the start (a server starting beside the bot takes a moment); ``lease``:
    how long an update recorded or taken over stays this replica's without a renewal.

    Raises a ``StoreError`` in one line naming the server (never its password).
    """
    name = display_name(url)
    pool: ConnectionPool[Any] = ConnectionPool(
        url,
        min_size=1,
        max_size=MAX_CONNECTIONS,
        kwargs={"autocommit": True},
        configure=_configure,
        check=ConnectionPool.check_connection,
        timeout=wait_s,
        open=False,
        name="state-store",
    )
    try:
        pool.open(wait=True, timeout=connect_s)
        with pool.connection() as connection:
            pg_schema.migrate(connection, name, migrations)
            row = connection.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
    except StoreError:
        pool.close()
        raise
    except psycopg.Error as error:
        pool.close()
        raise StoreError(name, f"cannot open: {error}") from error
    except BaseException:
        pool.close()
        raise
    if row is None:
        pool.close()
        raise StoreError(name, "no salt in meta")
    return PostgresStore(pool, url, salt=str(row[0]), clock=clock, wait_s=wait_s, lease=lease)
