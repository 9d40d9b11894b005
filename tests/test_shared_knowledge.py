"""A knowledge directory kept in step with the store's: what is shared, pulls, pushes, joins."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.core import KnowledgeDirectoryError
from bot.removing import TRASH
from bot.shared_knowledge import (
    SharedKnowledgeError,
    apply,
    changes_since,
    join,
    local_digests,
    local_files,
    pull,
    push,
    undo,
)
from bot.store import KnowledgeSnapshot, SqlStore
from bot.store.knowledge import digest

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
NOTE = b"---\ntitle: Note\n---\n\nThe ferry to Baku leaves at noon on Fridays.\n"
OTHER = b"Other Title\n\nThe port reopened in May.\n"
LIMIT = 5_000_000


def _folder(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def _snapshot(version: int, files: dict[str, bytes]) -> KnowledgeSnapshot:
    return KnowledgeSnapshot(
        version=version, digests={p: digest(d) for p, d in files.items()}, data=files
    )


def test_the_knowledge_files_and_their_originals_are_shared_nothing_hidden(tmp_path):
    directory = _folder(
        tmp_path,
        {
            "note.md": NOTE,
            "sub/other.txt": OTHER,
            ".originals/note.html": b"<html>page</html>",
            ".originals/.note.html.partial": b"half",
            ".trash/2026-12-01T00-00-00Z/old.md": NOTE,
            ".index-cache/index.bin": b"\x00",
            ".hidden.md": NOTE,
        },
    )
    assert sorted(local_files(directory)) == [".originals/note.html", "note.md", "sub/other.txt"]
    assert local_digests(directory)["note.md"] == digest(NOTE)


def test_changes_since_name_what_was_written_changed_and_removed(tmp_path):
    directory = _folder(tmp_path, {"note.md": NOTE, "other.txt": OTHER})
    synced = local_digests(directory)
    (directory / "note.md").write_bytes(NOTE.replace(b"noon", b"dawn"))
    (directory / "other.txt").unlink()
    (directory / "new.md").write_bytes(b"# New\n\nA new thing.\n")
    assert changes_since(directory, synced) == {
        "note.md": NOTE.replace(b"noon", b"dawn"),
        "other.txt": None,
        "new.md": b"# New\n\nA new thing.\n",
    }
    assert changes_since(directory, local_digests(directory)) == {}


def test_apply_makes_the_directory_the_snapshot_s_and_trashes_what_it_replaces(tmp_path):
    directory = _folder(tmp_path / "k", {"note.md": NOTE, "mine.txt": OTHER})
    changed = NOTE.replace(b"noon", b"dawn")
    applied = apply(directory, _snapshot(4, {"note.md": changed, "new.md": OTHER}), NOW)
    assert (applied.version, applied.written, applied.removed) == (
        4,
        ("new.md", "note.md"),
        ("mine.txt",),
    )
    assert applied.knowledge_changed
    assert local_digests(directory) == {"note.md": digest(changed), "new.md": digest(OTHER)}
    trashed = sorted(p.name for p in (directory / TRASH).rglob("*") if p.is_file())
    assert trashed == ["mine.txt", "note.md"]  # nothing written by hand is lost
    undo(applied)
    assert local_digests(directory) == {"note.md": digest(NOTE), "mine.txt": digest(OTHER)}


def test_only_an_original_changed_needs_no_reload(tmp_path):
    directory = _folder(tmp_path, {"note.md": NOTE})
    files = {"note.md": NOTE, ".originals/note.pdf": b"%PDF-1.4 \x00"}
    applied = apply(directory, _snapshot(2, files), NOW)
    assert applied.written == (".originals/note.pdf",)
    assert not applied.knowledge_changed
    assert (directory / ".originals" / "note.pdf").read_bytes() == b"%PDF-1.4 \x00"


@pytest.mark.parametrize(
    "name", ["../escape.md", "/etc/briefing.md", ".trash/x.md", "a/../../b.md", ".originals"]
)
def test_a_path_that_would_leave_the_directory_is_refused_and_nothing_changes(tmp_path, name):
    directory = _folder(tmp_path / "k", {"note.md": NOTE})
    with pytest.raises(SharedKnowledgeError, match="not a safe path"):
        apply(directory, _snapshot(2, {name: NOTE}), NOW)
    assert local_digests(directory) == {"note.md": digest(NOTE)}
    assert not (directory / TRASH).exists()


def test_a_snapshot_without_the_bytes_it_needs_is_refused(tmp_path):
    directory = _folder(tmp_path, {"note.md": NOTE})
    lacking = KnowledgeSnapshot(version=2, digests={"new.md": digest(OTHER)}, data={})
    with pytest.raises(SharedKnowledgeError, match=r"no bytes for new\.md"):
        apply(directory, lacking, NOW)


def test_a_push_then_a_pull_carry_a_folder_byte_for_byte(
    store: SqlStore, tmp_path, knowledge_copy
):
    (knowledge_copy / ".originals").mkdir()
    (knowledge_copy / ".originals" / "page.html").write_bytes(b"<html>\x00</html>")
    version, count = push(store, knowledge_copy, max_bytes=LIMIT)
    assert version == 1
    assert count == len(local_files(knowledge_copy))
    elsewhere = tmp_path / "elsewhere"
    applied = pull(store, elsewhere, NOW)
    assert applied.version == 1
    assert local_digests(elsewhere) == local_digests(knowledge_copy)
    assert pull(store, elsewhere, NOW).written == ()  # already there: nothing sent again


def test_a_folder_that_does_not_load_is_not_pushed(store: SqlStore, tmp_path):
    bad = _folder(tmp_path, {"bad.md": b"---\ntitle: [unclosed\n---\ntext\n"})
    with pytest.raises(KnowledgeDirectoryError, match=r"bad\.md"):
        push(store, bad, max_bytes=LIMIT)
    assert store.knowledge_version() == 0


def test_a_pull_from_a_store_without_knowledge_says_to_push_first(store: SqlStore, tmp_path):
    with pytest.raises(SharedKnowledgeError, match="push a folder first"):
        pull(store, tmp_path / "k", NOW)


def test_the_first_replica_seeds_the_store_and_the_next_takes_it(
    store: SqlStore, tmp_path, knowledge_copy
):
    first = join(store, knowledge_copy, max_bytes=LIMIT, now=NOW)
    assert first.version == 1
    assert first.digests == local_digests(knowledge_copy)
    second_dir = _folder(tmp_path / "second", {"stale.md": NOTE})
    second = join(store, second_dir, max_bytes=LIMIT, now=NOW)
    assert second.version == 1
    assert local_digests(second_dir) == local_digests(knowledge_copy)


def test_store_knowledge_that_does_not_load_here_is_taken_out_again(
    store: SqlStore, tmp_path, knowledge_copy
):
    store.publish_knowledge({"huge.md": b"# Huge\n\n" + b"Words here. " * 1000})
    mine = _folder(tmp_path / "mine", {"note.md": NOTE})
    joined = join(store, mine, max_bytes=2_000, now=NOW)  # this replica's limit is smaller
    assert (joined.version, joined.failed) == (0, 1)
    assert "does not load here" in joined.how
    assert local_digests(mine) == {"note.md": digest(NOTE)}
