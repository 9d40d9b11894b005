"""Markdown knowledge files: YAML front matter, ``#`` title, ``##`` sections, paragraphs.

Parsing is left to markdown-it-py (CommonMark), so emphasis, links, lists and block quotes
come out as the plain text a reader sees; code blocks and raw HTML are not prose and are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.core.ingest.cleaning import Block

_FENCE = "---"


class FrontMatterError(ValueError):
    """Front matter that cannot be read, with the 1-based line of the file where it fails."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.line = line


@dataclass
class MarkdownText:
    """The parts of a Markdown file the knowledge loader needs."""

    meta: dict[str, Any]
    title: str | None
    blocks: list[Block]


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int]:
    """Return the front matter mapping, the body, and the body's first line number (1-based)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != _FENCE:
        return {}, text, 1
    for end in range(1, len(lines)):
        if lines[end].strip() in (_FENCE, "..."):
            break
    else:
        raise FrontMatterError("front matter opened with --- is never closed", 1)
    try:
        data = yaml.safe_load("".join(lines[1:end]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(f"front matter is not valid YAML: {problem}", line) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError("front matter must be a list of key: value lines", 2)
    return data, "".join(lines[end + 1 :]), end + 2


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
    meta, body, offset = split_front_matter(text) if front_matter else ({}, text, 1)
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
