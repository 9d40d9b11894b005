"""The schema's version and migrations: every file any release wrote opens in later ones."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from bot.store import QuestionEntry, StoreError, open_store
from bot.store.schema import APPLICATION_ID, MIGRATIONS


def _add_language(db: sqlite3.Connection) -> None:
    """A next version as a later release might write it."""
    db.execute("ALTER TABLE questions ADD COLUMN language TEXT NOT NULL DEFAULT 'en'")


def _columns(path, table="questions"):
    raw = sqlite3.connect(path)
    try:
        return [row[1] for row in raw.execute(f"PRAGMA table_info({table})")]
    finally:
        raw.close()


LATEST = len(MIGRATIONS)


BOT = 777000111  # a bot's id, as getMe gives it
OTHER_BOT = 888000222


def test_a_version_one_store_gains_the_replay_count_and_keeps_its_updates(tmp_path):
    path = tmp_path / "state.db"
    open_store(path, migrations=MIGRATIONS[:1]).close()
    raw = sqlite3.connect(path)
    with raw:  # as release 1 recorded an update
        raw.execute(
            "INSERT INTO updates (update_id, payload, received_at) VALUES (7, ?, ?)",
            ('{"update_id": 7}', "2025-03-01T11:00:00.000000Z"),
        )
    raw.close()
    assert _version(path) == 1
    with open_store(path) as store:
        assert store.unfinished_updates(bot_id=BOT) == [(7, '{"update_id": 7}')]
        assert store.take_unfinished(2, bot_id=BOT) == ([(7, '{"update_id": 7}')], [])
    assert _version(path) == LATEST
    assert "replays" in _columns(path, "updates")


def test_a_version_two_store_keeps_its_updates_for_the_first_bot_to_use_it(tmp_path, old_store):
    """Rows from before updates were kept per bot: one bot answers them, once, as before."""
    path = old_store(
        tmp_path / "state.db",
        [
            (7, '{"update_id": 7}', False, 0),  # left unfinished by the old release
            (8, '{"update_id": 8}', True, 0),  # answered: only its id is kept, for a day
            (5, '{"update_id": 5}', False, 2),  # replayed twice already (ids are not order)
        ],
    )
    assert _version(path) == 2
    with open_store(path) as store:
        assert _version(path) == LATEST
        # The first bot to start replays the unfinished one and gives up the twice-replayed.
        assert store.take_unfinished(2, bot_id=BOT) == ([(7, '{"update_id": 7}')], [5])
        # Telegram's redeliveries to that bot are still dropped; a new id is new.
        assert store.record_updates([(8, "{}"), (7, "{}"), (10, "{}")], bot_id=BOT) == [10]
        # A second bot starting later replays none of them, and its own 7 and 8 are new.
        assert store.take_unfinished(2, bot_id=OTHER_BOT) == ([], [])
        assert store.record_updates([(7, "{}"), (8, "{}")], bot_id=OTHER_BOT) == [7, 8]
        store.finish_update(7, bot_id=BOT)
        assert store.unfinished_updates(bot_id=BOT) == [(10, "{}")]
    raw = sqlite3.connect(path)
    rows = raw.execute(
        "SELECT bot_id, update_id, received_at, done_at IS NOT NULL, replays FROM updates"
        " ORDER BY seq"
    ).fetchall()
    raw.close()
    old = "2025-03-01T11:00:00.000000Z"
    assert rows[:3] == [(BOT, 7, old, 1, 1), (BOT, 8, old, 1, 0), (BOT, 5, old, 1, 2)]
    assert [(bot, update_id) for bot, update_id, *_ in rows[3:]] == [
        (BOT, 10),
        (OTHER_BOT, 7),
        (OTHER_BOT, 8),
    ]


def _version(path):
    raw = sqlite3.connect(path)
    try:
        return raw.execute("SELECT version FROM schema_version").fetchone()[0]
    finally:
        raw.close()


def test_today_s_schema_is_the_latest_version_with_the_file_marked_as_ours(tmp_path):
    path = tmp_path / "state.db"
    open_store(path).close()
    assert len(MIGRATIONS) == 9
    assert _version(path) == 9
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"meta", "updates", "questions", "votes", "replies", "schema_version"} <= tables
    assert {"send_pace", "knowledge_files", "knowledge_version"} <= tables
    assert {"meanings", "feeds", "feed_entries", "subscriptions", "deliveries"} <= tables
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
