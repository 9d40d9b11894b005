import datetime as dt

import pytest

from bot.core import KNOWN_SUFFIXES, KnowledgeDirectoryError, KnowledgeFileError, SourceFormat
from bot.core.ingest import loading
from bot.core.ingest.loading import load_file, load_knowledge, title_from_name
from tests.conftest import (
    HARBOUR,
    HARBOUR_URL,
    MAX_BYTES,
    REPO_KNOWLEDGE,
    SAVED_PAGE,
    make_pdf,
    textless_pdf,
)

GOOD = "---\ntitle: Good\nsource: https://example.org/a\n---\n## Part\n\nOne sentence. Two.\n"


def test_shipped_knowledge_loads_with_its_metadata():
    base = load_knowledge(REPO_KNOWLEDGE, max_bytes=MAX_BYTES)
    (doc,) = base.documents
    assert doc.title == "After Military Defeat, What's Next for Nagorno-Karabakh?"
    assert doc.meta.publisher == "The Moscow Times"
    assert doc.meta.source.startswith("https://www.themoscowtimes.com/")
    assert doc.sections == (
        "Return of territory",
        "Russian peacekeepers",
        "Elusive lasting solution",
    )
    assert base.sentence_count == doc.sentence_count == 23


def test_unknown_front_matter_keys_are_kept(write):
    path = write("a.md", "---\ntitle: A\nauthor: Someone\n---\nText here.\n")
    assert load_file(path, max_bytes=MAX_BYTES).meta.model_extra == {"author": "Someone"}


def test_title_falls_back_to_the_first_heading_then_the_file_name(write):
    assert load_file(write("x.md", "# Heading\n\nText.\n"), max_bytes=MAX_BYTES).title == "Heading"
    assert (
        load_file(write("03_Oil_crisis.md", "Text.\n"), max_bytes=MAX_BYTES).title == "Oil crisis"
    )
    assert title_from_name(write("1973_oil.txt", "x")) == "oil"


@pytest.mark.parametrize(
    ("name", "content", "reason", "line"),
    [
        ("bin.md", b"abc\x00def", "binary", None),
        ("latin.txt", "line one\ncaf\u00e9\n".encode("latin-1"), "not UTF-8", 2),
        ("empty.md", b"  \n\n", "empty file", None),
        ("nothing.md", "---\ntitle: X\n---\n", "no sentences", None),
        ("notes.docx", b"PK", "unknown extension", None),
        ("notes.pdf", b"%PDF", "damaged PDF", None),
        ("scan.pdf", textless_pdf(image=True), "no text layer; OCR is not supported", None),
        ("menu.html", b"<html><body><nav>Home</nav></body></html>", "no article text", None),
        ("broken.md", "---\ntitle: [x\n---\nText.\n", "not valid YAML", 3),
        ("badlink.md", "---\ntitle: X\nsource: ftp://x\n---\nText.\n", "source", 3),
        ("baddate.md", "---\ntitle: X\npublished: someday\n---\nText.\n", "published", 3),
    ],
)
def test_bad_files_name_the_file_line_and_reason(write, name, content, reason, line):
    path = write(name, content)
    with pytest.raises(KnowledgeFileError, match=reason) as caught:
        load_file(path, max_bytes=MAX_BYTES)
    assert caught.value.path == name
    assert caught.value.line == line
    assert str(caught.value).startswith(name)


def test_files_over_the_size_limit_are_refused(write):
    path = write("big.md", "Text. " * 100)
    with pytest.raises(KnowledgeFileError, match="over the 100-byte limit"):
        load_file(path, max_bytes=100)


def test_utf8_with_bom_is_fine(write):
    path = write("bom.txt", "\ufeffA sentence here.\n".encode())
    assert load_file(path, max_bytes=MAX_BYTES).paragraphs[0].sentences == ("A sentence here.",)


def test_a_bad_file_fails_the_whole_directory_and_every_problem_is_listed(write, tmp_path):
    write("good.md", GOOD)
    write("bad.bin.txt", b"\x00\x01")
    write("sub/also-bad.docx", b"PK")
    with pytest.raises(KnowledgeDirectoryError) as caught:
        load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES)
    assert len(caught.value.problems) == 2
    assert any("bad.bin.txt" in p for p in caught.value.problems)
    assert any("also-bad.docx" in p for p in caught.value.problems)


