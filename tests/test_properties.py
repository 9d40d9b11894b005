"""Arbitrary text never crashes loading or answering; bad files fail as one clean line."""

import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import Answerer, BriefingBotError, KnowledgeFileError, QuestionError
from bot.core.analysis.terms import term_spans, tokenize
from bot.core.ingest.loading import load_file, load_knowledge
from bot.core.ingest.splitting import split_sentences
from bot.core.search import serialise

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400) | st.lists(
    st.sampled_from(
        [
            "Dec.",
            "U.S.",
            "2,000",
            "3.5",
            "\u201c",
            "\u201d",
            "...",
            "-\n",
            "\n\n",
            " ",
            "Word",
            "word.",
            "https://x.y/z",
            "30 YEARS",
            "---",
            "# T",
            "## S",
        ]
    ),
    max_size=60,
).map("".join)


@given(TEXT)
def test_splitting_keeps_every_word(text):
    assert " ".join(split_sentences(text)).split() == text.split()


@given(TEXT, TEXT)
def test_term_spans_lie_inside_the_text(text, question):
    for start, end in term_spans(text, set(tokenize(question))):
        assert 0 <= start < end <= len(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=TEXT, suffix=st.sampled_from([".md", ".txt"]), question=TEXT)
def test_any_file_loads_or_fails_cleanly_and_any_question_is_answered_or_refused(
    content, suffix, question
):
    root = Path(tempfile.mkdtemp())
    try:
        (root / f"doc{suffix}").write_text(content, encoding="utf-8")
        try:
            base = load_knowledge(root, max_bytes=1_000_000)
        except BriefingBotError:
            return
        try:
            answer = Answerer(base).ask(question)
        except QuestionError:
            assert not question.strip() or len(question) > 1000
            return
        for match in answer.matches:
            assert match.text in {
                s for d in base.documents for p in d.paragraphs for s in p.sentences
            }
    finally:
        shutil.rmtree(root)


# --- Front matter and encodings: every file loads, or fails as one KnowledgeFileError ---------
FIELDS = ["title", "publisher", "source", "published", "tags", "author"]
# Days as people mistype them: impossible dates, out-of-range months, words, times, zones.
DAYS = st.builds(
    "{}-{:02d}-{:02d}".format,
    st.integers(0, 10_000),
    st.integers(0, 99),
    st.integers(0, 99),
) | st.sampled_from(
    [
        "2025-02-30",
        "2025-13-45",
        "2025-11-18T10:30:00Z",
        "2025-11-18 10:30",
        "next tuesday",
        "18/11/2025",
        "2025",
        "20251118",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=40)
    | DAYS
    | st.text(alphabet="ab \n", min_size=300, max_size=3_000)  # longer than any title may be
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
# What YAML itself can say that plain dumping never writes.
RAW_YAML = st.sampled_from(
    [
        "2025-02-30",
        "!!timestamp 2025-02-30",
        "!!timestamp 2025-11-18",
        "&a [*a]",
        "&a {x: *a}",
        "!!binary aGVsbG8=",
        "!!set {a, b}",
        "!!python/object/apply:os.system [true]",
        "1" * 5_000,
        "[unclosed",
        "{a: [b, {c: d}]}",
        "? [a, b]\n  : c",
        ".nan",
        "-.inf",
        "|\n  two\n  lines",
        '"\\ud800"',
    ]
)
BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join(['*' + before] * 9)}]\n"
    for before, name in zip("abcdefgh", "bcdefghi", strict=False)
)


def _front_matter(values: dict[str, object], raw: dict[str, str]) -> str:
    lines = yaml.safe_dump(values, allow_unicode=True) if values else ""
    lines += "".join(f"{key}: {text}\n" for key, text in raw.items())
    return f"---\n{lines}---\n# Heading\n\nThe ferry leaves at noon.\n"


def _loads_or_fails_cleanly(path: Path) -> None:
    """Load ``path``: a document the index cache can store, or one line naming the file."""
    try:
        document = load_file(path, root=path.parent, max_bytes=1_000_000)
    except KnowledgeFileError as exc:
        message = str(exc)
        assert message.startswith(f"{path.name}"), message
        assert "\n" not in message
        assert message.count(path.name) == 1, message
        if "front matter" in message:  # the line of the field, then what is wanted
            assert re.match(rf"^{re.escape(path.name)}:\d+: front matter ", message), message
        return
    dumped = json.dumps(serialise._tagged(document.meta.model_dump()))
    assert document.meta.title
    assert len(dumped) < 1_000_000


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    values=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=4),
    raw=st.dictionaries(
        st.sampled_from(["x", "published", "title", "extra"]), RAW_YAML, max_size=2
    ),
)
def test_any_front_matter_loads_or_fails_as_one_line_naming_the_file(write, values, raw):
    _loads_or_fails_cleanly(write("note.md", _front_matter(values, raw)))


def test_aliases_that_expand_to_millions_are_refused_not_followed(write):
    path = write("laughs.md", f"---\ntitle: T\n{BILLION_LAUGHS}---\nThe ferry leaves.\n")
    with pytest.raises(KnowledgeFileError, match="too large or too deeply nested"):
        load_file(path, max_bytes=1_000_000)


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1"]
ENCODINGS_MARKED = ("utf-8", "utf-8-sig", "utf-16", "utf-32")  # certain: no guess involved


def _outcome(path: Path) -> tuple[object, str | None]:
    """The paragraphs ``path`` loads as, or the one-line reason it does not load."""
    try:
        return load_file(path, max_bytes=1_000_000).paragraphs, None
    except KnowledgeFileError as exc:
        return None, str(exc)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    content=TEXT | st.text(max_size=200),
    encoding=st.sampled_from(ENCODINGS),
    suffix=st.sampled_from([".md", ".txt"]),
)
def test_any_encoding_reads_as_utf8_would_or_fails_cleanly(write, content, encoding, suffix):
    try:
        data = content.encode(encoding)
    except UnicodeEncodeError:  # Latin-1 cannot write it at all: nobody's file
        return
    expected, _ = _outcome(write(f"utf8{suffix}", content.encode("utf-8")))
    got, error = _outcome(write(f"other{suffix}", data))
    if error is not None:
        assert error.startswith(f"other{suffix}")
        assert "\n" not in error
        # A byte order mark makes the encoding certain: it reads exactly as UTF-8 does.
        assert expected is None or encoding not in ENCODINGS_MARKED, error
    elif expected is not None:
        assert got == expected
    else:  # UTF-8 refused it as empty: whitespace, which a byte order mark makes non-empty bytes
        assert not content.strip() or "\x00" in content


def test_a_latin1_file_is_refused_saying_to_save_it_as_utf8(write):
    path = write("notes.txt", "The caf\u00e9 opens at noon.\n".encode("latin-1"))
    with pytest.raises(KnowledgeFileError, match=r"^notes.txt:1: not UTF-8 .*save it as UTF-8$"):
        load_file(path, max_bytes=1_000_000)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_a_utf16_file_saved_by_windows_is_read(write, encoding):
    text = "---\ntitle: Caf\u00e9 report\n---\nThe caf\u00e9 opens at noon.\n"
    document = load_file(write("notes.md", text.encode(encoding)), max_bytes=1_000_000)
    assert document.title == "Caf\u00e9 report"
    assert document.paragraphs[0].sentences == ("The caf\u00e9 opens at noon.",)
