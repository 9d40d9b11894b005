"""BM25 over every sentence, with its neighbours, paragraph and headings as context.

A sentence alone often lacks the words of the question: "Who guards it?" is answered by a
sentence whose neighbour, paragraph or section names "it". So each sentence is scored on several
fields with BM25Okapi from rank-bm25, the reference for what a score is: the sentence, a window
of it and its neighbours, its paragraph, and its headings (document title and section). A
sentence that keeps two of the question's words side by side ("Lachin corridor") earns a bonus.
The answerer weighs the fields; the weights were measured on the shared evaluation sets.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rank_bm25 import BM25Okapi

from bot.core.answer_types import AnswerType, holds
from bot.core.knowledge import KnowledgeBase
from bot.core.models import AnswerOptions, Document, Paragraph
from bot.core.spelling import Speller
from bot.core.text import question_terms, tokenize, words

Scores = npt.NDArray[np.float64]

# Sentences, windows and paragraphs are short next to the documents BM25's defaults were made
# for: less length normalisation (b) and quicker term saturation (k1) ranked better on the
# shared benchmark (P@1 0.729 -> 0.735 for windows and paragraphs).
SENTENCE_K1 = 1.2
SENTENCE_B = 0.5


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

    def __init__(self, corpus: Sequence[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.size = len(corpus)
        self.tokens = [set(doc) for doc in corpus]
        self._bm25 = BM25Okapi(list(corpus), k1=k1, b=b) if any(corpus) else None
        self._document_frequency: dict[str, int] = defaultdict(int)
        for doc in self.tokens:
            for term in doc:
                self._document_frequency[term] += 1

    def scores(self, terms: Sequence[str]) -> Scores:
        """BM25Okapi score of every document for ``terms`` (zeros if nothing can match).

        In a small corpus, a term found in over half the documents gets a negative IDF from
        rank-bm25 (a heading field of a one-file knowledge base has a handful of documents).
        A match should never count against a sentence, so scores are floored at zero.
        """
        if self._bm25 is None or not terms:
            return np.zeros(self.size)
        scores = np.asarray(self._bm25.get_scores(list(terms)), dtype=np.float64)
        return np.maximum(scores, 0.0)

    def knows(self, term: str) -> bool:
        """Whether any document holds ``term``."""
        return term in self._document_frequency

    def weight(self, term: str) -> float:
        """How much a term says, always positive: rarer terms weigh more, unknown ones most."""
        n = self._document_frequency.get(term, 0)
        return math.log(1.0 + (self.size - n + 0.5) / (n + 0.5))


def _windows(sentences: list[list[str]], paragraph_of: list[int]) -> list[list[str]]:
    """Each sentence's terms with those of its neighbours in the same paragraph."""
    windows = []
    for i, terms in enumerate(sentences):
        window = list(terms)
        for j in (i - 1, i + 1):
            if 0 <= j < len(sentences) and paragraph_of[j] == paragraph_of[i]:
                window.extend(sentences[j])
        windows.append(window)
    return windows


class SentenceIndex:
    """The fields every sentence is scored on, over one knowledge base."""

    def __init__(self, base: KnowledgeBase) -> None:
        self.base = base
        entries: list[Entry] = []
        sentence_corpus: list[list[str]] = []
        paragraph_corpus: list[list[str]] = []
        heading_corpus: list[list[str]] = []
        heading_ids: dict[tuple[int, str | None], int] = {}
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
                        Entry(
                            document,
                            paragraph,
                            len(paragraph_corpus),
                            heading_ids[key],
                            number,
                            position,
                            text,
                        )
                    )
                paragraph_corpus.append(paragraph_terms)
        self.entries = tuple(entries)
        paragraph_of = [e.paragraph_id for e in entries]
        self.sentences = Bm25Field(sentence_corpus, k1=SENTENCE_K1, b=SENTENCE_B)
        self.windows = Bm25Field(
            _windows(sentence_corpus, paragraph_of), k1=SENTENCE_K1, b=SENTENCE_B
        )
        self.paragraphs = Bm25Field(paragraph_corpus, k1=SENTENCE_K1, b=SENTENCE_B)
        self.headings = Bm25Field(heading_corpus)
        self._paragraph_of = np.array(paragraph_of, dtype=np.int64)
        self._heading_of = np.array([e.heading_id for e in entries], dtype=np.int64)
        self.holds = {
            kind: np.array([holds(e.text, kind) for e in entries], dtype=bool)
            for kind in AnswerType
        }
        self.speller = Speller(w for e in entries for w in words(e.text))
        self._pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, terms in enumerate(sentence_corpus):
            for pair in dict.fromkeys(itertools.pairwise(terms)):
                self._pairs[pair].append(i)

    def __len__(self) -> int:
        return len(self.entries)

    def knows(self, term: str) -> bool:
        """Whether the knowledge uses ``term`` in a sentence or a heading."""
        return self.sentences.knows(term) or self.headings.knows(term)

    def question_terms(self, question: str) -> list[str]:
        """A question's search terms, its misspelt words read as known ones."""
        return question_terms(question, self.knows, self.speller.correct)

    def pair_scores(self, terms: Sequence[str]) -> Scores:
        """For each sentence, the mean weight of the question's word pairs it keeps together."""
        total = np.zeros(len(self.entries))
        for pair in dict.fromkeys(itertools.pairwise(terms)):
            hits = self._pairs.get(pair)
            if hits:
                weight = self.sentences.weight(pair[0]) + self.sentences.weight(pair[1])
                total[hits] += weight / 2
        return total

    def scores(self, terms: Sequence[str], options: AnswerOptions) -> Scores:
        """Combined score of every sentence: its own BM25 plus weighted context scores."""
        total = self.sentences.scores(terms)
        if not len(self.entries):
            return total
        if options.window_weight:
            total += options.window_weight * self.windows.scores(terms)
        if options.paragraph_weight:
            total += options.paragraph_weight * self.paragraphs.scores(terms)[self._paragraph_of]
        if options.heading_weight:
            total += options.heading_weight * self.headings.scores(terms)[self._heading_of]
        if options.pair_weight:
            total += options.pair_weight * self.pair_scores(terms)
        return total

    def evidence(self, sentence: int) -> set[str]:
        """Terms a sentence can vouch for: its own and its headings'."""
        entry = self.entries[sentence]
        return self.sentences.tokens[sentence] | self.headings.tokens[entry.heading_id]
