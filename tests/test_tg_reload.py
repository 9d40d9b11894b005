"""Reload logic: diffs by digest, safe upload names, answers keep flowing during a rebuild."""

from __future__ import annotations

import asyncio
import shutil
import time

import pytest

import bot.tg.reload as reload_module
from bot.core import KnowledgeDirectoryError, KnowledgeFileError, build_answerer
from bot.shared_knowledge import local_digests
from bot.store import StoreWriteError
from bot.tg.questions import ask
from bot.tg.reload import install_upload, reload_knowledge, safe_name
from bot.tg.state import BotState
from tests.conftest import shared_replica

NOTE = "---\ntitle: Note\n---\n\nThe ferry to Baku leaves at noon on Fridays.\n"


@pytest.fixture
def state(tg_settings) -> BotState:
    answerer = build_answerer(tg_settings.engine())
    return BotState(settings=tg_settings, answerer=answerer)


async def test_reload_reports_added_changed_and_removed(state, knowledge_copy):
    (knowledge_copy / "note.md").write_text(NOTE)
    first = await reload_knowledge(state)
    assert first.added == ("note.md",)
    (knowledge_copy / "note.md").write_text(NOTE.replace("noon", "dawn"))
    (knowledge_copy / "other.txt").write_text("Other Title\n\nThe port reopened in May.\n")
    second = await reload_knowledge(state)
    assert (second.added, second.changed, second.removed) == (("other.txt",), ("note.md",), ())
    (knowledge_copy / "note.md").unlink()
    third = await reload_knowledge(state)
    assert third.removed == ("note.md",)
    assert "Removed: note.md" in third.summary()
    assert third.documents == 2


async def test_nothing_changed_is_said(state):
    report = await reload_knowledge(state)
    assert report.summary().endswith("No files changed.")


async def test_a_reload_to_one_document_of_one_sentence_says_so_in_the_singular(
    state, knowledge_copy
):
    for path in knowledge_copy.iterdir():
        if path.is_file():
            path.unlink()
    (knowledge_copy / "note.md").write_text(NOTE)
    report = await reload_knowledge(state)
    assert (report.documents, report.sentences) == (1, 1)
    assert ": 1 document, 1 sentence.\n" in report.summary()
    (knowledge_copy / "more.md").write_text(NOTE.replace("Note", "More").replace("noon", "dawn"))
    assert ": 2 documents, 2 sentences.\n" in (await reload_knowledge(state)).summary()


async def test_a_failed_reload_keeps_the_answerer(state, knowledge_copy):
    before = state.answerer
    (knowledge_copy / "bad.md").write_text("---\ntitle: [unclosed\n---\ntext\n")
    with pytest.raises(KnowledgeDirectoryError, match=r"bad\.md"):
        await reload_knowledge(state)
    assert state.answerer is before


async def test_answers_flow_while_a_slow_reload_builds(state, monkeypatch):
    """The rebuild runs off the event loop: a question asked meanwhile is answered at once."""
    real = reload_module.build_in_process

    def slow_build(*args, **kwargs):
        time.sleep(1.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(reload_module, "build_in_process", slow_build)
    reloading = asyncio.create_task(reload_knowledge(state))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    answer = await ask(state.answerer, "when is Kalbajar handed over?")
    assert answer.best is not None
    assert time.monotonic() - started < 0.5
    assert not reloading.done()
    await reloading


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("brief.md", "brief.md"),
        ("../../etc/evil.md", "evil.md"),
        ("C:\\docs\\note.TXT", "note.TXT"),
        ("my report (final).md", "my report _final_.md"),
        ("...hidden.md", "hidden.md"),
    ],
)
def test_safe_name(raw, name):
    assert safe_name(raw) == name


@pytest.mark.parametrize("raw", [None, "", "report.docx", "noext", ".md"])
def test_safe_name_refuses_non_knowledge_files(raw):
    with pytest.raises(KnowledgeFileError):
        safe_name(raw)


async def test_upload_replacing_a_file_is_restored_when_the_reload_fails(state, knowledge_copy):
    (knowledge_copy / "note.md").write_text(NOTE)
    await reload_knowledge(state)
    (knowledge_copy / "zz-bad.md").write_bytes(b"\x00")
    with pytest.raises(KnowledgeDirectoryError):
        await install_upload(state, "note.md", NOTE.replace("noon", "dawn").encode())
    assert (knowledge_copy / "note.md").read_text() == NOTE
    assert not list(knowledge_copy.glob(".*partial"))


