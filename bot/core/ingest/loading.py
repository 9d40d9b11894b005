"""Load a knowledge directory into documents, all or nothing.

Every file is read and checked before anything is served: one bad file fails the whole load
with a report naming every problem, so the bot never answers from a half-loaded directory.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from bot.core.errors import KnowledgeDirectoryError, KnowledgeFileError
from bot.core.ingest.cleaning import Block, clean_export
from bot.core.ingest.documents import Document, DocumentMeta, KnowledgeBase, Paragraph
from bot.core.ingest.markdown import FrontMatterError, parse_markdown
from bot.core.ingest.splitting import split_sentences

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
TEXT_SUFFIXES = frozenset({".txt"})
KNOWN_SUFFIXES = MARKDOWN_SUFFIXES | TEXT_SUFFIXES
_ORDER_PREFIX = re.compile(r"^\d+[_\-\s.]+(?=\S)")


def title_from_name(path: Path) -> str:
    """A readable title from a file name: ``01_Super_Bowl_50.txt`` -> ``Super Bowl 50``."""
    stem = _ORDER_PREFIX.sub("", path.stem)
    return " ".join(stem.replace("_", " ").split()) or path.stem


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data:
        raise KnowledgeFileError(path, "binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        raise KnowledgeFileError(path, f"not UTF-8 text (byte 0x{byte:02x})", line) from None


def _paragraphs(blocks: Iterable[Block]) -> tuple[Paragraph, ...]:
    section: str | None = None
    paragraphs = []
    for block in blocks:
        if block.heading:
            section = block.text
            continue
        sentences = tuple(split_sentences(block.text))
        if sentences:
            paragraphs.append(Paragraph(sentences, section, block.line))
    return tuple(paragraphs)


def _meta(path: Path, raw: dict[str, object], line: int) -> DocumentMeta:
    try:
        return DocumentMeta.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "front matter"
        raise KnowledgeFileError(path, f"front matter {field}: {first['msg']}", line) from None


def parse_document(path: Path, text: str, *, name: str, digest: str) -> Document:
    """Turn a file's text into a document; ``name`` is the path shown in citations."""
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        try:
            parsed = parse_markdown(text)
        except FrontMatterError as exc:
            raise KnowledgeFileError(name, str(exc), exc.line) from None
        raw = dict(parsed.meta)
        raw.setdefault("title", parsed.title or title_from_name(path))
        meta = _meta(Path(name), raw, 2)
        blocks = parsed.blocks
    else:
        cleaned = clean_export(text)
        meta = DocumentMeta(title=cleaned.title or title_from_name(path), source=cleaned.source)
        blocks = cleaned.blocks
    paragraphs = _paragraphs(blocks)
    if not paragraphs:
        raise KnowledgeFileError(name, "empty: no sentences to index")
    return Document(path=name, meta=meta, paragraphs=paragraphs, digest=digest)


def load_file(path: Path, *, root: Path | None = None, max_bytes: int) -> Document:
    """Read and parse one knowledge file, or raise ``KnowledgeFileError`` saying why not."""
    name = str(path.relative_to(root)) if root is not None else path.name
    if path.suffix.lower() not in KNOWN_SUFFIXES:
        known = ", ".join(sorted(KNOWN_SUFFIXES))
        raise KnowledgeFileError(
            name, f"unknown extension {path.suffix or '(none)'!r}; use {known}"
        )
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise KnowledgeFileError(name, f"{size:,} bytes is over the {max_bytes:,}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise KnowledgeFileError(name, f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise KnowledgeFileError(name, "empty file")
    text = _decode(Path(name), data)
    digest = hashlib.sha256(data).hexdigest()
    return parse_document(path, text, name=name, digest=digest)


def knowledge_files(directory: Path) -> list[Path]:
    """Files a knowledge directory holds, hidden ones (and those in hidden folders) aside."""
    found = []
    for path in sorted(directory.rglob("*")):
        parts = path.relative_to(directory).parts
        if path.is_file() and not any(p.startswith(".") for p in parts):
            found.append(path)
    return found


def read_documents(directory: Path, *, max_bytes: int) -> tuple[list[Document], list[str]]:
    """Load every file of an existing ``directory``, keeping each problem instead of raising.

    Shared by ``load_knowledge`` (all or nothing) and ``check`` (which reports both halves).
    """
    files = knowledge_files(directory)
    if not files:
        known = ", ".join(sorted(KNOWN_SUFFIXES))
        return [], [f"no knowledge files ({known})"]
    documents, problems = [], []
    for path in files:
        try:
            documents.append(load_file(path, root=directory, max_bytes=max_bytes))
        except KnowledgeFileError as exc:
            problems.append(str(exc))
    return documents, problems


def load_knowledge(directory: Path, *, max_bytes: int) -> KnowledgeBase:
    """Load every file of ``directory``; raise ``KnowledgeDirectoryError`` listing all problems."""
    if not directory.is_dir():
        raise KnowledgeDirectoryError(directory, ["not a directory (or does not exist)"])
    documents, problems = read_documents(directory, max_bytes=max_bytes)
    if problems:
        raise KnowledgeDirectoryError(directory, problems)
    return KnowledgeBase(directory=directory, documents=tuple(documents))
