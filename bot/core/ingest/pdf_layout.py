"""A PDF's pages, as laid out text, turned into one raw text export for ``cleaning``.

pypdf's layout mode prints each page as a grid of characters: columns side by side, the
running header and footer on lines of their own, a blank line where the page leaves a gap.
This module reads that grid with what a PDF tells and a text export does not, the pages:

* two columns are read one after the other, not across;
* bits of one line far apart (a URL footer and its page number) become lines of their own;
* the page margin goes, so only a real indent (a new paragraph, a text box) is left;
* lines at the top or bottom of the pages that are page numbers, links or repeat from page to
  page (a running header, a printed-on date) are page furniture and go;
* the pages are joined without a gap, so a sentence broken by a page break is read whole.

What is left is cleaned like any raw export (wrapped lines, headings, hyphens, captions).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

_GAP = re.compile(r"\s{3,}")  # wider than any word space in layout mode: separate text boxes
_URL = re.compile(r"^(?:https?://|www\.)\S+$")
_PAGE_NUMBER = re.compile(
    r"^[-\u2013(\[]?\s*(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\s*[-\u2013)\]]?$",
    re.IGNORECASE,
)
# A browser's print header starts with when it printed: "3/5/24, 9:41 AM".
_STAMP = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}(?:\s*[AP]M)?\b", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_ENDS_SENTENCE = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*$")
_EDGE = 4  # lines looked at, at the top and at the bottom of a page, for furniture
_MIN_COLUMN_LINES = 6
_LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\u00ad": "",
    }
)
# Control characters are no text: pypdf writes NUL for a glyph whose font maps it to nothing
# (a damaged or exotic font), and the loader refuses text with NULs as binary. Tabs and line
# breaks stay (vertical tab, form feed and \x1c-\x1e break lines, as ``splitlines`` reads them).
_UNPRINTABLE = dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x1C), 0x1F, 0x7F])


def _gutter(lines: Sequence[str]) -> int | None:
    """The column where a two-column page divides, if it is one.

    A gutter is three character columns in the middle half of the page that (almost) no line
    has text in, with text on both sides of it on at least a third of the lines.
    """
    texts = [ln for ln in lines if ln.strip()]
    if len(texts) < _MIN_COLUMN_LINES:
        return None
    width = max(len(ln) for ln in texts)
    used = [0] * (width + 1)
    for line in texts:
        for i, char in enumerate(line):
            if not char.isspace():
                used[i] += 1
    allowed = len(texts) // 20
    for column in range(width // 4, (width * 3) // 4):
        if max(used[column - 1 : column + 2]) > allowed:
            continue
        both = sum(1 for ln in texts if ln[:column].strip() and ln[column:].strip())
        if both * 3 >= len(texts):
            return column + 1
    return None


def _columns(lines: Sequence[str]) -> list[str]:
    """Lines in reading order: each band of two-column lines left column first."""
    gutter = _gutter(lines)
    if gutter is None:
        return list(lines)
    ordered: list[str] = []
    left: list[str] = []
    right: list[str] = []
    for line in lines:
        if line[gutter - 1 : gutter + 1].strip():  # a line across the gutter: full width
            if left:
                ordered += [*_dedent(left), "", *_dedent(right), ""]
            ordered.append(line)
            left, right = [], []
        else:
            left.append(line[:gutter].rstrip())
            right.append(line[gutter:].rstrip())
    return [*ordered, *_dedent(left), "", *_dedent(right)]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _dedent(lines: Sequence[str]) -> list[str]:
    """Take off the margin (the most common indent), keeping any indent beyond it."""
    indents = Counter(_indent(ln) for ln in lines if ln.strip())
    if not indents:
        return [""] * len(lines)
    margin = indents.most_common(1)[0][0]
    return [ln[min(margin, _indent(ln)) :].rstrip() for ln in lines]


def _boxes(lines: Iterable[str]) -> list[str]:
    """Split lines at wide gaps: each bit is a text box of its own, set off by blank lines."""
    out: list[str] = []
    for line in lines:
        indent = line[: _indent(line)]
        parts = _GAP.split(line.strip())
        if len(parts) == 1:
            out.append(line)
            continue
        for part in parts:
            out += ["", indent + part]
        out.append("")
    return out


def page_lines(text: str) -> list[str]:
    """One page of layout text as lines of a raw export, in reading order, margin removed."""
    lines = text.translate(_LIGATURES).translate(_UNPRINTABLE).expandtabs().splitlines()
    return _dedent(_boxes(_columns(lines)))


def _key(line: str, page: int) -> str:
    """A line as a running header repeats it: the same, but for the page's own number.

    ("Gazette, page 4" on page 4 is ``gazette, page #``; "Day 4" on page 2 stays itself, so
    numbered headings in the text are not taken for a running header.)
    """
    text = " ".join(line.split()).lower()
    if str(page) in _DIGITS.findall(text):
        return _DIGITS.sub("#", text)
    return text


def _edges(lines: Sequence[str]) -> list[int]:
    """Indices of the first and last few non-blank lines of a page."""
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    return filled[:_EDGE] + filled[-_EDGE:]


def _is_furniture(line: str, page: int, running: set[str]) -> bool:
    return bool(
        _PAGE_NUMBER.match(line)
        or _URL.match(line)
        or _STAMP.match(line)
        or (_key(line, page) in running and not _ENDS_SENTENCE.search(line))  # not a refrain
    )


def _peel(lines: list[str], page: int, running: set[str], order: Iterable[int]) -> None:
    """Blank out furniture lines from one edge of the page, stopping at the first text line."""
    for i in order:
        line = lines[i].strip()
        if not line:
            continue
        if not _is_furniture(line, page, running):
            return
        lines[i] = ""


def _trim(lines: list[str]) -> list[str]:
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    return lines[filled[0] : filled[-1] + 1] if filled else []


def _runs_on(lines: Sequence[str]) -> bool:
    """Whether a page's text stops mid-sentence, inside a paragraph: the next page goes on.

    A lone last line (a heading, a paragraph's first line) is not run on: the cleaner decides
    from its words whether what follows continues it.
    """
    return (
        len(lines) >= 2
        and bool(lines[-2].strip())
        and not _ENDS_SENTENCE.search(lines[-1].rstrip())
    )


def _furniture(pages: Sequence[list[str]]) -> set[str]:
    """Keys of the lines that stand at the edge of at least two pages and half of them.

    (Half, because odd and even pages may have different running heads.)
    """
    seen = Counter(
        key
        for number, page in enumerate(pages, 1)
        for key in {_key(page[i], number) for i in _edges(page)}
    )
    enough = max(2, len(pages) // 2)
    return {key for key, count in seen.items() if count >= enough}


def join_pages(pages: Sequence[list[str]]) -> tuple[str, str | None]:
    """Drop page furniture at the pages' edges and join them; also the first footer link seen.

    A page that stops mid-sentence is joined to the next line to line, as if no page break
    were there; otherwise a blank line keeps its last paragraph or heading apart.
    """
    running = _furniture(pages)
    source = None
    kept: list[str] = []
    for number, page in enumerate(pages, 1):
        lines = list(page)
        source = source or next(
            (s for s in (lines[i].strip() for i in _edges(lines)) if _URL.match(s)), None
        )
        filled = [i for i, ln in enumerate(lines) if ln.strip()]
        _peel(lines, number, running, filled[:_EDGE])
        _peel(lines, number, running, reversed(filled[-_EDGE:]))
        text = _trim(lines)
        if kept and text and not _runs_on(kept):
            kept.append("")
        kept += text
    return "\n".join(kept) + "\n", source