# --- knowledge shared through the store (two replicas on one PostgreSQL store) -------------

FERRY = "when does the ferry to Baku leave?"


async def _answered(state: BotState, question: str) -> str:
    answer = await ask(state.answerer, question)
    return answer.best.text if answer.best is not None else ""


async def test_an_upload_on_one_replica_is_published_and_loaded_by_the_other(replicas):
    a, b = replicas
    assert a.synced.version == b.synced.version == 1  # A seeded the store, B took it
    assert local_digests(b.settings.knowledge_dir) == local_digests(a.settings.knowledge_dir)
    await install_upload(a, "note.md", NOTE.encode())
    assert a.synced.version == 2 == a.store.knowledge_version()
    assert "noon on Fridays" not in await _answered(b, FERRY)
    async with b.reload_lock:
        report = await reload_module.pull_and_reload(b)
    assert report is not None
    assert report.added == ("note.md",)
    assert "noon on Fridays" in await _answered(b, FERRY)
    assert b.synced.version == 2
    assert b.settings.knowledge_dir.joinpath("note.md").read_text() == NOTE
    async with b.reload_lock:  # the same version again: nothing to do
        assert await reload_module.pull_and_reload(b) is None


async def test_a_removal_and_an_edit_reloaded_on_one_replica_reach_the_other(replicas):
    a, b = replicas
    await install_upload(a, "note.md", NOTE.encode())
    async with b.reload_lock:
        await reload_module.pull_and_reload(b)
    (a.settings.knowledge_dir / "note.md").write_text(NOTE.replace("noon", "dawn"))
    await reload_knowledge(a)  # an admin edited A's file and asked A to reload
    async with b.reload_lock:
        report = await reload_module.pull_and_reload(b)
    assert report is not None
    assert report.changed == ("note.md",)
    assert "dawn" in await _answered(b, FERRY)
    await reload_module.remove_and_reload(b, "note.md")  # and another removed it on B
    async with a.reload_lock:
        report = await reload_module.pull_and_reload(a)
    assert report is not None
    assert report.removed == ("note.md",)
    assert not (a.settings.knowledge_dir / "note.md").exists()


async def test_changes_made_on_both_replicas_at_once_all_reach_both(replicas):
    a, b = replicas
    other = "Other Title\n\nThe port of Baku reopened in May.\n"
    await asyncio.gather(
        install_upload(a, "note.md", NOTE.encode()), install_upload(b, "other.txt", other.encode())
    )
    for state in (a, b):
        async with state.reload_lock:
            await reload_module.pull_and_reload(state)
    for state in (a, b):
        names = {p.name for p in state.settings.knowledge_dir.iterdir() if p.is_file()}
        assert {"note.md", "other.txt"} <= names
        assert state.synced.version == 3 == state.store.knowledge_version()


async def test_a_change_the_store_cannot_take_changes_nothing(
    tg_settings, postgres_server, postgres_url, tmp_path
):
    directory = tmp_path / "k"
    shutil.copytree(tg_settings.knowledge_dir, directory)
    a = shared_replica(tg_settings, postgres_url, directory, wait_s=0.5)
    before, files = a.answerer, sorted(p.name for p in directory.iterdir())
    postgres_server.stop()
    try:
        with pytest.raises(StoreWriteError, match="knowledge not saved"):
            await install_upload(a, "note.md", NOTE.encode())
    finally:
        postgres_server.start()
    assert a.answerer is before
    assert sorted(p.name for p in directory.iterdir()) == files
    assert a.synced.version == 1
    a.store.close()


async def test_a_version_that_does_not_load_on_a_replica_leaves_it_as_it_was(replicas):
    a, b = replicas
    b.settings = b.settings.model_copy(update={"max_file_bytes": 2_000})  # B's limit is lower
    before = b.answerer
    files = sorted(p.name for p in b.settings.knowledge_dir.iterdir() if p.is_file())
    await install_upload(a, "long.md", ("# Long\n\n" + "A long briefing. " * 200).encode())
    async with b.reload_lock:
        assert await reload_module.pull_and_reload(b) is None
    assert b.answerer is before
    assert sorted(p.name for p in b.settings.knowledge_dir.iterdir() if p.is_file()) == files
    assert (b.synced.version, b.synced.failed) == (1, 2)
    async with b.reload_lock:  # not tried again until a newer version
        assert await reload_module.pull_and_reload(b) is None
