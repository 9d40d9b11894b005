"""PostgreSQL's schema steps mean what SQLite's do: the same tables, columns and keys."""

from __future__ import annotations

import sqlite3

import psycopg

from bot.store import MIGRATIONS as SQLITE_MIGRATIONS
from bot.store import open_store
from bot.store.pg_schema import MIGRATIONS, SCHEMA
from bot.store.postgres import open_postgres


def _sqlite_columns(path) -> dict[str, list[str]]:
    raw = sqlite3.connect(path)
    tables = [
        row[0]
        for row in raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    columns = {t: [row[1] for row in raw.execute(f"PRAGMA table_info({t})")] for t in tables}
    raw.close()
    return columns


def _postgres_columns(url: str) -> dict[str, list[str]]:
    with psycopg.connect(url) as raw:
        rows = raw.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = %s ORDER BY table_name, ordinal_position",
            (SCHEMA,),
        ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def test_both_stores_have_the_same_versions():
    assert len(MIGRATIONS) == len(SQLITE_MIGRATIONS)


def test_every_version_has_the_same_tables_and_columns_in_both(tmp_path, postgres_server):
    for version in range(1, len(MIGRATIONS) + 1):
        path = tmp_path / f"v{version}.db"
        open_store(path, migrations=SQLITE_MIGRATIONS[:version]).close()
        url = postgres_server.create_database(f"schema_v{version}")
        open_postgres(url, migrations=MIGRATIONS[:version]).close()
        sqlite_columns, postgres_columns = _sqlite_columns(path), _postgres_columns(url)
        assert {t: sorted(c) for t, c in postgres_columns.items()} == {
            t: sorted(c) for t, c in sqlite_columns.items()
        }, f"version {version}"
