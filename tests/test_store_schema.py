"""The schema's version and migrations: every file any release wrote opens in later ones."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from bot.store import QuestionEntry, StoreError, open_store
from bot.store.schema import APPLICATION_ID, MIGRATIONS


def _add_language(db: sqlite3.Connection) -> None:
    """A version 2 as a later release might write it."""
    db.execute("ALTER TABLE questions ADD COLUMN language TEXT NOT NULL DEFAULT 'en'")


def _columns(path, table="questions"):
    raw = sqlite3.connect(path)
    try:
        return [row[1] for row in raw.execute(f"PRAGMA table_info({table})")]
    finally:
        raw.close()


LATEST = len(MIGRATIONS)


def test_a_version_one_store_gains_the_replay_count_and_keeps_its_updates(tmp_path):
    path = tmp_path / "state.db"
    with open_store(path, migrations=MIGRATIONS[:1]) as store:
        store.record_updates([(7, '{"update_id": 7}')])
    assert _version(path) == 1
    with open_store(path) as store:
        assert store.unfinished_updates() == [(7, '{"update_id": 7}')]
        assert store.take_unfinished(2) == ([(7, '{"update_id": 7}')], [])
    assert _version(path) == 2
    assert "replays" in _columns(path, "updates")


def _version(path):
    raw = sqlite3.connect(path)
    try:
        return raw.execute("SELECT version FROM schema_version").fetchone()[0]
    finally:
        raw.close()


def test_today_s_schema_is_the_latest_version_with_the_file_marked_as_ours(tmp_path):
    path = tmp_path / "state.db"
    open_store(path).close()
    assert len(MIGRATIONS) == 2
    assert _version(path) == 2
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"meta", "updates", "questions", "votes", "schema_version"} <= tables
    raw.close()


def test_an_older_store_is_migrated_and_keeps_its_rows(tmp_path):
    path = tmp_path / "state.db"
    with open_store(path) as store:
        kept = store.log_question(
            QuestionEntry(chat_type="group", text="old", group_key="old", latency_ms=2.0)
        )
        salt = store.user_hash(1)
    with open_store(path, migrations=(*MIGRATIONS, _add_language)) as store:
        assert store.logged_question(kept).text == "old"
        assert store.user_hash(1) == salt
    assert _version(path) == LATEST + 1
    assert "language" in _columns(path)
    with open_store(path, migrations=(*MIGRATIONS, _add_language)) as store:  # idempotent
        assert store.logged_question(kept).text == "old"
    assert _version(path) == LATEST + 1


def test_a_failed_migration_leaves_the_previous_version_whole(tmp_path):
    path = tmp_path / "state.db"
    open_store(path).close()

    def broken(db: sqlite3.Connection) -> None:
        _add_language(db)
        db.execute("SELECT * FROM no_such_table")

    with pytest.raises(StoreError, match=f"cannot bring the schema to version {LATEST + 1}"):
        open_store(path, migrations=(*MIGRATIONS, broken))
    assert _version(path) == LATEST
    assert "language" not in _columns(path)  # the half-done step was rolled back
    open_store(path).close()


def test_two_openers_of_a_new_file_migrate_it_once(tmp_path):
    path = tmp_path / "state.db"
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def opener() -> None:
        start.wait()
        try:
            open_store(path).close()
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _version(path) == LATEST
