"""Removing a briefing: the name found, the files moved to the trash and back, a week kept."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.adding import ORIGINALS
from bot.removing import (
    TRASH,
    RemoveError,
    empty_trash,
    find_name,
    knowledge_names,
    restore,
    to_trash,
)

NOW = dt.datetime(2026, 12, 2, 18, 30, tzinfo=dt.UTC)
PATHS = ["nagorno-karabakh.md", "2026/lithium.md", "2026/harbour-works.md", "notes.txt"]


def test_a_name_is_found_by_its_path_or_its_file_name_alone():
    assert find_name(PATHS, "2026/lithium.md") == "2026/lithium.md"
    assert find_name(PATHS, " `lithium.md` ") == "2026/lithium.md"
    assert find_name(PATHS, "2026\\harbour-works.md") == "2026/harbour-works.md"


def test_an_unknown_name_lists_the_closest_and_an_empty_one_says_how():
    with pytest.raises(RemoveError, match=r"Did you mean 2026/lithium\.md") as caught:
        find_name(PATHS, "lithum.md")
    assert "/sources" in str(caught.value)
    with pytest.raises(RemoveError) as far:
        find_name(PATHS, "zzzzqqqq")
    assert "Did you mean" not in str(far.value)
    with pytest.raises(RemoveError, match="Name the briefing"):
        find_name(PATHS, "  ")


def test_a_removal_moves_the_file_and_its_original_and_restore_puts_them_back(write, tmp_path):
    page = write("gazette.md", "# Gazette\n\nA sentence.\n")
    write(f"{ORIGINALS}/gazette.html", "<html></html>")
    write("other.md", "# Other\n\nAnother sentence.\n")
    root = tmp_path / "kb"
    assert knowledge_names(root) == ["gazette.md", "other.md"]
    removed = to_trash(root, "gazette.md", NOW)
    assert removed.folder == root / TRASH / "2026-12-02T18-30-00Z"
    assert not page.exists()
    assert not (root / ORIGINALS / "gazette.html").exists()
    assert (removed.folder / "gazette.md").read_text() == "# Gazette\n\nA sentence.\n"
    assert (removed.folder / ORIGINALS / "gazette.html").is_file()
    assert knowledge_names(root) == ["other.md"]  # the trash is never read as knowledge
    restore(removed)
    assert page.read_text() == "# Gazette\n\nA sentence.\n"
    assert (root / ORIGINALS / "gazette.html").is_file()
    assert not removed.folder.exists()


def test_a_file_gone_meanwhile_cannot_be_removed(tmp_path):
    with pytest.raises(RemoveError, match="no longer"):
        to_trash(tmp_path, "gone.md", NOW)


def test_the_trash_keeps_a_week_and_leaves_other_folders_alone(write, tmp_path):
    root = tmp_path / "kb"
    for day, name in ((NOW - dt.timedelta(days=8), "old.md"), (NOW, "new.md")):
        write(name, "# T\n\nText.\n")
        to_trash(root, name, day)
    write(f"{TRASH}/keep-me/x.md", "mine")
    deleted = empty_trash(root, NOW)
    assert deleted == ["2026-11-24T18-30-00Z"]
    assert sorted(p.name for p in (root / TRASH).iterdir()) == ["2026-12-02T18-30-00Z", "keep-me"]
    assert empty_trash(tmp_path / "nowhere", NOW) == []
