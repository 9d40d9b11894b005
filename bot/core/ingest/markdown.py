"""Markdown knowledge files: YAML front matter, ``#`` title, ``##`` sections, paragraphs.

Parsing is left to markdown-it-py (CommonMark), so emphasis, links, lists and block quotes
come out as the plain text a reader sees; code blocks and raw HTML are not prose and are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.core.ingest.cleaning import Block

_FENCE = "---"
MAX_VALUES = 1_000  # values in all of a file's front matter, lists and maps included
MAX_DEPTH = 10  # lists and maps inside each other


class FrontMatterError(ValueError):
    """Front matter that cannot be read, with the 1-based line of the file where it fails."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.line = line


@dataclass(frozen=True)
class FrontMatter:
    """The front matter's keys and values, and the line each key is on (for error messages)."""

    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        """The line ``key`` is written on, else the front matter's first line."""
        return self.lines.get(key, 2)


@dataclass
class MarkdownText:
    """The parts of a Markdown file the knowledge loader needs."""

    meta: FrontMatter
    title: str | None
    blocks: list[Block]


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, less its timestamps: ``published: 2025-02-30`` stays the text written.

    PyYAML turns anything shaped like a date into one while parsing and raises a bare
    ``ValueError`` for an impossible one, before anyone can say which field it was. As text,
    every date goes through ``DocumentMeta``, which names the field and the form it wants.
    """


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_KEY_LINE = re.compile(r"^([^\s#:'\"][^:]*?)\s*:(?:\s|$)")


def _key_lines(lines: Sequence[str], first: int) -> dict[str, int]:
    """Each top-level key's line in the file, so an error can point at the field it is about."""
    found: dict[str, int] = {}
    for number, line in enumerate(lines, start=first):
        match = _KEY_LINE.match(line)
        if match:
            found.setdefault(match.group(1), number)
    return found


def _check_plain(value: object, line: int, *, budget: list[int], depth: int = 0) -> None:
    """Refuse what YAML can build but JSON (the index cache) and people cannot read back.

    Front matter is a few lines of text, numbers and lists, so anything else is a mistake or
    a trap: a value that refers to itself (``&a [*a]``), aliases nested into millions of
    values, binary data, sets, keys that are not names.
    """
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise FrontMatterError(
            f"front matter is too large or too deeply nested (at most {MAX_VALUES:,} values,"
            f" {MAX_DEPTH} levels)",
            line,
        )
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise FrontMatterError(
                    f"front matter key {key!r} is not a name: write keys as words (title: ...)",
                    line,
                )
            _check_plain(item, line, budget=budget, depth=depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_plain(item, line, budget=budget, depth=depth + 1)
    elif value is not None and not isinstance(value, str | int | float | dt.date):  # bool: int
        kind = type(value).__name__
        raise FrontMatterError(
            f"front matter holds a {kind}: write text, numbers, lists or key: value lines", line
        )


def split_front_matter(text: str) -> tuple[FrontMatter, str, int]:
    """Return the front matter, the body, and the body's first line number (1-based)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != _FENCE:
        return FrontMatter(), text, 1
    for end in range(1, len(lines)):
        if lines[end].strip() in (_FENCE, "..."):
            break
    else:
        raise FrontMatterError("front matter opened with --- is never closed", 1)
    try:
        data = yaml.load("".join(lines[1:end]), Loader=_FrontMatterLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(f"front matter is not valid YAML: {problem}", line) from None
    except ValueError as exc:  # an integer past Python's 4,300-digit limit for int("...")
        raise FrontMatterError(f"front matter is not valid YAML: {exc}", 2) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError("front matter must be a list of key: value lines", 2)
    meta = FrontMatter(values=data, lines=_key_lines(lines[1:end], 2))
    budget = [MAX_VALUES]
    for key, value in data.items():
        _check_plain({key: value}, meta.line_of(str(key)), budget=budget)
    return meta, "".join(lines[end + 1 :]), end + 2


def _plain(inline: Token) -> str:
    """The text a reader sees in an inline token: markup gone, line breaks as spaces."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def parse_markdown(text: str, *, front_matter: bool = True) -> MarkdownText:
    """Parse a Markdown knowledge file into metadata, title and blocks.

    ``front_matter=False`` reads Markdown made from a web page, where a first ``---`` is a
    rule in the article, not the start of metadata.
    """
    meta, body, offset = split_front_matter(text) if front_matter else (FrontMatter(), text, 1)
    tokens = MarkdownIt("commonmark").parse(body)
    title: str | None = None
    blocks: list[Block] = []
    heading_level = 0
    for token in tokens:
        if token.type == "heading_open":
            heading_level = int(token.tag[1:])
            continue
        if token.type != "inline":
            continue
        content = _plain(token)
        line = offset + (token.map[0] if token.map else 0)
        if content and heading_level == 1 and title is None:
            title = content
        elif content:
            blocks.append(Block(content, line, heading=heading_level > 1))
        heading_level = 0
    return MarkdownText(meta=meta, title=title, blocks=blocks)