def test_hidden_files_and_folders_are_ignored_subfolders_are_not(write, tmp_path):
    write("good.md", GOOD)
    write(".DS_Store", b"\x00")
    write(".cache/index.bin", b"\x00")
    write("2025/more.txt", "Another sentence.\n")
    base = load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES)
    assert sorted(d.path for d in base.documents) == ["2025/more.txt", "good.md"]


def test_missing_or_empty_directory_is_an_error(tmp_path):
    with pytest.raises(KnowledgeDirectoryError, match="not a directory"):
        load_knowledge(tmp_path / "nope", max_bytes=MAX_BYTES)
    with pytest.raises(KnowledgeDirectoryError, match="no knowledge files"):
        load_knowledge(tmp_path, max_bytes=MAX_BYTES)


def test_digests_change_with_content(write, tmp_path):
    path = write("good.md", GOOD)
    before = load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES).digests()
    path.write_text(GOOD + "\nMore.\n", encoding="utf-8")
    after = load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES).digests()
    assert before.keys() == after.keys()
    assert before != after


def _with_sections(document):
    return [(p.section, s) for p in document.paragraphs for s in p.sentences]


def test_every_format_is_known_to_the_loader_reload_and_uploads():
    assert {".md", ".markdown", ".txt", ".pdf", ".html", ".htm"} == KNOWN_SUFFIXES


def test_a_pdf_loads_into_the_sentences_and_sections_of_its_text(write):
    pdf = load_file(write("harbour.pdf", make_pdf(HARBOUR)), max_bytes=MAX_BYTES)
    markdown = load_file(write("harbour.md", HARBOUR), max_bytes=MAX_BYTES)
    assert _with_sections(pdf) == _with_sections(markdown)
    assert any(
        s.endswith("which snow closes for much of the winter.") for _, s in _with_sections(pdf)
    )
    assert pdf.title == markdown.title == "Harbour Talks Resume in Valdora"
    assert pdf.meta.source == HARBOUR_URL
    assert pdf.format is SourceFormat.PDF
    assert markdown.format is SourceFormat.MARKDOWN


def test_a_pdf_s_metadata_gives_its_title_and_date(write):
    info = {"/Title": "Valdora harbour talks", "/CreationDate": "D:20240305083000Z"}
    document = load_file(write("talks.pdf", make_pdf(HARBOUR, info=info)), max_bytes=MAX_BYTES)
    assert document.title == "Valdora harbour talks"
    assert document.meta.published == dt.date(2024, 3, 5)
    assert document.meta.publisher is None  # /Author is a person, not the publisher


def test_a_pdf_without_a_title_is_named_by_its_first_line_or_its_file(write):
    headline = load_file(write("a.pdf", make_pdf(HARBOUR)), max_bytes=MAX_BYTES)
    assert headline.title == "Harbour Talks Resume in Valdora"
    body = HARBOUR.split("\n\n", 1)[1].replace("## ", "")
    named = load_file(write("07_Harbour_talks.pdf", make_pdf(body)), max_bytes=MAX_BYTES)
    assert named.title == "Harbour talks"


def test_a_saved_web_page_loads_into_its_article_only(write):
    page = load_file(write("page.html", SAVED_PAGE.read_bytes()), max_bytes=MAX_BYTES)
    assert page.format is SourceFormat.HTML
    assert (page.title, page.meta.publisher, page.meta.source, page.meta.published) == (
        "Harbour Talks Resume in Valdora",
        "The Example Gazette",
        HARBOUR_URL,
        dt.date(2024, 3, 5),
    )
    assert page.sections == ("Customs post", "Fishing rights", "What comes next")
    sentences = [s for _, s in _with_sections(page)]
    assert sentences[0].startswith("Negotiators from Norland and Sudmark")
    assert sentences[-1].startswith("A joint statement is expected on March 8")
    assert len(sentences) == 9
    assert not any("flights" in s or "cruise" in s or "never work" in s for s in sentences)


def test_an_htm_page_and_its_markdown_file_load_alike(write):
    from bot.core import extract_html

    page = load_file(write("page.htm", SAVED_PAGE.read_bytes()), max_bytes=MAX_BYTES)
    saved = extract_html(SAVED_PAGE.read_bytes()).markdown_file()
    markdown = load_file(write("page.md", saved), max_bytes=MAX_BYTES)
    assert _with_sections(page) == _with_sections(markdown)
    assert page.meta == markdown.meta


