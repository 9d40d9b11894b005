"""Documents as the loader makes them: metadata, paragraphs of sentences, the whole directory.

Loaded text lives in small slotted dataclasses (a million sentences must stay cheap); what
admins write (front matter) is a validated pydantic model.
"""

from __future__ import annotations

import datetime as dt
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


class DocumentMeta(BaseModel):
    """A document's metadata: front matter, or what cleaning found in a raw export.

    Unknown keys are kept (``extra="allow"``) so admins can record anything, such as an author.
    """

    model_config = ConfigDict(frozen=True, extra="allow", str_strip_whitespace=True)

    title: str = Field(min_length=1)
    source: str | None = None
    publisher: str | None = None
    published: dt.date | None = None

    @field_validator("source")
    @classmethod
    def _source_is_a_link(cls, value: str | None) -> str | None:
        """A citation link must open in a browser, so only http(s) links are accepted."""
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// link")
        return value or None

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

    def without(self, path: str) -> KnowledgeBase:
        """The same knowledge less the document at ``path`` (for held-out evaluation)."""
        rest = tuple(d for d in self.documents if d.path != path)
        return KnowledgeBase(self.directory, rest)
