"""The state store on a real PostgreSQL server: what only a server does.

The calls themselves run against both stores in the other ``test_store_*`` modules.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from bot.store import QuestionEntry, StoreError, StoreVersionError, StoreWriteError
from bot.store.pg_schema import MIGRATIONS, SCHEMA
from bot.store.postgres import display_name, open_postgres

BOT = 777000111


def _entry(text: str = "when is Kalbajar handed over?") -> QuestionEntry:
    return QuestionEntry(chat_type="private", text=text, group_key=text, latency_ms=1.0)


def test_the_password_never_shows():
    name = display_name("postgresql://bot:s3cret@db.example:5433/briefings?sslmode=require")
    assert name == "postgresql://bot@db.example:5433/briefings"
    assert "s3cret" not in display_name("postgresql://bot:s3cret@/x")


def test_a_server_that_is_not_there_is_refused_in_one_line():
    with pytest.raises(StoreError) as refused:
        open_postgres("postgresql://bot:s3cret@127.0.0.1:9/none", connect_s=1)
    assert "cannot open" in str(refused.value)
    assert "s3cret" not in str(refused.value)


def test_ids_past_two_to_the_31_are_kept(postgres_url):
    """Supergroup chat ids and bot ids pass 2**31: PostgreSQL's INTEGER would refuse them."""
    with open_postgres(postgres_url) as store:
        big = -1001234567890
        assert store.subscribe(big, "supergroup", bot_id=8_000_000_000)
        assert store.subscribers(bot_id=8_000_000_000) == [big]
        assert store.record_updates([(3_000_000_000, "{}")], bot_id=8_000_000_000) == [
            3_000_000_000
        ]


def test_the_tables_live_in_their_own_schema_beside_another_programs(postgres_url):
    with psycopg.connect(postgres_url, autocommit=True) as other:
        other.execute("CREATE TABLE public.updates (id INTEGER)")  # another program's table
    with open_postgres(postgres_url) as store:
        assert store.record_updates([(1, "{}")], bot_id=BOT) == [1]
    with psycopg.connect(postgres_url) as raw:
        assert raw.execute("SELECT COUNT(*) FROM public.updates").fetchone() == (0,)
        assert raw.execute(f"SELECT COUNT(*) FROM {SCHEMA}.updates").fetchone() == (1,)


def test_a_schema_of_another_program_is_refused_and_left_alone(postgres_url):
    with psycopg.connect(postgres_url, autocommit=True) as other:
        other.execute(f"CREATE SCHEMA {SCHEMA}")
        other.execute(f"CREATE TABLE {SCHEMA}.things (id INTEGER)")
    with pytest.raises(StoreError, match="another program"):
        open_postgres(postgres_url)
    with psycopg.connect(postgres_url) as raw:
        assert raw.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (SCHEMA,)
        ).fetchall() == [("things",)]


def test_a_store_from_newer_code_is_refused(postgres_url):
    open_postgres(postgres_url).close()
    with psycopg.connect(postgres_url, autocommit=True) as raw:
        raw.execute(f"UPDATE {SCHEMA}.schema_version SET version = 99")
    with pytest.raises(StoreVersionError):
        open_postgres(postgres_url)


def test_an_old_store_is_migrated_keeping_its_rows(postgres_url):
    open_postgres(postgres_url, migrations=MIGRATIONS[:3]).close()
    with psycopg.connect(postgres_url) as raw:  # as version 3's release recorded an update
        raw.execute(
            f"INSERT INTO {SCHEMA}.updates (bot_id, update_id, payload, received_at)"
            " VALUES (%s, 5, 'left unfinished', '2025-03-01T11:00:00.000000Z')",
            (BOT,),
        )
    with open_postgres(postgres_url) as store:
        assert store.unfinished_updates(bot_id=BOT) == [(5, "left unfinished")]
        assert store.subscribe(1, "private", bot_id=BOT)  # version 6's table is there


def test_replicas_starting_at_once_migrate_once_and_share_one_salt(postgres_url):
    stores, errors = [], []

    def start() -> None:
        try:
            stores.append(open_postgres(postgres_url))
        except Exception as error:  # the test reports any
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({store.user_hash(42) for store in stores}) == 1
    for store in stores:
        store.close()
    with psycopg.connect(postgres_url) as raw:
        assert raw.execute(f"SELECT version FROM {SCHEMA}.schema_version").fetchall() == [
            (len(MIGRATIONS),)
        ]


