"""The newest briefings in brief: what "what's new?", ``/latest`` and subscriptions show.

Newest first by the date each briefing carries (``KnowledgeBase.newest_first``); undated ones
follow in the knowledge's order, since nothing says when they came. Each item is the
briefing's title, date, publisher and link; the newest also shows what it is about: its
section headings when it has several, else its first sentences. All of it is the briefing's
own text: nothing is summarised or made up.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from bot.core.ingest.documents import Document, KnowledgeBase
from bot.core.results import credit_line

DIGEST_COUNT = 3
OPENING_SENTENCES = 2
MIN_SECTIONS = 2  # one heading says less than the first sentences


class DigestItem(BaseModel):
    """One briefing as a digest lists it."""

    model_config = ConfigDict(frozen=True)

    path: str = Field(description="the knowledge file, relative to the knowledge directory")
    title: str
    published: dt.date | None = None
    publisher: str | None = None
    source: str | None = None
    sections: tuple[str, ...] = Field(default=(), description="its headings, for the newest")
    opening: tuple[str, ...] = Field(
        default=(), description="its first sentences, for the newest when it has no headings"
    )

    @property
    def credit(self) -> str | None:
        """Publisher and date, as citations show them."""
        return credit_line(self.publisher, self.published)


class Digest(BaseModel):
    """The newest briefings, newest first; empty when the knowledge holds none."""

    model_config = ConfigDict(frozen=True)

    items: tuple[DigestItem, ...]
    total: int = Field(ge=0, description="how many briefings the knowledge holds")


def briefing_item(document: Document, *, detailed: bool) -> DigestItem:
    """``document`` as a digest lists it; ``detailed`` adds its headings or first sentences."""
    meta = document.meta
    sections: tuple[str, ...] = ()
    opening: tuple[str, ...] = ()
    if detailed:
        if len(document.sections) >= MIN_SECTIONS:
            sections = document.sections
        else:
            sentences = (s for p in document.paragraphs for s in p.sentences)
            opening = tuple(s for s, _ in zip(sentences, range(OPENING_SENTENCES), strict=False))
    return DigestItem(
        path=document.path,
        title=meta.title,
        published=meta.published,
        publisher=meta.publisher,
        source=meta.source,
        sections=sections,
        opening=opening,
    )


def newest_briefings(base: KnowledgeBase, count: int = DIGEST_COUNT) -> Digest:
    """The ``count`` newest briefings of ``base``, the newest with what it is about."""
    newest = base.newest_first()[:count]
    items = tuple(briefing_item(d, detailed=n == 0) for n, d in enumerate(newest))
    return Digest(items=items, total=len(base.documents))
