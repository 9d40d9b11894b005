"""Data that crosses the engine's boundary: document metadata, answers, tuning.

Loaded text lives in small slotted dataclasses (a million sentences must stay cheap); what
admins write (front matter) and what adapters receive (answers) are validated pydantic models.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

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

    def extras(self) -> dict[str, Any]:
        """Metadata beyond the known fields, as written in the front matter."""
        return dict(self.model_extra or {})


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


class Match(BaseModel):
    """A source sentence that answers a question, with everything needed to cite it."""

    model_config = ConfigDict(frozen=True)

    text: str
    score: float
    title: str
    section: str | None
    publisher: str | None
    source: str | None
    file: str
    position: int = Field(description="1-based number of the sentence within its document")
    paragraph: int = Field(description="1-based number of the paragraph within its document")
    line: int = Field(description="line of the file where the sentence's paragraph starts")


class Answer(BaseModel):
    """The answer to one question: matches best first, or none when the knowledge is silent."""

    model_config = ConfigDict(frozen=True)

    question: str
    matches: tuple[Match, ...] = ()

    @property
    def best(self) -> Match | None:
        """The sentence to quote, or ``None`` for "the briefing does not say"."""
        return self.matches[0] if self.matches else None


class AnswerOptions(BaseModel):
    """How answers are ranked and when the engine declines to answer.

    The defaults were measured on the shared evaluation sets; see the README.
    """

    model_config = ConfigDict(frozen=True)

    top_k: int = Field(default=3, ge=1, le=50, description="matches returned per answer")
    min_coverage: float = Field(
        default=0.25,
        ge=0.0,
        le=1.0,
        description="share of the question's term weight the best evidence must contain",
    )
    min_paragraph_coverage: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="share the best sentence's paragraph and headings must contain",
    )
    unknown_name_coverage: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="coverage needed when the question names something the best sentence's "
        "paragraph and headings do not",
    )
    min_score: float = Field(default=0.0, ge=0.0, description="lowest score worth quoting")
    window_weight: float = Field(default=1.0, ge=0.0, description="sentence and neighbours")
    paragraph_weight: float = Field(default=0.5, ge=0.0)
    heading_weight: float = Field(default=0.5, ge=0.0, description="title and section")
    type_boost: float = Field(
        default=0.5, ge=0.0, description="share added when a sentence holds the kind asked for"
    )
    fine_type_boost: float = Field(
        default=0.25, ge=0.0, description="share added for the very thing asked (see answer_types)"
    )
    pair_weight: float = Field(default=1.0, ge=0.0, description="question words side by side")
