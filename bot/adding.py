"""A briefing from a link or a file, made into a knowledge file (``/add``, ``python -m bot add``).

A web page becomes a Markdown file whose front matter holds what the page said of itself
(title, publisher, canonical link, date) and whose body is its article (``extract_html``). A
PDF is read as the loader reads one, then written out the same way, with the link it came from
as its source. A Markdown or text file is taken as it is. Whatever was fetched or sent is kept
beside the knowledge file, in the hidden ``.originals`` folder (never read as knowledge), so a
better extractor can redo it later. Nothing here reloads: the caller does, all or nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from email.message import Message
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bot.core import (
    KNOWN_SUFFIXES,
    BriefingBotError,
    ExtractedPage,
    KnowledgeFileError,
    extract_html,
    load_file,
)
from bot.fetch import Fetched, fetch

ORIGINALS = ".originals"
_SLUG = re.compile(r"[^a-z0-9]+")
_MAX_SLUG = 60

Fetcher = Callable[..., Fetched]


class AddError(BriefingBotError):
    """A link or file that cannot be added; the message is one line."""


@dataclass(frozen=True)
class Prepared:
    """A knowledge file ready to write, and the original it was made from."""

    name: str  # the knowledge file, e.g. "after-military-defeat.md"
    data: bytes
    title: str
    original_name: str | None = None  # under ``ORIGINALS``; None when the file is its original
    original: bytes = b""


def slug(text: str) -> str:
    """A plain file name stem from a title or a link: lower case, dashes, at most 60 long."""
    stem = _SLUG.sub("-", text.lower()).strip("-")[:_MAX_SLUG].strip("-")
    return stem or "briefing"


def _charset(content_type: str) -> str | None:
    header = Message()
    header["content-type"] = content_type
    value = header.get_param("charset")
    return value if isinstance(value, str) else None


def _kind(data: bytes, content_type: str, name: str) -> str:
    """The format of ``data``: "pdf", "html", or a text format's suffix (".md", ".txt")."""
    suffix = Path(name).suffix.lower()
    media = content_type.split(";", 1)[0].strip().lower()
    if data.startswith(b"%PDF-") or media == "application/pdf" or suffix == ".pdf":
        return "pdf"
    if media in ("text/html", "application/xhtml+xml") or suffix in (".html", ".htm"):
        return "html"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if suffix in KNOWN_SUFFIXES:
        return suffix
    if media in ("text/plain", "text/markdown"):
        return ".md" if media == "text/markdown" else ".txt"
    raise AddError(f"{name or 'the link'}: not a web page, PDF, Markdown or text file ({media})")


@dataclass(frozen=True)
class Known:
    """What a feed said of an entry: its date wins over the page's, its title fills a gap."""

    published: dt.date | None = None
    title: str | None = None

    def apply(self, page: ExtractedPage) -> ExtractedPage:
        """``page`` with the feed's date, and its title where the page named none."""
        return replace(
            page,
            published=self.published or page.published,
            title=page.title or self.title,
        )


def _page(data: bytes, url: str | None, content_type: str, known: Known) -> Prepared:
    page = known.apply(extract_html(data, url, charset=_charset(content_type)))
    title = page.title or (urlsplit(url).path.rsplit("/", 1)[-1] if url else "") or "briefing"
    stem = slug(page.title or _link_stem(url) or title)
    return Prepared(f"{stem}.md", page.markdown_file().encode(), title, f"{stem}.html", data)


