"""Load a knowledge directory into documents, all or nothing.

Every file is read and checked before anything is served: one bad file fails the whole load
with a report naming every problem, so the bot never answers from a half-loaded directory.
Every format goes the same way (extension, size limit, read, parse, at least one sentence):
Markdown is parsed as such; a text file, and the text of a PDF, are cleaned as raw exports;
a web page's article is extracted as Markdown. Files are only ever read: a PDF or a web page
stays the original, and its text is extracted again at every load that is not cached.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from pydantic import ValidationError

from bot.core.errors import ExtractionError, KnowledgeDirectoryError, KnowledgeFileError
from bot.core.ingest.cleaning import Block, clean_export
from bot.core.ingest.documents import (
    MAX_LINK,
    MAX_NAME,
    SUFFIX_FORMATS,
    Document,
    DocumentMeta,
    KnowledgeBase,
    Paragraph,
    SourceFormat,
)
from bot.core.ingest.markdown import FrontMatter, FrontMatterError, parse_markdown
from bot.core.ingest.pdf import extract_pdf
from bot.core.ingest.splitting import split_sentences
from bot.core.ingest.webpage import extract_html

KNOWN_SUFFIXES = frozenset(SUFFIX_FORMATS)
EXTRACTORS = ("pypdf", "trafilatura")  # the libraries that get the text of PDFs and web pages
WIDE_NULS = 0.5  # share of NUL high bytes that marks UTF-16 without a byte order mark
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_ORDER_PREFIX = re.compile(r"^\d+[_\-\s.]+(?=\S)")


def extractor_versions() -> dict[str, str]:
    """The installed version of each extracting library, for the index cache's key.

    A new version may get other text out of the same PDF or page, so it must rebuild.
    """
    versions = {}
    for name in EXTRACTORS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def title_from_name(path: Path) -> str:
    """A readable title from a file name: ``01_Super_Bowl_50.txt`` -> ``Super Bowl 50``."""
    stem = _ORDER_PREFIX.sub("", path.stem)
    return " ".join(stem.replace("_", " ").split()) or path.stem


def clipped(name: str | None) -> str | None:
    """A title or publisher found in a file (not written by an admin) cut to what fits.

    An admin's own front matter is refused when too long, so they can fix it; what a PDF's
    metadata or a page's markup says is no one's mistake, so it is shortened instead.
    """
    if name is None or len(name) <= MAX_NAME:
        return name
    return name[: MAX_NAME - 1].rstrip() + "\u2026"


def citable(link: str | None) -> str | None:
    """A link found in a file's text as its source, if a citation can carry it.

    Cleaning takes a footer line (``https://...`` or ``www...``) as the source; only an
    http(s) link that fits ``MAX_LINK`` opens from a citation, and a file's text is nobody's
    mistake to refuse it for, so anything else is left out.
    """
    if link is None or len(link) > MAX_LINK or not link.startswith(("http://", "https://")):
        return None
    return link


def _decode(path: Path, data: bytes) -> str:
    """A text file's text: UTF-8 (with or without a byte order mark), or UTF-16 or UTF-32.

    Windows' editors save "Unicode" as UTF-16, which is unambiguous (a byte order mark, or
    a NUL beside every ASCII letter), so it is read rather than refused. Any other encoding
    (Latin-1, windows-1252) cannot be told apart reliably: it is refused, saying how to fix it.
    """
    wide = _wide_encoding(data)
    if wide is not None:
        try:
            text = data.decode(wide)
        except UnicodeDecodeError as exc:
            reason = f"{wide.upper()} text that does not decode ({exc.reason}): save it as UTF-8"
            raise KnowledgeFileError(path, reason) from None
        data_text = text.removeprefix("\ufeff")
    else:
        try:
            data_text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            byte = data[exc.start]
            reason = f"not UTF-8 text (byte 0x{byte:02x}): save it as UTF-8"
            raise KnowledgeFileError(path, reason, line) from None
    if "\x00" in data_text:
        raise KnowledgeFileError(path, "binary file (contains NUL bytes), not text")
    return data_text


def _wide_encoding(data: bytes) -> str | None:
    """``"utf-32"``, ``"utf-16"``, ``"utf-16-le"`` or ``"utf-16-be"`` if ``data`` looks it."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(data) < 2 or len(data) % 2:
        return None
    # No byte order mark: English text in UTF-16 has a NUL as every other byte, on one side.
    # A guess, so it must also read as text: no control characters but line breaks and tabs.
    even, odd = data[0::2], data[1::2]
    for encoding, letters, nuls in (("utf-16-le", even, odd), ("utf-16-be", odd, even)):
        if not letters.count(0) and nuls.count(0) >= len(nuls) * WIDE_NULS:
            text = data.decode(encoding, errors="replace")
            if not _CONTROL.search(text):
                return encoding
    return None


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


