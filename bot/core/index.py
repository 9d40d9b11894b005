"""BM25 over every sentence, with its paragraph and headings as context.

A sentence alone often lacks the words of the question: "Who guards it?" is answered by a
sentence whose paragraph or section names "it". So each sentence is scored three ways with
BM25Okapi from rank-bm25, the reference for what a score is: the sentence itself, its
paragraph, and its headings (document title and section). The answerer weighs them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rank_bm25 import BM25Okapi

from bot.core.knowledge import KnowledgeBase
from bot.core.models import Document, Paragraph
from bot.core.text import tokenize

Scores = npt.NDArray[np.float64]


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


class Bm25Field:
    """One BM25Okapi corpus, typed, safe on empty corpora and empty documents."""

    def __init__(self, corpus: Sequence[list[str]]) -> None:
        self.size = len(corpus)
        self.tokens = [set(doc) for doc in corpus]
        has_text = any(corpus)
        self._bm25 = BM25Okapi(list(corpus)) if has_text else None
        self._document_frequency: dict[str, int] = {}
        for doc in self.tokens:
            for term in doc:
                self._document_frequency[term] = self._document_frequency.get(term, 0) + 1

    def scores(self, terms: Sequence[str]) -> Scores:
        """BM25Okapi score of every document for ``terms`` (zeros if nothing can match)."""
        if self._bm25 is None or not terms:
            return np.zeros(self.size)
        return np.asarray(self._bm25.get_scores(list(terms)), dtype=np.float64)

    def weight(self, term: str) -> float:
        """How much a term says, always positive: rarer terms weigh more, unknown ones most."""
        n = self._document_frequency.get(term, 0)
        return math.log(1.0 + (self.size - n + 0.5) / (n + 0.5))


class SentenceIndex:
    """Sentence, paragraph and heading BM25 fields over one knowledge base."""

    def __init__(self, base: KnowledgeBase) -> None:
        self.base = base
        entries: list[Entry] = []
        paragraph_corpus: list[list[str]] = []
        heading_corpus: list[list[str]] = []
        heading_ids: dict[tuple[int, str | None], int] = {}
        sentence_corpus: list[list[str]] = []
        for doc_number, document in enumerate(base.documents):
            title_terms = tokenize(document.title)
            position = 0
            for number, paragraph in enumerate(document.paragraphs, start=1):
                key = (doc_number, paragraph.section)
                if key not in heading_ids:
                    heading_ids[key] = len(heading_corpus)
                    heading_corpus.append(title_terms + tokenize(paragraph.section or ""))
                paragraph_terms: list[str] = []
                for text in paragraph.sentences:
                    position += 1
                    terms = tokenize(text)
                    paragraph_terms.extend(terms)
                    sentence_corpus.append(terms)
                    entries.append(
                        Entry(document, paragraph, len(paragraph_corpus), heading_ids[key],
                              number, position, text)
                    )
                paragraph_corpus.append(paragraph_terms)
        self.entries = tuple(entries)
        self.sentences = Bm25Field(sentence_corpus)
        self.paragraphs = Bm25Field(paragraph_corpus)
        self.headings = Bm25Field(heading_corpus)
        self._paragraph_of = np.array([e.paragraph_id for e in entries], dtype=np.int64)
        self._heading_of = np.array([e.heading_id for e in entries], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.entries)

    def scores(self, terms: Sequence[str], paragraph_weight: float, heading_weight: float) -> Scores:
        """Combined score of every sentence: its own BM25 plus weighted context scores."""
        total = self.sentences.scores(terms)
        if paragraph_weight and len(self.entries):
            total = total + paragraph_weight * self.paragraphs.scores(terms)[self._paragraph_of]
        if heading_weight and len(self.entries):
            total = total + heading_weight * self.headings.scores(terms)[self._heading_of]
        return total

    def evidence(self, sentence: int) -> set[str]:
        """Terms a sentence can vouch for: its own and its headings'."""
        entry = self.entries[sentence]
        return self.sentences.tokens[sentence] | self.headings.tokens[entry.heading_id]