def test_an_update_recorded_by_one_replica_is_a_redelivery_to_the_other(postgres_url):
    with open_postgres(postgres_url) as a, open_postgres(postgres_url) as b:
        assert a.record_updates([(1, "{}"), (2, "{}")], bot_id=BOT) == [1, 2]
        assert b.record_updates([(2, "{}"), (3, "{}")], bot_id=BOT) == [3]
        b.finish_update(1, bot_id=BOT)
        assert a.unfinished_updates(bot_id=BOT) == [(2, "{}"), (3, "{}")]


def test_a_server_restart_costs_no_call(postgres_server, postgres_url):
    with open_postgres(postgres_url) as store:
        assert store.record_updates([(1, "{}")], bot_id=BOT) == [1]
        postgres_server.restart()  # every pooled connection is cut
        assert store.record_updates([(2, "{}")], bot_id=BOT) == [2]
        assert store.log_question(_entry()) is not None
        assert store.unfinished_updates(bot_id=BOT) == [(1, "{}"), (2, "{}")]


def test_while_the_server_is_down_the_bot_is_told_and_then_goes_on(
    postgres_server, postgres_url, caplog
):
    with open_postgres(postgres_url, wait_s=0.5) as store:
        store.record_updates([(1, "{}")], bot_id=BOT)
        postgres_server.stop()
        try:
            with caplog.at_level(logging.WARNING):
                with pytest.raises(StoreWriteError, match="updates not recorded"):
                    store.record_updates([(2, "{}")], bot_id=BOT)
                assert store.log_question(_entry()) is None  # the log is skipped, not raised
            assert store.write_failing
            warnings = [
                r
                for r in caplog.records
                if r.levelno == logging.WARNING and r.name.startswith("bot.store")
            ]
            assert len(warnings) == 1  # the store's one warning for the outage, not one a call
        finally:
            postgres_server.start()
        assert store.record_updates([(2, "{}")], bot_id=BOT) == [2]
        assert not store.write_failing


def test_a_closed_store_refuses_loudly(postgres_url):
    store = open_postgres(postgres_url)
    store.close()
    with pytest.raises(psycopg.InterfaceError):
        store.log_question(_entry())


