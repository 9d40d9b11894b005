"""Undo the damage of text exported from PDFs and web pages.

Raw exports wrap lines mid-sentence, break pages in the middle of a sentence with a URL
footer, repeat page headers ("30 YEARS"), leave photo captions on their own line and indent
lines at random. This module turns such text into headings and paragraphs of whole sentences,
and keeps what the furniture says about the document (its source link, its headline).

It works on layout evidence only: line lengths, indentation, blank lines and punctuation.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from bot.core.lexicon import STOP_WORDS

_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.IGNORECASE)
_ENDS_SENTENCE = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*$")
_ENDS_CLAUSE = re.compile(r"[.!?\u2026:;,][\"'\u201d\u2019)\]]*$")
_MAX_HEADING_WORDS = 10
_MAX_TITLE_WORDS = 20
_SHORT_LINE = 0.7  # of the text's usual line width: a shorter line that ends a sentence ends
# its paragraph too


@dataclass
class Block:
    """A heading or a paragraph of cleaned text, with the line it starts on."""

    text: str
    line: int
    heading: bool = False


@dataclass
class _Run:
    """Consecutive raw lines that belong together on the page."""

    lines: list[str]
    line: int
    indented: bool
    attached: bool  # no blank line before it

    @property
    def single(self) -> bool:
        return len(self.lines) == 1


@dataclass
class CleanText:
    """What cleaning recovered from a raw export."""

    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    source: str | None = None


def _furniture(lines: list[str]) -> set[int]:
    """Indices of lines that are page furniture: page numbers, headers, repeated running lines."""
    counts = Counter(s for s in (ln.strip() for ln in lines) if s and len(s) <= 80)
    drop = set()
    for i, raw in enumerate(lines):
        s = raw.strip()
        if not s:
            continue
        shouty = any(c.isalpha() for c in s) and not any(c.islower() for c in s)
        running = counts[s] >= 3 and not _ENDS_SENTENCE.search(s)  # a header, not a refrain
        if _PAGE_NUMBER.match(s) or (shouty and len(s.split()) <= 6) or running:
            drop.add(i)
    return drop


def _usual_width(lines: list[str]) -> int:
    lengths = sorted(len(s) for s in (ln.strip() for ln in lines) if s)
    return lengths[(len(lengths) * 3) // 4] if lengths else 0


def _runs(lines: list[str]) -> tuple[list[_Run], str | None]:
    """Group lines into runs, dropping furniture; returns the runs and the first URL seen."""
    dropped, width = _furniture(lines), _usual_width(lines)
    runs: list[_Run] = []
    source = None
    current: _Run | None = None
    blank = True
    for i, raw in enumerate(lines):
        s = raw.strip()
        if _URL_LINE.match(s):
            source = source or s
            continue  # a footer link: the sentence around it carries on
        if i in dropped:
            continue
        if not s:
            current, blank = None, True
            continue
        indented = raw[:1].isspace()
        if current is None or indented:
            current = _Run([s], i + 1, indented, attached=not blank and bool(runs))
            runs.append(current)
        else:
            current.lines.append(s)
        blank = False
        if len(s) < width * _SHORT_LINE and _ENDS_SENTENCE.search(s):
            current = None
    return runs, source


def _join(left: str, right: str, vocabulary: set[str]) -> str:
    """Join two pieces of one sentence, mending a word hyphenated across the break."""
    if left.endswith("-") and right[:1].islower() and left[-2:-1].isalpha():
        head = left.rsplit(None, 1)[-1][:-1]
        tail = right.split(None, 1)[0]
        whole = (head + tail).lower().strip(".,;:!?")
        return left[:-1] + right if whole in vocabulary else left + right
    return f"{left} {right}"


def _join_lines(lines: list[str], vocabulary: set[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        text = _join(text, line, vocabulary)
    return text


def _last_word(text: str) -> str:
    words = text.split()
    return words[-1].lower() if words else ""


def _is_heading(run: _Run, text: str) -> bool:
    words = text.split()
    return (
        run.single
        and len(words) <= _MAX_HEADING_WORDS
        and text[:1].isupper()
        and not _ENDS_CLAUSE.search(text)
        and _last_word(text) not in STOP_WORDS
    )


def _is_caption(run: _Run, following: _Run | None) -> bool:
    """A one-line indented text box glued to the next indented box: a photo caption."""
    return (
        run.single
        and run.indented
        and following is not None
        and following.attached
        and following.indented
        and bool(_ENDS_SENTENCE.search(run.lines[0]))
    )


def _continues(previous: Block, text: str) -> bool:
    """Whether ``text`` carries on the sentence that ``previous`` left unfinished."""
    if previous.heading or _ENDS_SENTENCE.search(previous.text):
        return False
    return (
        text[:1].islower()
        or _last_word(previous.text) in STOP_WORDS
        or previous.text[-1] in ",;:-"
    )


def clean_export(text: str) -> CleanText:
    """Recover headings and whole-sentence paragraphs from a raw text export."""
    lines = text.replace("\t", " ").replace("\u00a0", " ").splitlines()
    runs, source = _runs(lines)
    vocabulary = {w.lower().strip(".,;:!?\"'()") for ln in lines for w in ln.split()}
    result = CleanText(source=source)
    for index, run in enumerate(runs):
        following = runs[index + 1] if index + 1 < len(runs) else None
        if _is_caption(run, following):
            continue
        body = _join_lines(run.lines, vocabulary)
        previous = result.blocks[-1] if result.blocks else None
        if previous is not None and _continues(previous, body):
            previous.text = _join(previous.text, body, vocabulary)
        else:
            result.blocks.append(Block(body, run.line, heading=_is_heading(run, body)))
    _take_title(result)
    return result


def _take_title(result: CleanText) -> None:
    """A short first block that is not a full-stop sentence is the headline."""
    if len(result.blocks) < 2:
        return
    first = result.blocks[0]
    if len(first.text.split()) <= _MAX_TITLE_WORDS and not first.text.endswith("."):
        result.title = first.text
        del result.blocks[0]