def _meta(path: Path, raw: dict[str, object], front: FrontMatter) -> DocumentMeta:
    try:
        return DocumentMeta.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "front matter"
        # A validator's own words ("must be ...") without pydantic's "Value error, " before them.
        error = first.get("ctx", {}).get("error")
        reason = str(error) if isinstance(error, ValueError) else first["msg"]
        line = front.line_of(str(first["loc"][0])) if first["loc"] else front.line_of("")
        raise KnowledgeFileError(path, f"front matter {field}: {reason}", line) from None


def _document(name: str, meta: DocumentMeta, blocks: Iterable[Block], digest: str) -> Document:
    paragraphs = _paragraphs(blocks)
    if not paragraphs:
        raise KnowledgeFileError(name, "empty: no sentences to index")
    return Document(path=name, meta=meta, paragraphs=paragraphs, digest=digest)


def parse_document(path: Path, text: str, *, name: str, digest: str) -> Document:
    """Turn a text file's text (Markdown or a raw export); ``name`` is shown in citations."""
    if SourceFormat.of(path) is SourceFormat.MARKDOWN:
        try:
            parsed = parse_markdown(text)
        except FrontMatterError as exc:
            raise KnowledgeFileError(name, str(exc), exc.line) from None
        raw = dict(parsed.meta.values)
        if raw.get("title") is None:
            raw["title"] = parsed.title or title_from_name(path)
        return _document(name, _meta(Path(name), raw, parsed.meta), parsed.blocks, digest)
    cleaned = clean_export(text)
    title = clipped(cleaned.title or title_from_name(path))
    meta = DocumentMeta(title=title, source=citable(cleaned.source))
    return _document(name, meta, cleaned.blocks, digest)


def _pdf_document(path: Path, data: bytes, *, name: str, digest: str) -> Document:
    """A PDF's text cleaned as a raw export; its metadata's title and date come first."""
    pdf = extract_pdf(data)
    cleaned = clean_export(pdf.text)
    meta = DocumentMeta(
        title=clipped(pdf.title or cleaned.title or title_from_name(path)),
        source=citable(cleaned.source) or pdf.source,
        published=pdf.published,
    )
    return _document(name, meta, cleaned.blocks, digest)


def _html_document(path: Path, data: bytes, *, name: str, digest: str) -> Document:
    """A web page's article, read as Markdown: its headings are the document's sections."""
    page = extract_html(data)
    parsed = parse_markdown(page.markdown, front_matter=False)
    meta = DocumentMeta(
        title=clipped(page.title or parsed.title or title_from_name(path)),
        publisher=clipped(page.publisher),
        source=page.source,
        published=page.published,
    )
    return _document(name, meta, parsed.blocks, digest)


def parse_file(path: Path, data: bytes, *, name: str, digest: str) -> Document:
    """Turn a knowledge file's bytes into a document by its format, or say why not."""
    try:
        if SourceFormat.of(path) is SourceFormat.PDF:
            return _pdf_document(path, data, name=name, digest=digest)
        if SourceFormat.of(path) is SourceFormat.HTML:
            return _html_document(path, data, name=name, digest=digest)
    except ExtractionError as exc:
        raise KnowledgeFileError(name, str(exc)) from None
    return parse_document(path, _decode(Path(name), data), name=name, digest=digest)


def load_file(path: Path, *, root: Path | None = None, max_bytes: int) -> Document:
    """Read and parse one knowledge file, or raise ``KnowledgeFileError`` saying why not.

    The size limit is checked before the file is read, so no parser ever sees a larger one.
    """
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
    if len(data) > max_bytes:  # grew between stat and read
        raise KnowledgeFileError(name, f"{len(data):,} bytes is over the {max_bytes:,}-byte limit")
    if not data.strip():
        raise KnowledgeFileError(name, "empty file")
    digest = hashlib.sha256(data).hexdigest()
    return parse_file(path, data, name=name, digest=digest)


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
