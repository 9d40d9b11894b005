"""Updates recorded before they are relied on: no question lost to a crash, none answered twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from bot.store import open_state_store

ROOT = Path(__file__).resolve().parent.parent
BOT = 777000111  # a bot's id, as getMe gives it
OTHER_BOT = 888000222
LEASE_S = 31  # past the PostgreSQL store's lease on the updates it records


def test_new_ids_are_returned_and_redeliveries_are_not(store):
    assert store.record_updates([(10, '{"update_id": 10}'), (11, "{}")], bot_id=BOT) == [10, 11]
    assert store.record_updates([(11, "{}"), (12, "{}"), (12, "{}")], bot_id=BOT) == [12]
    store.finish_update(10, bot_id=BOT)
    assert store.record_updates([(10, "{}")], bot_id=BOT) == []  # done or not, seen is seen
    assert store.record_updates([], bot_id=BOT) == []


def test_unfinished_updates_come_back_in_arrival_order_with_their_json(store):
    # Telegram restarts ids at random after a week without updates: order is arrival order.
    store.record_updates([(900, '{"a": 1}'), (5, '{"b": 2}')], bot_id=BOT)
    store.record_updates([(7, '{"c": 3}')], bot_id=BOT)
    store.finish_update(5, bot_id=BOT)
    store.finish_update(5, bot_id=BOT)  # twice is harmless
    store.finish_update(404, bot_id=BOT)  # unknown is harmless
    assert store.unfinished_updates(bot_id=BOT) == [(900, '{"a": 1}'), (7, '{"c": 3}')]


def test_unfinished_updates_survive_a_restart(store_target, store_clock):
    with open_state_store(store_target, clock=store_clock) as store:
        store.record_updates([(1, "one"), (2, "two")], bot_id=BOT)
        store.finish_update(1, bot_id=BOT)
    with open_state_store(store_target, clock=store_clock) as store:
        assert store.unfinished_updates(bot_id=BOT) == [(2, "two")]
        assert store.record_updates([(2, "two")], bot_id=BOT) == []


def test_an_answered_update_keeps_only_its_id(store):
    """The raw update names who asked and where: it goes as soon as the update is answered."""
    store.record_updates(
        [(1, '{"from": {"id": 987654321}}'), (2, '{"from": {"id": 5}}')], bot_id=BOT
    )
    store.finish_update(1, bot_id=BOT)
    rows = store._read(lambda db: db.execute("SELECT update_id, payload FROM updates").fetchall())
    payloads = {row[0]: row[1] for row in rows}
    assert payloads == {1: "", 2: '{"from": {"id": 5}}'}
    assert (
        store.record_updates([(1, "{}")], bot_id=BOT) == []
    )  # still known, so still not answered twice


def test_an_update_left_unfinished_run_after_run_is_given_up(store, store_clock):
    """One that kills the process while answered would otherwise kill every start."""
    store.record_updates([(1, "one"), (2, "two")], bot_id=BOT)
    store_clock.advance(seconds=LEASE_S)  # the process died; on a server, its lease runs out
    assert store.take_unfinished(2, bot_id=BOT) == ([(1, "one"), (2, "two")], [])  # start 2
    store.finish_update(2, bot_id=BOT)  # answered this time
    store_clock.advance(seconds=LEASE_S)
    assert store.take_unfinished(2, bot_id=BOT) == (
        [(1, "one")],
        [],
    )  # start 3: 1 still unfinished
    store_clock.advance(seconds=LEASE_S)
    assert store.take_unfinished(2, bot_id=BOT) == ([], [1])  # start 4: replayed twice, given up
    assert store.unfinished_updates(bot_id=BOT) == []
    assert store.record_updates([(1, "one")], bot_id=BOT) == []  # and never taken as new


def test_two_bots_on_one_store_keep_their_updates_apart(store, store_clock):
    """Each bot numbers its own updates: the same id from two bots is two updates, not one."""
    assert store.record_updates([(1, "to A"), (2, "A's second")], bot_id=BOT) == [1, 2]
    assert store.record_updates([(1, "to B")], bot_id=OTHER_BOT) == [1]  # new to B
    store.finish_update(1, bot_id=BOT)
    assert store.unfinished_updates(bot_id=BOT) == [(2, "A's second")]
    assert store.unfinished_updates(bot_id=OTHER_BOT) == [(1, "to B")]  # A's finish is A's
    # Redeliveries are still recognised, each bot's by itself.
    assert store.record_updates([(1, "again")], bot_id=BOT) == []
    assert store.record_updates([(1, "again"), (2, "B's second")], bot_id=OTHER_BOT) == [2]
    # A start replays and counts only the starting bot's.
    store_clock.advance(seconds=LEASE_S)
    assert store.take_unfinished(2, bot_id=OTHER_BOT) == ([(1, "to B"), (2, "B's second")], [])
    assert store.take_unfinished(2, bot_id=BOT) == ([(2, "A's second")], [])


def test_record_updates_syncs_fully_then_returns_to_normal(sqlite_store):
    sqlite_store.record_updates([(1, "{}")], bot_id=BOT)
    assert sqlite_store._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL again


def test_done_updates_are_pruned_after_a_day_and_unfinished_ones_kept(store, store_clock):
    store.record_updates([(1, "{}"), (2, "{}"), (3, "{}")], bot_id=BOT)
    store.finish_update(1, bot_id=BOT)
    store_clock.advance(hours=20)
    store.finish_update(2, bot_id=BOT)
    pruned = store.prune(store_clock.now + timedelta(hours=5), 30)
    assert pruned.updates == 1  # 1 was done 25 hours before; 2 only 5
    assert store.unfinished_updates(bot_id=BOT) == [(3, "{}")]
    assert store.record_updates([(1, "{}"), (2, "{}")], bot_id=BOT) == [
        1
    ]  # forgotten, so new again


# The writer commits batches of 50 updates (and a question), printing each batch's number once
# committed; killed with SIGKILL at some point, usually inside a transaction.
WRITER = """
import sys
from pathlib import Path
from bot.store import QuestionEntry, open_state_store

target = sys.argv[1]
store = open_state_store(target if target.startswith("postgresql://") else Path(target))
base = int(sys.argv[2])
payload = "x" * 3000
batch = 0
while True:
    first = base + batch * 50
    store.record_updates([(first + i, payload) for i in range(50)], bot_id=1)
    store.log_question(QuestionEntry(chat_type="group", text=payload, group_key="k", latency_ms=1))
    batch += 1
    print(batch, flush=True)
"""


def _write_until_killed(path: Path | str, base: int, batches: int) -> int:
    """Run the writer, kill it after ``batches`` commits; how many it reported committed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    committed = 0
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(base)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    ) as writer:
        assert writer.stdout is not None
        for line in writer.stdout:
            committed = int(line)
            if committed >= batches:
                break
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert writer.returncode == -signal.SIGKILL
    return committed


def test_a_writer_killed_mid_transaction_leaves_a_sound_store_with_every_commit(store_target):
    path = store_target
    reported = 0
    for round_, batches in enumerate((5, 40, 15)):
        reported += _write_until_killed(path, base=round_ * 1_000_000, batches=batches)
        if isinstance(path, Path):
            raw = sqlite3.connect(path)
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            raw.close()
        with open_state_store(path) as store:
            stored = store.unfinished_updates(bot_id=1)
        # Every batch reported committed is there, and no batch is there in part.
        assert len(stored) >= reported * 50
        assert len(stored) % 50 == 0
        reported = len(stored) // 50
