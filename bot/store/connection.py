"""What the store's SQL functions need of a connection, whichever database is behind it.

``sqlite3.Connection`` is one as it is; ``postgres.PgConnection`` makes a psycopg connection
one. The SQL is written once, with ``?`` placeholders and what both databases run:
``ON CONFLICT``, ``RETURNING``, ``FILTER``, ``CAST``; rows are read by column name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol


class Cursor(Protocol):
    """The result of one statement: its rows (by name or position) and how many it changed."""

    @property
    def rowcount(self) -> int:
        """Rows the statement inserted, changed or deleted."""
        ...

    def fetchone(self) -> Any:
        """The next row, or ``None``."""
        ...

    def fetchall(self) -> list[Any]:
        """The rows left."""
        ...

    def __iter__(self) -> Iterator[Any]: ...


class Db(Protocol):
    """A connection inside the caller's transaction."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor:
        """Run one statement with ``?`` placeholders."""
        ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor:
        """Run one statement for each set of parameters."""
        ...