def _pdf(data: bytes, url: str | None, name: str, max_bytes: int, known: Known) -> Prepared:
    """Read the PDF as the loader would, then write it out as Markdown with its source."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / (Path(name).stem + ".pdf" if name else "briefing.pdf")
        path.write_bytes(data)
        document = load_file(path, max_bytes=max_bytes)
    meta = document.meta
    lines = [f"# {meta.title}"]
    section: str | None = None
    for paragraph in document.paragraphs:
        if paragraph.section and paragraph.section != section:
            section = paragraph.section
            lines += ["", f"## {section}"]
        lines += ["", " ".join(paragraph.sentences)]
    page = known.apply(
        ExtractedPage(
            title=meta.title,
            publisher=meta.publisher,
            published=meta.published,
            source=meta.source or url,
            markdown="\n".join(lines) + "\n",
        )
    )
    title = page.title or meta.title
    stem = slug(title or _link_stem(url) or Path(name).stem)
    return Prepared(f"{stem}.md", page.markdown_file().encode(), title, f"{stem}.pdf", data)


def _link_stem(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    return Path(last).stem or parts.hostname or ""


def prepare(
    data: bytes,
    *,
    max_bytes: int,
    url: str | None = None,
    content_type: str = "",
    name: str = "",
    known: Known | None = None,
) -> Prepared:
    """Make ``data`` (fetched from ``url``, or a file called ``name``) into a knowledge file.

    ``known`` is what a feed said of it, written into a page's or PDF's front matter.
    """
    known = known or Known()
    if len(data) > max_bytes:
        raise AddError(f"{name or url}: {len(data):,} bytes is over the {max_bytes:,}-byte limit")
    kind = _kind(data, content_type, name or (urlsplit(url).path if url else ""))
    where = url or name or "the file"
    try:
        if kind == "html":
            return _page(data, url, content_type, known)
        if kind == "pdf":
            return _pdf(data, url, name or _link_stem(url), max_bytes, known)
    except KnowledgeFileError as exc:  # it names the scratch copy the loader read, not ``where``
        line = f":{exc.line}" if exc.line is not None else ""
        raise AddError(f"{where}{line}: {exc.reason}") from None
    except BriefingBotError as exc:
        raise AddError(f"{where}: {exc}") from None
    stem = slug(Path(name).stem if name else _link_stem(url))
    return Prepared(f"{stem}{kind}", data, stem)


def prepare_link(
    url: str,
    *,
    max_bytes: int,
    allow_private: bool = False,
    fetcher: Fetcher = fetch,
    known: Known | None = None,
) -> Prepared:
    """Fetch ``url`` (see ``bot.fetch``) and make it into a knowledge file."""
    fetched = fetcher(url, max_bytes=max_bytes, allow_private=allow_private)
    return prepare(
        fetched.data,
        max_bytes=max_bytes,
        url=fetched.url,
        content_type=fetched.content_type,
        known=known,
    )


def prepare_file(path: Path, *, max_bytes: int) -> Prepared:
    """Make a local file into a knowledge file."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise AddError(f"{path}: {size:,} bytes is over the {max_bytes:,}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise AddError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return prepare(data, max_bytes=max_bytes, name=path.name)


def check_alone(name: str, data: bytes, *, max_bytes: int) -> None:
    """Load ``data`` as the file ``name``, alone in a scratch directory, or raise why not.

    An upload or a feed's entry is checked so before it is written: a bad file never enters
    the knowledge directory, let alone the index.
    """
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / name
        path.write_bytes(data)
        load_file(path, max_bytes=max_bytes)


def unused_name(directory: Path, prepared: Prepared) -> Prepared:
    """``prepared`` under a name no other file of ``directory`` uses ("x.md", then "x-2.md").

    The same content again keeps its name, so adding a page twice changes nothing.
    """
    stem, suffix = Path(prepared.name).stem, Path(prepared.name).suffix
    for number in range(1, 1000):
        name = f"{stem}{'' if number == 1 else f'-{number}'}{suffix}"
        target = directory / name
        same = target.is_file() and _digest(target.read_bytes()) == _digest(prepared.data)
        if not target.exists() or same:
            original = prepared.original_name
            if original and number > 1:
                original = f"{Path(name).stem}{Path(original).suffix}"
            return Prepared(name, prepared.data, prepared.title, original, prepared.original)
    raise AddError(f"{directory}: too many files named {stem}")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def keep_original(directory: Path, prepared: Prepared) -> Path | None:
    """Write the original beside the knowledge file, in ``ORIGINALS``; where it went."""
    if prepared.original_name is None:
        return None
    folder = directory / ORIGINALS
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / prepared.original_name
    target.write_bytes(prepared.original)
    return target
