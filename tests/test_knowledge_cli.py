"""python -m bot knowledge push|pull: a folder into and out of the knowledge replicas share."""

from __future__ import annotations

import shutil

from bot.cli import main
from bot.shared_knowledge import local_digests
from bot.store.postgres import open_postgres
from tests.conftest import REPO_KNOWLEDGE


def run(capsys, *args: str) -> tuple[int, str]:
    status = main(["knowledge", *args])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_a_pushed_folder_is_pulled_back_the_same(capsys, tmp_path, postgres_url, monkeypatch):
    monkeypatch.setenv("STATE_DB", postgres_url)
    folder = tmp_path / "briefings"
    shutil.copytree(REPO_KNOWLEDGE, folder)
    (folder / "note.txt").write_text("Note\n\nThe port reopened in May.\n")
    status, out = run(capsys, "push", str(folder))
    assert (status, out) == (
        0,
        f"pushed {folder}: 2 files, knowledge version 1; every replica reloads from it\n",
    )
    copy = tmp_path / "copy"
    status, out = run(capsys, "pull", str(copy))
    assert (status, out) == (0, f"pulled knowledge version 1 into {copy}: 2 files written\n")
    assert local_digests(copy) == local_digests(folder)
    (copy / "note.md").write_text("# Note\n\nThe ferry to Baku leaves at noon on Fridays.\n")
    assert run(capsys, "push", str(copy))[0] == 0
    status, out = run(capsys, "pull", str(folder))  # the first folder catches up
    assert out.startswith(f"pulled knowledge version 2 into {folder}: 1 file written")
    assert (folder / "note.md").is_file()
    with open_postgres(postgres_url) as store:
        assert store.knowledge_version() == 2


def test_a_pull_replaces_nothing_without_keeping_it(capsys, tmp_path, postgres_url):
    folder = tmp_path / "briefings"
    shutil.copytree(REPO_KNOWLEDGE, folder)
    run(capsys, "push", str(folder), "--db", postgres_url)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "draft.md").write_text("# Draft\n\nNot yet published.\n")
    status, out = run(capsys, "pull", str(mine), "--db", postgres_url)
    assert status == 0
    assert ", 1 file removed (what they replaced is in " in out
    assert [p.name for p in (mine / ".trash").rglob("*.md")] == ["draft.md"]


def test_a_folder_that_does_not_load_is_refused(capsys, tmp_path, postgres_url):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "bad.md").write_text("---\ntitle: [unclosed\n---\ntext\n")
    status, out = run(capsys, "push", str(bad), "--db", postgres_url)
    assert status != 0
    assert "bad.md" in out
    status, out = run(capsys, "pull", str(tmp_path / "x"), "--db", postgres_url)
    assert status != 0
    assert "the store holds no knowledge yet: push a folder first" in out


def test_with_a_store_in_a_file_both_are_refused_saying_why(capsys, tmp_path):
    for action in ("push", "pull"):
        status, out = run(capsys, action, str(REPO_KNOWLEDGE), "--db", str(tmp_path / "s.db"))
        assert status != 0
        assert "knowledge lives in the store only with PostgreSQL" in out
    assert not (tmp_path / "s.db").exists()
