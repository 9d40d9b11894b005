"""Cut, corrupted or hostile PDFs and web pages are read or refused in one line, never a crash.

Hypothesis takes the valid PDFs the tests typeset (``valid_pdfs``) and the saved news page,
cuts them at any byte or flips, inserts and deletes bytes, and loads what is left as a
knowledge file (``load_file``, the loader's one way in) and as ``/add`` and ``python -m bot
add`` do (``prepare_file``). Each either gives a document or raises the one error its caller
reports, with a message of one line naming the file once; any other exception fails the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.adding import AddError, prepare_file
from bot.core import Document, KnowledgeFileError
from bot.core.ingest.loading import load_file
from tests.conftest import SAVED_PAGE

LIMIT = 5_000_000
PAGE = SAVED_PAGE.read_bytes()
# Every reason a damaged PDF or page may be refused for: a vague or a new one fails the test.
PDF_REASONS = re.compile(
    r"^(?:damaged PDF, cannot be read \(\w+(?:: .+)?\)"
    r"|not a PDF: it does not start with %PDF"
    r"|PDF needs a library that is not installed \(.+\)"
    r"|no text layer; OCR is not supported"
    r"|encrypted PDF; save a copy without a password"
    r"|empty file$|empty: no sentences to index$)"
)
PAGE_REASONS = re.compile(
    r"^(?:no article text found in the web page$"
    r"|broken web page, cannot be read \(\w+(?:: .+)?\)"
    r"|empty file$|empty: no sentences to index$)"
)
# Bytes that mean something to a PDF or an HTML parser, which random bytes rarely spell.
PDF_TOKENS = [b"<<", b">>", b"[", b"]", b"(", b")", b"/", b" R ", b" obj ", b"endobj", b"stream\n"]
PDF_TOKENS += [b"-1", b"0", b"99999999999999999999", b"/Length", b"/Filter", b"/Kids", b" Tj "]
PAGE_TOKENS = [b"<", b">", b"</div>", b"<div>", b"<!--", b"-->", b"<![CDATA[", b"&", b"&#0;"]
PAGE_TOKENS += [b"<script>", b'"', b"\x00", b"\xff\xfe", b'<meta charset="idna">', b"<?xml ?>"]


def examples(count: int) -> settings:
    """A few seconds' worth: each example parses a file or two (CI's profile fixes the seed)."""
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


@st.composite
def damaged(draw: st.DrawFn, data: bytes, tokens: list[bytes]) -> bytes:
    """``data`` cut at any byte, or with a few bytes flipped, inserted or deleted."""
    if draw(st.booleans()):
        return data[: draw(st.integers(0, len(data)))]
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(out)))
        edit = draw(st.sampled_from(["flip", "insert", "delete"]))
        if edit == "flip" and at < len(out):
            out[at] ^= draw(st.integers(1, 255))
        elif edit == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16) | st.sampled_from(tokens))
        else:
            del out[at : at + draw(st.integers(1, 64))]
    return bytes(out)


def _one_line_naming_it_once(message: str, name: str, reasons: re.Pattern[str]) -> None:
    assert "\n" not in message, message
    assert message.startswith(f"{name}: "), message
    assert message.count(name) == 1, message
    assert reasons.match(message.removeprefix(f"{name}: ")), message


def _loads_or_is_refused(path: Path, reasons: re.Pattern[str]) -> Document | None:
    """The document ``path`` loads as, or ``None`` when it is refused in one line."""
    try:
        document = load_file(path, root=path.parent, max_bytes=LIMIT)
    except KnowledgeFileError as exc:
        _one_line_naming_it_once(str(exc), path.name, reasons)
        return None
    assert document.paragraphs
    return document


def _added_or_is_refused(path: Path, write, reasons: re.Pattern[str]) -> None:
    """``prepare_file`` makes a knowledge file that loads (or says why not), or refuses it."""
    try:
        prepared = prepare_file(path, max_bytes=LIMIT)
    except AddError as exc:
        _one_line_naming_it_once(str(exc), path.name, reasons)
        return
    # What ``add`` does next: the Markdown file it made must load, or be refused in one line.
    _loads_or_is_refused(write(f"made/{prepared.name}", prepared.data), PAGE_REASONS)


@examples(150)
@given(data=st.data())
def test_a_damaged_pdf_loads_or_is_refused_in_one_line(write, valid_pdfs, data):
    kind = data.draw(st.sampled_from(sorted(valid_pdfs)), label="pdf")
    broken = data.draw(damaged(valid_pdfs[kind], PDF_TOKENS), label="bytes")
    _loads_or_is_refused(write("briefing.pdf", broken), PDF_REASONS)


@examples(80)
@given(data=st.data())
def test_a_damaged_pdf_is_added_or_refused_in_one_line(write, valid_pdfs, data):
    kind = data.draw(st.sampled_from(sorted(valid_pdfs)), label="pdf")
    broken = data.draw(damaged(valid_pdfs[kind], PDF_TOKENS), label="bytes")
    _added_or_is_refused(write("briefing.pdf", broken), write, PDF_REASONS)


@examples(150)
@given(broken=damaged(PAGE, PAGE_TOKENS))
@example(broken=PAGE.replace(b'<meta charset="utf-8">', b'<meta charset="rot13">'))
@example(broken=PAGE.replace(b'<meta charset="utf-8">', b'<meta charset="idna">'))
def test_a_damaged_web_page_loads_or_is_refused_in_one_line(write, broken):
    _loads_or_is_refused(write("page.html", broken), PAGE_REASONS)


@examples(80)
@given(broken=damaged(PAGE, PAGE_TOKENS))
@example(broken=PAGE.replace(b'<meta charset="utf-8">', b'<meta charset="undefined">'))
def test_a_damaged_web_page_is_added_or_refused_in_one_line(write, broken):
    _added_or_is_refused(write("page.html", broken), write, PAGE_REASONS)


@pytest.mark.parametrize("size", [0, 1, 4, 5, 9, 100, 1_000, 2_000, 3_000, -30, -6, -1])
def test_a_pdf_cut_short_anywhere_is_refused_or_read(write, valid_pdfs, size):
    """The cuts a failed download or a full disk leaves, at the places that matter most."""
    for kind, pdf in valid_pdfs.items():
        _loads_or_is_refused(write(f"{kind}.pdf", pdf[:size]), PDF_REASONS)


def test_a_glyph_pypdf_reads_as_nul_is_dropped_so_the_added_file_loads(write, valid_pdfs):
    """Hypothesis found it: a NUL in the text made ``add`` write Markdown the loader refuses.

    pypdf writes U+0000 for a glyph its font maps to nothing (here a NUL byte in a string).
    """
    broken = valid_pdfs["uncompressed"].replace(b"(Negotiators", b"(Negoti\x00tors", 1)
    document = _loads_or_is_refused(write("briefing.pdf", broken), PDF_REASONS)
    assert document is not None
    assert "\x00" not in document.paragraphs[0].text
    prepared = prepare_file(write("briefing.pdf", broken), max_bytes=LIMIT)
    assert b"\x00" not in prepared.data
    assert _loads_or_is_refused(write(f"made/{prepared.name}", prepared.data), PAGE_REASONS)
