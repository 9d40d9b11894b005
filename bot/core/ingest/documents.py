"""Documents as the loader makes them: metadata, paragraphs of sentences, the whole directory.

Loaded text lives in small slotted dataclasses (a million sentences must stay cheap); what
admins write (front matter) is a validated pydantic model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator


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
    """One knowledge file, cleaned and split."""

    path: str
    meta: DocumentMeta
    paragraphs: tuple[Paragraph, ...]
    digest: str

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

    def without(self, path: str) -> KnowledgeBase:
        """The same knowledge less the document at ``path`` (for held-out evaluation)."""
        rest = tuple(d for d in self.documents if d.path != path)
        return KnowledgeBase(self.directory, rest)
