"""A link or a file made into a knowledge file, with its original kept beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adding import (
    ORIGINALS,
    AddError,
    Prepared,
    keep_original,
    prepare,
    prepare_file,
    prepare_link,
    slug,
    unused_name,
)
from bot.core import load_file
from bot.core.ingest.pdf import NOT_A_PDF
from bot.fetch import Fetched
from tests.conftest import HARBOUR, HARBOUR_URL, make_pdf

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGE = (FIXTURES / "saved-news-page.html").read_bytes()
LIMIT = 5_000_000


def _fetcher(data: bytes, kind: str, url: str = "https://gazette.example.org/a/page"):
    def fetch(requested: str, *, max_bytes: int, allow_private: bool) -> Fetched:
        assert max_bytes == LIMIT
        return Fetched(url, kind, data)

    return fetch


def _loaded(tmp_path: Path, prepared: Prepared):
    path = tmp_path / prepared.name
    path.write_bytes(prepared.data)
    return load_file(path, max_bytes=LIMIT)


def test_a_web_page_becomes_markdown_with_what_it_says_of_itself(tmp_path):
    prepared = prepare_link(
        "https://x.example/p", max_bytes=LIMIT, fetcher=_fetcher(PAGE, "text/html; charset=utf-8")
    )
    assert prepared.name == "harbour-talks-resume-in-valdora.md"
    assert prepared.original_name == "harbour-talks-resume-in-valdora.html"
    assert prepared.original == PAGE
    document = _loaded(tmp_path, prepared)
    assert document.meta.title == "Harbour Talks Resume in Valdora"
    assert document.meta.publisher == "The Example Gazette"
    assert document.meta.source == HARBOUR_URL  # the canonical link, not the one fetched
    assert str(document.meta.published) == "2024-03-05"
    text = " ".join(s for p in document.paragraphs for s in p.sentences)
    assert "4,000 lorries" in text
    assert "Advertisement" not in text
    assert "Customs post" in {p.section for p in document.paragraphs}


def test_a_pdf_link_becomes_markdown_citing_the_link(tmp_path):
    pdf = make_pdf(HARBOUR, footer_url=None, title="Harbour Talks Resume in Valdora")
    link = "https://gazette.example.org/files/harbour.pdf"
    prepared = prepare_link(link, max_bytes=LIMIT, fetcher=_fetcher(pdf, "application/pdf", link))
    assert prepared.name.endswith(".md")
    assert prepared.original_name is not None
    assert prepared.original_name.endswith(".pdf")
    document = _loaded(tmp_path, prepared)
    assert document.meta.source == link
    assert document.meta.title == "Harbour Talks Resume in Valdora"
    original = load_file(_write(tmp_path / "o.pdf", pdf), max_bytes=LIMIT)
    sentences = [s for p in document.paragraphs for s in p.sentences]
    assert sentences == [s for p in original.paragraphs for s in p.sentences]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_markdown_and_text_files_are_taken_as_they_are(tmp_path):
    note = _write(tmp_path / "Daily Note.md", b"# Daily note\n\nThe ferry runs at nine.\n")
    prepared = prepare_file(note, max_bytes=LIMIT)
    assert (prepared.name, prepared.data, prepared.original_name) == (
        "daily-note.md",
        note.read_bytes(),
        None,
    )
    assert keep_original(tmp_path, prepared) is None


@pytest.mark.parametrize(
    ("data", "kind", "message"),
    [
        (b"\x89PNG\r\n\x1a\n...", "image/png", "not a web page, PDF"),
        (b"x" * 100, "text/html", "over the 50-byte limit"),
        (b"%PDF-1.4 broken", "application/pdf", "PDF"),
    ],
)
def test_what_cannot_be_added_is_one_clear_line(data, kind, message):
    limit = 50 if data == b"x" * 100 else LIMIT
    with pytest.raises(AddError, match=message) as caught:
        prepare(data, max_bytes=limit, url="https://x.example/f", content_type=kind)
    assert "\n" not in str(caught.value)


def test_names_never_overwrite_another_file_and_the_same_page_keeps_its_name(tmp_path):
    prepared = Prepared("news.md", b"one", "News", "news.html", b"<html>one")
    (tmp_path / "news.md").write_bytes(b"something else")
    renamed = unused_name(tmp_path, prepared)
    assert (renamed.name, renamed.original_name) == ("news-2.md", "news-2.html")
    (tmp_path / "news-2.md").write_bytes(b"one")
    assert unused_name(tmp_path, prepared).name == "news-2.md"  # the same again: same name
    kept = keep_original(tmp_path, renamed)
    assert kept == tmp_path / ORIGINALS / "news-2.html"
    assert kept.read_bytes() == b"<html>one"


def test_slugs_are_plain():
    assert slug("Harbour Talks: Resume in Valdora!") == "harbour-talks-resume-in-valdora"
    assert slug("???") == "briefing"
    assert len(slug("word " * 40)) <= 60


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"hello", "not a PDF: it does not start with %PDF"),
        (b"%PDF-1.4 broken", "damaged PDF, cannot be read"),
    ],
    ids=["not a pdf", "damaged"],
)
def test_a_pdf_that_cannot_be_read_is_refused_naming_the_file_once(tmp_path, data, reason):
    fake = _write(tmp_path / "fake.pdf", data)
    with pytest.raises(AddError) as caught:
        prepare_file(fake, max_bytes=LIMIT)
    message = str(caught.value)
    assert message.startswith(f"fake.pdf: {reason}"), message
    assert message.count("fake.pdf") == 1, message
    assert "\n" not in message


def test_add_of_a_fake_pdf_says_so_in_one_line_and_adds_nothing(capsys, tmp_path):
    from bot.cli import main

    knowledge = tmp_path / "kb"
    knowledge.mkdir()
    fake = _write(tmp_path / "fake.pdf", b"hello")
    assert main(["add", str(fake), "--knowledge", str(knowledge)]) == 2
    assert capsys.readouterr().err == f"error: fake.pdf: {NOT_A_PDF}\n"
    assert list(knowledge.iterdir()) == []
