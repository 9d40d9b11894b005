"""The SQLite store under failure and load: a full disk, I/O errors, threads, a closed store."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot.store import (
    QuestionEntry,
    SqliteStore,
    StateStore,
    StoreWriteError,
    open_store,
)
from tests.conftest import full_disk_store

LONG = "a question long enough to fill pages quickly " * 60
BOT = 777000111  # a bot's id, as getMe gives it
ROOM_PAGES = 4  # room for a short question, not for a hundred long ones


def _entry(text: str = LONG) -> QuestionEntry:
    return QuestionEntry(chat_type="group", text=text, group_key="k", latency_ms=1.0)


def _tiny_disk(path: Path, **options: object) -> SqliteStore:
    """A real store on a file with a few pages of room past its schema: a full disk, in effect."""
    return full_disk_store(path, ROOM_PAGES, **options)


def _fill(store: SqliteStore) -> list[int | None]:
    return [store.log_question(_entry()) for _ in range(100)]


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_sqlite_store_is_a_state_store(store):
    typed: StateStore = store
    assert typed is store


def test_a_full_disk_is_logged_once_and_the_bot_carries_on(tmp_path, caplog):
    store = _tiny_disk(tmp_path / "state.db")
    question = store.log_question(_entry("short"))
    assert question is not None
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        ids = _fill(store)
        assert None in ids  # the disk filled up
        assert store.write_failing
        store.vote(question, "v", 1)  # small writes may still fit, large ones not: no new warning
        store.finish_update(1, bot_id=BOT)
        assert [store.log_question(_entry()) for _ in range(5)] == [None] * 5
    warnings = _warnings(caplog)
    assert len(warnings) == 1
    assert "database or disk is full" in warnings[0]
    assert str(tmp_path / "state.db") in warnings[0]
    assert store.logged_question(question).text == "short"  # reads still work
    store.close()


def test_feeds_on_a_full_disk_raise_so_the_admin_is_told(tmp_path):
    store = _tiny_disk(tmp_path / "state.db")
    _fill(store)
    with pytest.raises(StoreWriteError, match="feed not added"):
        store.add_feed("https://news.example/" + "x" * 5000)
    assert store.feeds() == []
    store.close()


def test_record_updates_on_a_full_disk_raises_so_the_caller_answers_anyway(tmp_path, caplog):
    store = _tiny_disk(tmp_path / "state.db")
    _fill(store)
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        for _ in range(3):
            with pytest.raises(StoreWriteError) as caught:
                store.record_updates([(1, LONG), (2, LONG)], bot_id=BOT)
    assert "updates not recorded" in str(caught.value)
    assert str(tmp_path / "state.db") in str(caught.value)
    assert len(_warnings(caplog)) == 1
    assert store.unfinished_updates(bot_id=BOT) == []  # nothing half-recorded
    store.close()


def test_writes_recover_when_room_is_made_and_a_new_failure_is_logged_again(
    tmp_path, store_clock, caplog
):
    store = _tiny_disk(tmp_path / "state.db", clock=store_clock)
    with caplog.at_level(logging.INFO, logger="bot.store"):
        _fill(store)
        store_clock.advance(days=10)
        pruned = store.prune(store_clock.now, question_days=1)  # deleting needs no new pages
        assert pruned.questions > 0
        assert store.log_question(_entry("after")) is not None
        assert not store.write_failing
        _fill(store)
    assert len(_warnings(caplog)) == 2  # one per episode
    assert any("writes work again" in r.getMessage() for r in caplog.records)
    store.close()


class FlakyDisk(sqlite3.Connection):
    """A real connection whose commits fail with an I/O error while ``failing`` is set."""

    failing = False

    def execute(self, sql, *args):  # type: ignore[override]
        if self.failing and sql.startswith("COMMIT"):
            raise sqlite3.OperationalError("disk I/O error")
        return super().execute(sql, *args)


def _flaky(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, check_same_thread=False, isolation_level=None, factory=FlakyDisk)


def test_any_database_error_on_write_is_handled_and_rolled_back(tmp_path, caplog):
    store = open_store(tmp_path / "state.db", connect=_flaky)
    kept = store.log_question(_entry("kept"))
    store._db.failing = True
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        assert store.log_question(_entry("lost")) is None
        assert store.vote(kept, "v", 1) is None
        store.finish_update(1, bot_id=BOT)
        assert store.prune(store.logged_question(kept).asked_at, 1).questions == 0
        with pytest.raises(StoreWriteError, match="disk I/O error"):
            store.record_updates([(7, "{}")], bot_id=BOT)
    assert len(_warnings(caplog)) == 1
    store._db.failing = False
    assert store.unfinished_updates(bot_id=BOT) == []
    assert store.logged_question(kept).votes.up == 0
    assert store.record_updates([(7, "{}")], bot_id=BOT) == [
        7
    ]  # not seen: the failed write left nothing
    store.close()


def test_threads_share_the_store_safely(store):
    ids: list[int | None] = []
    guard = threading.Lock()

    def work(worker: int) -> None:
        mine = []
        for i in range(100):
            store.record_updates([(worker * 1000 + i, "{}")], bot_id=BOT)
            question = store.log_question(_entry(f"{worker}-{i}"))
            store.vote(question, f"w{worker}", 1)
            store.finish_update(worker * 1000 + i, bot_id=BOT)
            mine.append(question)
        with guard:
            ids.extend(mine)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert None not in ids
    assert len(set(ids)) == 800
    assert store.unfinished_updates(bot_id=BOT) == []
    assert sum(day.up for day in store.stats(store.logged_question(ids[0]).asked_at)) == 800


def test_a_closed_store_refuses_loudly(tmp_path):
    store = open_store(tmp_path / "state.db")
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        store.log_question(_entry())


def test_ping_reads_and_a_closed_store_fails_it(store):
    store.ping()
    store.close()
    with pytest.raises(Exception):  # noqa: B017, PT011 - each driver's own "closed" error
        store.ping()


def test_a_file_paces_nothing_itself(sqlite_store):
    """One process's store: the process's own limiter keeps the pace, no wait is added."""
    moments = [sqlite_store.reserve_send(1, bot_id=BOT) for _ in range(3)]
    assert all(m is not None and abs(m - time.time()) < 0.5 for m in moments)  # each: now