class Clock:
    """A clock of the tests' own, shared by the replicas of a test."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_a_live_replica_s_updates_are_left_to_it_and_a_dead_one_s_taken_over_once(postgres_url):
    clock = Clock()
    lease = timedelta(seconds=30)
    with (
        open_postgres(postgres_url, clock=clock, lease=lease) as a,
        open_postgres(postgres_url, clock=clock, lease=lease) as b,
        open_postgres(postgres_url, clock=clock, lease=lease) as c,
    ):
        assert a.record_updates([(1, "one"), (2, "two")], bot_id=BOT) == [1, 2]
        a.finish_update(1, bot_id=BOT)
        assert b.take_unfinished(2, bot_id=BOT) == ([], [])  # A is answering 2
        clock.now += timedelta(seconds=20)
        assert a.renew_leases(bot_id=BOT) == 1  # A still works on it
        clock.now += timedelta(seconds=20)
        assert b.take_unfinished(2, bot_id=BOT) == ([], [])  # renewed: still A's
        clock.now += timedelta(seconds=31)  # A died: no renewal for a whole lease
        assert b.take_unfinished(2, bot_id=BOT) == ([(2, "two")], [])
        assert c.take_unfinished(2, bot_id=BOT) == ([], [])  # B's now, not C's too
        assert b.renew_leases(bot_id=BOT) == 1
        assert a.renew_leases(bot_id=BOT) == 0  # a late A renews nothing of B's


def test_replicas_taking_over_at_once_never_take_the_same_update(postgres_url):
    clock = Clock()
    with open_postgres(postgres_url, clock=clock, lease=timedelta(seconds=30)) as dead:
        dead.record_updates([(i, f"update {i}") for i in range(200)], bot_id=BOT)
    clock.now += timedelta(minutes=1)
    replicas = [open_postgres(postgres_url, clock=clock) for _ in range(4)]
    taken: list[list[int]] = [[] for _ in replicas]
    start = threading.Barrier(len(replicas))

    def take(at: int) -> None:
        start.wait()
        for _ in range(20):
            found, _ = replicas[at].take_unfinished(2, bot_id=BOT)
            taken[at].extend(update_id for update_id, _ in found)

    threads = [threading.Thread(target=take, args=(at,)) for at in range(len(replicas))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for replica in replicas:
        replica.close()
    everything = [update_id for mine in taken for update_id in mine]
    assert sorted(everything) == list(range(200))  # each one taken, and by one replica only


def test_replicas_reserving_sends_at_once_keep_one_pace_together(postgres_url):
    interval = 0.05  # wide enough that a call's own latency cannot blur the moments
    replicas = [open_postgres(postgres_url) for _ in range(3)]
    moments: list[float] = []
    guard = threading.Lock()
    start = threading.Barrier(len(replicas))

    def reserve(replica) -> None:
        start.wait()
        for _ in range(20):
            moment = replica.reserve_send(interval, bot_id=BOT)
            with guard:
                moments.append(moment)

    threads = [threading.Thread(target=reserve, args=(r,)) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for replica in replicas:
        replica.close()
    moments.sort()
    gaps = [later - earlier for earlier, later in itertools.pairwise(moments)]
    assert len(moments) == 60
    assert min(gaps) >= interval * 0.9  # no two sends closer than the pace, whoever sends
    assert moments[-1] - moments[0] >= 59 * interval * 0.9


def test_an_update_answered_while_the_server_is_away_is_never_handed_over(
    postgres_server, postgres_url
):
    clock = Clock()
    lease = timedelta(seconds=30)
    with (
        open_postgres(postgres_url, clock=clock, lease=lease, wait_s=0.3) as a,
        open_postgres(postgres_url, clock=clock, lease=lease) as b,
    ):
        a.record_updates([(1, "one"), (2, "two")], bot_id=BOT)
        postgres_server.stop()
        try:
            a.finish_update(1, bot_id=BOT)  # answered; the store cannot hear it
            assert a.reserve_send(0.1, bot_id=BOT) is None  # nothing reserved, and it says so
        finally:
            postgres_server.start()
        assert a.renew_leases(bot_id=BOT) == 1  # 1 marked done on the way, 2 renewed
        clock.now += timedelta(seconds=31)
        assert a.unfinished_updates(bot_id=BOT) == [(2, "two")]
        assert b.take_unfinished(2, bot_id=BOT) == ([(2, "two")], [])  # 1 is never taken


async def _next_version(changes, within: float = 5.0) -> int:
    return await asyncio.wait_for(anext(changes), within)


async def test_replicas_are_told_of_each_new_knowledge_version(postgres_server, postgres_url):
    with open_postgres(postgres_url) as a, open_postgres(postgres_url) as b:
        assert b.shares_knowledge
        changes = b.knowledge_changes()
        try:
            assert await _next_version(changes) == 0  # listening: check the version now
            await asyncio.to_thread(a.publish_knowledge, {"a.md": b"# A\n\nOne.\n"})
            assert await _next_version(changes) == 1
            postgres_server.restart()  # the listening connection is cut, and opened again
            assert await _next_version(changes, within=15) == 0
            await asyncio.to_thread(a.publish_knowledge, {"b.md": b"# B\n\nTwo.\n"})
            assert await _next_version(changes) == 2
        finally:
            await changes.aclose()


def test_replicas_publishing_at_once_lose_no_file_and_no_version(postgres_url):
    stores = [open_postgres(postgres_url) for _ in range(4)]
    versions: list[int | None] = []

    def publish(replica: int) -> None:
        for n in range(10):
            name = f"r{replica}-{n}.md"
            versions.append(stores[replica].publish_knowledge({name: name.encode()}))

    threads = [threading.Thread(target=publish, args=(r,)) for r in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(versions) == list(range(1, 41))  # each change its own version
    assert len(stores[0].knowledge_snapshot({}).digests) == 40
    for store in stores:
        store.close()


def test_replicas_starting_together_seed_the_knowledge_once(postgres_url):
    stores = [open_postgres(postgres_url) for _ in range(4)]
    seeded: list[int | None] = []
    threads = [
        threading.Thread(
            target=lambda s=s, r=r: seeded.append(
                s.publish_knowledge({f"{r}.md": b"x"}, seed=True)
            )
        )
        for r, s in enumerate(stores)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seeded, key=str) == [1, None, None, None]
    assert len(stores[0].knowledge_snapshot({}).digests) == 1
    for store in stores:
        store.close()


def test_replicas_sending_announcements_at_once_send_each_delivery_once(postgres_url):
    stores = [open_postgres(postgres_url) for _ in range(4)]
    for chat in range(1, 41):
        stores[0].subscribe(chat, "private", bot_id=BOT)
    stores[0].plan_broadcast("news", None, bot_id=BOT)
    taken: list[int] = []

    def send(store) -> None:
        while (delivery := store.take_delivery(bot_id=BOT)) is not None:
            taken.append(delivery.chat_id)
            store.mark_delivery(delivery, "sent")

    threads = [threading.Thread(target=send, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == list(range(1, 41))
    assert stores[0].delivery_counts(bot_id=BOT) == {"sent": 40}
    for store in stores:
        store.close()
