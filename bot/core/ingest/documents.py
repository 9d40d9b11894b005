"""Documents as the loader makes them: metadata, paragraphs of sentences, the whole directory.

Loaded text lives in small slotted dataclasses (a million sentences must stay cheap); what
admins write (front matter) is a validated pydantic model.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePath

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.core.ingest.dates import date_in_link


class SourceFormat(StrEnum):
    """What a knowledge file is, told by its extension, and so how its text was got.

    PDFs and web pages are the originals that admins receive; their text is *extracted*, so a
    better extractor can always get it again from the file, which the loader never changes.
    """

    MARKDOWN = "markdown"
    TEXT = "text"
    PDF = "pdf"
    HTML = "html"

    @property
    def extracted(self) -> bool:
        """Whether the text is extracted from an original (PDF, web page), not written as text."""
        return self in (SourceFormat.PDF, SourceFormat.HTML)

    @classmethod
    def of(cls, path: str | PurePath) -> SourceFormat | None:
        """The format of a file by its extension, or ``None`` for one the loader does not read."""
        return SUFFIX_FORMATS.get(PurePath(path).suffix.lower())


SUFFIX_FORMATS = {
    ".md": SourceFormat.MARKDOWN,
    ".markdown": SourceFormat.MARKDOWN,
    ".txt": SourceFormat.TEXT,
    ".pdf": SourceFormat.PDF,
    ".html": SourceFormat.HTML,
    ".htm": SourceFormat.HTML,
}


MAX_NAME = 300  # characters of a title or a publisher: they open every citation
MAX_LINK = 2_000  # characters of a source link, as browsers and Telegram take them
DATE_FORM = "as YYYY-MM-DD, such as 2025-11-18"
_ISO_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:$|[T ])")


def _kind(value: object) -> str:
    """What a YAML value is, in an admin's words: "a list", "a key: value map", "yes/no"."""
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a key: value map"
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"


class DocumentMeta(BaseModel):
    """A document's metadata: front matter, or what cleaning found in a raw export.

    Unknown keys are kept (``extra="allow"``) so admins can record anything, such as an author.
    """

    model_config = ConfigDict(frozen=True, extra="allow", str_strip_whitespace=True)

    title: str = Field(min_length=1)
    source: str | None = None
    publisher: str | None = None
    published: dt.date | None = None

    @field_validator("title", "publisher", mode="before")
    @classmethod
    def _one_line_of_text(cls, value: object) -> object:
        """A name shown in every citation: one line, not a list; ``title: 1984`` is text too."""
        if value is None or isinstance(value, str):
            text = None if value is None else " ".join(value.split())
        elif isinstance(value, int | float) and not isinstance(value, bool):
            text = str(value)
        else:
            raise ValueError(f"must be one line of text, not {_kind(value)}")
        if text is not None and len(text) > MAX_NAME:
            raise ValueError(f"{len(text):,} characters is too long: at most {MAX_NAME:,}")
        return text

    @field_validator("source", mode="before")
    @classmethod
    def _source_is_a_link(cls, value: object) -> object:
        """A citation link must open in a browser, so only http(s) links are accepted."""
        if value is None or value == "":
            return None
        if not isinstance(value, str) or not value.strip().startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// link")
        if len(value) > MAX_LINK:
            raise ValueError(f"{len(value):,} characters is too long: at most {MAX_LINK:,}")
        return value.strip()

    @field_validator("published", mode="before")
    @classmethod
    def _a_calendar_day(cls, value: object) -> object:
        """The day a briefing came out, written as admins write it: ``2025-11-18``.

        A time of day is allowed and dropped (``2025-11-18T09:30:00Z``); an impossible day
        (``2025-02-30``) or words (``next tuesday``) are refused, saying the form wanted.
        """
        if value is None or isinstance(value, dt.date):
            return value.date() if isinstance(value, dt.datetime) else value
        if not isinstance(value, str):
            raise ValueError(f"must be a date written {DATE_FORM}, not {_kind(value)}")
        text = value.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError as exc:
            if _ISO_DAY.match(text):
                reason = f"{text!r} is not a day of the calendar ({exc})"
                raise ValueError(f"{reason}: write it {DATE_FORM}") from None
        raise ValueError(f"{text[:40]!r} is not a date: write it {DATE_FORM}")

    @model_validator(mode="before")
    @classmethod
    def _dated_by_its_link(cls, data: object) -> object:
        """No ``published`` date given (front matter, file metadata): the source link's, if any."""
        if isinstance(data, dict) and data.get("published") is None:
            source = data.get("source")
            day = date_in_link(source) if isinstance(source, str) else None
            if day is not None:
                return {**data, "published": day}
        return data


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of a document: its sentences, its section and where it starts in the file."""

    sentences: tuple[str, ...]
    section: str | None
    line: int

    @property
    def text(self) -> str:
        """The paragraph as one string, for showing context around a sentence."""
        return " ".join(self.sentences)


@dataclass(frozen=True, slots=True)
class Document:
    """One knowledge file, cleaned and split.

    ``path`` names the original file (relative to the knowledge directory) and ``digest`` its
    bytes, so a PDF or a web page is always kept as the admin gave it: the extracted text
    lives only here, and the original can be read again (``KnowledgeBase.original``).
    """

    path: str
    meta: DocumentMeta
    paragraphs: tuple[Paragraph, ...]
    digest: str

    @property
    def format(self) -> SourceFormat | None:
        """The original file's format (``None`` only for a document not made from a file)."""
        return SourceFormat.of(self.path)

    @property
    def title(self) -> str:
        """The title shown in citations."""
        return self.meta.title

    @property
    def sections(self) -> tuple[str, ...]:
        """Section headings in order of appearance, each once."""
        seen = dict.fromkeys(p.section for p in self.paragraphs if p.section)
        return tuple(s for s in seen if s is not None)

    @property
    def sentence_count(self) -> int:
        """How many sentences the document contributes to the index."""
        return sum(len(p.sentences) for p in self.paragraphs)


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """The documents of one knowledge directory, loaded whole."""

    directory: Path
    documents: tuple[Document, ...]

    @property
    def sentence_count(self) -> int:
        """Sentences across all documents."""
        return sum(d.sentence_count for d in self.documents)

    def digests(self) -> dict[str, str]:
        """Each file's content digest by path, to tell what a reload added, changed or removed."""
        return {d.path: d.digest for d in self.documents}

    def original(self, document: Document) -> Path:
        """The file ``document`` was made from: for a PDF or web page, the untouched original."""
        return self.directory / document.path

    def newest_first(self) -> list[Document]:
        """Dated documents newest first, then the undated ones in the knowledge's order."""
        dated = [(d.meta.published, d) for d in self.documents if d.meta.published is not None]
        dated.sort(key=lambda pair: pair[0], reverse=True)  # stable: a day's keep their order
        return [d for _, d in dated] + [d for d in self.documents if d.meta.published is None]

    def without(self, path: str) -> KnowledgeBase:
        """The same knowledge less the document at ``path`` (for held-out evaluation)."""
        rest = tuple(d for d in self.documents if d.path != path)
        return KnowledgeBase(self.directory, rest)