def test_the_size_limit_applies_before_any_parser_sees_the_file(write, monkeypatch):
    monkeypatch.setattr(loading, "extract_pdf", lambda data: pytest.fail("parsed"))
    monkeypatch.setattr(loading, "extract_html", lambda data: pytest.fail("parsed"))
    for name, data in [("big.pdf", make_pdf(HARBOUR)), ("big.html", SAVED_PAGE.read_bytes())]:
        with pytest.raises(KnowledgeFileError, match="over the 1,000-byte limit"):
            load_file(write(name, data), max_bytes=1_000)


def test_originals_are_only_read_never_written(write, tmp_path):
    files = {"a.pdf": make_pdf(HARBOUR), "b.html": SAVED_PAGE.read_bytes(), "c.md": GOOD.encode()}
    paths = {name: write(name, data) for name, data in files.items()}
    base = load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES)
    assert sorted(p.name for p in (tmp_path / "kb").iterdir()) == sorted(files)
    for document in base.documents:
        assert base.original(document) == paths[document.path]
        assert base.original(document).read_bytes() == files[document.path]
    assert [d.format.extracted for d in base.documents] == [True, True, False]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2025-02-30", r"'2025-02-30' is not a day of the calendar \(day is out of range"),
        ("2025-13-45", r"'2025-13-45' is not a day of the calendar \(month must be in 1..12\)"),
        ('"next tuesday"', r"'next tuesday' is not a date: write it as YYYY-MM-DD"),
        ("2025", r"must be a date written as YYYY-MM-DD, such as 2025-11-18, not a number"),
        ("[2025-11-18]", r"must be a date written as YYYY-MM-DD, .* not a list"),
    ],
)
def test_an_impossible_date_names_the_file_line_field_and_form(write, value, reason):
    path = write("dated.md", f"---\ntitle: X\nauthor: Y\npublished: {value}\n---\nText.\n")
    with pytest.raises(
        KnowledgeFileError, match=rf"^dated.md:4: front matter published: {reason}"
    ):
        load_file(path, max_bytes=MAX_BYTES)


@pytest.mark.parametrize(
    ("value", "published"),
    [("2025-11-18", "2025-11-18"), ("2025-11-18T23:30:00+01:00", "2025-11-18"), ("", None)],
)
def test_a_date_with_a_time_is_that_day(write, value, published):
    path = write("dated.md", f"---\ntitle: X\npublished: {value}\n---\nText.\n")
    day = load_file(path, max_bytes=MAX_BYTES).meta.published
    assert (day.isoformat() if day else None) == published


@pytest.mark.parametrize(
    ("front", "reason"),
    [
        ("title: [a, b]", r"^t.md:2: front matter title: must be one line of text, not a list$"),
        ("title: {a: b}", r"front matter title: must be one line of text, not a key: value map"),
        ("title: " + "x" * 400, r"front matter title: 400 characters is too long: at most 300"),
        ("source: [http://x.y]", r"^t.md:2: front matter source: must be an http:// or https://"),
        ("1: one", r"^t.md:2: front matter key 1 is not a name"),
        ("tags: !!binary aGk=", r"^t.md:2: front matter holds a bytes"),
    ],
)
def test_front_matter_of_the_wrong_shape_says_which_field_and_what_it_wants(write, front, reason):
    path = write("t.md", f"---\n{front}\n---\nText.\n")
    with pytest.raises(KnowledgeFileError, match=reason):
        load_file(path, max_bytes=MAX_BYTES)


def test_a_number_is_a_title_and_an_empty_title_falls_back_to_the_heading(write):
    assert load_file(
        write("a.md", "---\ntitle: 1984\n---\nText.\n"), max_bytes=MAX_BYTES
    ).title == ("1984")
    empty = write("b.md", "---\ntitle:\n---\n# The heading\n\nText.\n")
    assert load_file(empty, max_bytes=MAX_BYTES).title == "The heading"


@pytest.mark.parametrize("footer", ["www.example.org/ferry", "https://example.org/" + "x" * 2_100])
def test_a_footer_link_no_citation_can_carry_is_left_out_not_a_crash(write, footer):
    path = write("note.txt", f"Ferry news\n\nThe ferry leaves at noon every day.\n\n{footer}\n")
    document = load_file(path, max_bytes=MAX_BYTES)
    assert document.meta.source is None
    assert document.paragraphs[0].sentences == ("The ferry leaves at noon every day.",)
