"""The knowledge files kept in the store, and the replicas' turns: on both stores."""

from __future__ import annotations

import time

import pytest

from bot.store import SqlStore, StoreWriteError
from bot.store.knowledge import digest
from tests.conftest import full_disk_store

BRIEFING = b"# Handover\n\nThe handover of Kalbajar was delayed until November 25.\n"
PDF = b"%PDF-1.4\n\x00\x01\x02\xff binary \x00 bytes"


def test_an_empty_store_holds_no_knowledge(store: SqlStore):
    assert store.knowledge_version() == 0
    snapshot = store.knowledge_snapshot({})
    assert (snapshot.version, snapshot.digests, snapshot.data) == (0, {}, {})


def test_published_files_come_back_byte_for_byte_with_a_new_version(store: SqlStore):
    version = store.publish_knowledge({"a.md": BRIEFING, ".originals/a.pdf": PDF})
    assert version == 1 == store.knowledge_version()
    snapshot = store.knowledge_snapshot({})
    assert snapshot.version == 1
    assert snapshot.data == {"a.md": BRIEFING, ".originals/a.pdf": PDF}
    assert snapshot.digests == {"a.md": digest(BRIEFING), ".originals/a.pdf": digest(PDF)}


def test_a_snapshot_sends_only_the_files_the_caller_lacks(store: SqlStore):
    store.publish_knowledge({"a.md": BRIEFING, "b.md": b"# B\n\nOther.\n"})
    snapshot = store.knowledge_snapshot({"a.md": digest(BRIEFING), "b.md": digest(b"old")})
    assert set(snapshot.digests) == {"a.md", "b.md"}
    assert snapshot.data == {"b.md": b"# B\n\nOther.\n"}


def test_each_change_raises_the_version_and_none_removes_a_file(store: SqlStore):
    store.publish_knowledge({"a.md": BRIEFING, "b.md": b"# B\n\nOther.\n"})
    assert store.publish_knowledge({"b.md": None, "c.md": b"# C\n\nThird.\n"}) == 2
    assert set(store.knowledge_snapshot({}).digests) == {"a.md", "c.md"}


def test_a_mirror_is_the_whole_knowledge(store: SqlStore):
    store.publish_knowledge({"a.md": BRIEFING, "b.md": b"# B\n\nOther.\n"})
    store.publish_knowledge({"c.md": b"# C\n\nThird.\n", "a.md": BRIEFING}, mirror=True)
    assert set(store.knowledge_snapshot({}).digests) == {"a.md", "c.md"}


def test_a_seed_goes_only_into_a_store_that_never_held_knowledge(store: SqlStore):
    assert store.publish_knowledge({"a.md": BRIEFING}, seed=True) == 1
    assert store.publish_knowledge({"b.md": b"# B\n\nOther.\n"}, seed=True) is None
    assert store.knowledge_snapshot({}).data == {"a.md": BRIEFING}
    # Knowledge removed to the last file is still knowledge: a start does not seed it again.
    store.publish_knowledge({}, mirror=True)
    assert store.publish_knowledge({"b.md": b"# B\n\nOther.\n"}, seed=True) is None
    assert store.knowledge_snapshot({}).digests == {}


def test_a_turn_is_one_taker_s_until_it_runs_out(store: SqlStore):
    assert store.take_turn("feeds", 0.3)
    assert not store.take_turn("feeds", 0.3)
    assert store.take_turn("digests", 0.3)  # another turn, its own
    time.sleep(0.35)
    assert store.take_turn("feeds", 0.3)


def test_knowledge_that_cannot_be_written_raises_and_changes_nothing(tmp_path):
    store = full_disk_store(tmp_path / "state.db", room_pages=12)  # a full disk, in effect
    store.publish_knowledge({"a.md": BRIEFING})
    with pytest.raises(StoreWriteError, match="knowledge not saved"):
        store.publish_knowledge({"a.md": None, "big.md": b"# Big\n\n" + b"Words. " * 100_000})
    assert store.knowledge_snapshot({}).data == {"a.md": BRIEFING}
    assert store.knowledge_version() == 1
    store.close()
