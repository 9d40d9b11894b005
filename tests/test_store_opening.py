"""Opening a state store: created where asked, set up once, refusing what it must not touch."""

from __future__ import annotations

import os
import sqlite3

import pytest

from bot.store import (
    QuestionEntry,
    StoreDamagedError,
    StoreError,
    StoreVersionError,
    open_store,
)
from bot.store.schema import MIGRATIONS


def _entry(text: str = "when?") -> QuestionEntry:
    return QuestionEntry(chat_type="private", text=text, group_key=text, latency_ms=1.0)


def test_a_new_store_is_created_with_its_folders_in_wal_mode(tmp_path):
    path = tmp_path / "deep" / "er" / "state.db"
    with open_store(path) as store:
        assert path.is_file()
        assert store.path == path
        assert store.log_question(_entry()) == 1
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert raw.execute("SELECT version FROM schema_version").fetchall() == [(len(MIGRATIONS),)]
    raw.close()


def test_the_connection_is_set_up_for_safety(sqlite_store):
    db = sqlite_store._db
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL between durable writes
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_opening_twice_is_idempotent_and_keeps_everything(tmp_path):
    path = tmp_path / "state.db"
    with open_store(path) as store:
        first = store.log_question(_entry("first"))
        salt = store.user_hash(7)
    with open_store(path) as store:
        assert store.logged_question(first).text == "first"
        assert store.user_hash(7) == salt  # the salt is made once, not at each start
        assert store.log_question(_entry("second")) == first + 1


def test_an_empty_file_becomes_a_store(tmp_path):
    path = tmp_path / "state.db"
    path.touch()
    with open_store(path) as store:
        assert store.log_question(_entry()) == 1


def _refused(path, error_type):
    before = path.read_bytes()
    with pytest.raises(error_type) as caught:
        open_store(path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    assert path.read_bytes() == before  # never deleted nor overwritten
    return message


def test_random_bytes_are_refused_and_left_alone(tmp_path):
    path = tmp_path / "state.db"
    path.write_bytes(os.urandom(8192))
    message = _refused(path, StoreDamagedError)
    assert "not a state store / damaged" in message
    assert "move it aside to start afresh" in message


def test_a_truncated_store_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "state.db"
    with open_store(path) as store:
        for i in range(2000):
            store.log_question(_entry(f"question number {i} " * 5))
    size = path.stat().st_size
    assert size > 100_000  # checkpointed into the file on close
    with path.open("r+b") as file:
        file.truncate(size // 2)
    assert "damaged" in _refused(path, StoreDamagedError)


def test_a_file_shorter_than_a_header_is_refused(tmp_path):
    path = tmp_path / "state.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x10")
    _refused(path, StoreDamagedError)


def test_another_program_s_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "state.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE notes (body TEXT)")
    raw.commit()
    raw.close()
    assert "another program" in _refused(path, StoreDamagedError)


def test_a_store_from_newer_code_is_refused_naming_both_versions(tmp_path):
    path = tmp_path / "state.db"
    with open_store(path, migrations=(*MIGRATIONS, lambda db: None)):
        pass
    newer = len(MIGRATIONS) + 1
    with pytest.raises(StoreVersionError) as caught:
        open_store(path)
    assert (caught.value.found, caught.value.known) == (newer, len(MIGRATIONS))
    message = _refused(path, StoreVersionError)
    assert f"schema version {newer} is newer than this code knows ({len(MIGRATIONS)})" in message


def test_a_path_that_cannot_be_a_file_is_one_line(tmp_path):
    with pytest.raises(StoreError) as caught:
        open_store(tmp_path)  # a directory
    assert str(tmp_path) in str(caught.value)
    assert "\n" not in str(caught.value)
