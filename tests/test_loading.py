import pytest

from bot.core import KnowledgeDirectoryError, KnowledgeFileError
from bot.core.ingest.loading import load_file, load_knowledge, title_from_name
from tests.conftest import MAX_BYTES, REPO_KNOWLEDGE

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
        ("notes.pdf", b"%PDF", "unknown extension", None),
        ("broken.md", "---\ntitle: [x\n---\nText.\n", "not valid YAML", 3),
        ("badlink.md", "---\ntitle: X\nsource: ftp://x\n---\nText.\n", "source", 2),
        ("baddate.md", "---\ntitle: X\npublished: someday\n---\nText.\n", "published", 2),
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
