"""Where each indexed sentence comes from, without an object per sentence.

A million sentences as a million small objects cost memory and start-up time; here a sentence
is a number, and its ``Entry`` (document, paragraph, position, text) is made when asked for,
from a few arrays over the documents and paragraphs. Looking a sentence up by file and
position (to show its paragraph under "More") is a dictionary lookup, not a scan.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np

from bot.core.ingest.documents import Document, KnowledgeBase, Paragraph
from bot.core.search.postings import Ints


def text_key(text: str) -> str:
    """What two copies of a sentence share: its words, whitespace and case aside."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True)
class Entry:
    """Where an indexed sentence comes from."""

    document: Document
    paragraph: Paragraph
    paragraph_id: int  # index into the paragraph corpus
    heading_id: int  # index into the heading corpus
    paragraph_number: int  # 1-based within the document
    position: int  # 1-based sentence number within the document
    text: str


class Entries(Sequence[Entry]):
    """Every sentence of a knowledge base, in order, as ``Entry`` values made on demand."""

    def __init__(self, base: KnowledgeBase, heading_of: Ints) -> None:
        self._paragraphs: list[Paragraph] = []
        self._documents: list[Document] = []
        doc_of: list[int] = []
        number: list[int] = []
        self._first: dict[str, int] = {}  # document path -> its first sentence
        sentences = 0
        for d, document in enumerate(base.documents):
            self._first.setdefault(document.path, sentences)
            self._documents.append(document)
            for n, paragraph in enumerate(document.paragraphs, start=1):
                self._paragraphs.append(paragraph)
                doc_of.append(d)
                number.append(n)
                sentences += len(paragraph.sentences)
        sizes = np.array([len(p.sentences) for p in self._paragraphs], dtype=np.int64)
        self.paragraph_start = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        self.paragraph_of = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
        self._doc_of = doc_of
        self._number = number
        self._heading_of = heading_of
        self._size = sentences

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Entry]: ...
    def __getitem__(self, index: int | slice) -> Entry | Sequence[Entry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._size))]
        if not -self._size <= index < self._size:
            raise IndexError(index)
        index %= self._size
        p = int(self.paragraph_of[index])
        document = self._documents[self._doc_of[p]]
        paragraph = self._paragraphs[p]
        offset = index - int(self.paragraph_start[p])
        return Entry(
            document,
            paragraph,
            p,
            int(self._heading_of[index]),
            self._number[p],
            index - self._first[document.path] + 1,
            paragraph.sentences[offset],
        )

    def __iter__(self) -> Iterator[Entry]:
        return (self[i] for i in range(self._size))

    def text(self, index: int) -> str:
        """A sentence's text (the common case, without making an ``Entry``)."""
        p = int(self.paragraph_of[index])
        return self._paragraphs[p].sentences[index - int(self.paragraph_start[p])]

    def document(self, index: int) -> Document:
        """The document a sentence comes from (without making an ``Entry``)."""
        return self._documents[self._doc_of[int(self.paragraph_of[index])]]

    def section_start(self, index: int) -> int:
        """The first sentence of the section holding sentence ``index``.

        A section is the run of a document's paragraphs under one heading: where a reader would
        start to read about what the sentence says.
        """
        p = int(self.paragraph_of[index])
        first, document, section = p, self._doc_of[p], self._paragraphs[p].section
        while (
            first > 0
            and self._doc_of[first - 1] == document
            and self._paragraphs[first - 1].section == section
        ):
            first -= 1
        return int(self.paragraph_start[first])

    def find(self, path: str, position: int) -> Entry | None:
        """The sentence at ``position`` (1-based) of the document at ``path``, if any."""
        first = self._first.get(path)
        if first is None or position < 1 or first + position - 1 >= self._size:
            return None
        entry = self[first + position - 1]
        return entry if entry.document.path == path else None
