"""Reload logic: diffs by digest, safe upload names, answers keep flowing during a rebuild."""

from __future__ import annotations

import asyncio
import time

import pytest

import bot.tg.reload as reload_module
from bot.core import KnowledgeDirectoryError, KnowledgeFileError, build_answerer
from bot.tg.questions import ask
from bot.tg.reload import install_upload, reload_knowledge, safe_name
from bot.tg.state import BotState

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
