"""BM25 over every sentence, with its neighbours, paragraph and headings as context.

A sentence alone often lacks the words of the question: "Who guards it?" is answered by a
sentence whose neighbour, paragraph or section names "it". So each sentence is scored on several
fields with BM25Okapi (rank-bm25's formulas are the reference for what a score is): the
sentence, a window of it and its neighbours, its paragraph, and its headings (document title and
section). A sentence that keeps two of the question's words side by side ("Lachin corridor")
earns a bonus. The answerer weighs the fields; the weights were measured on the shared
evaluation sets.

Scores are precomputed by term (``bot.core.sparse``), so a question only touches the sentences
that can score above zero: those whose sentence, window, paragraph or headings hold one of its
terms (``SentenceIndex.score``). The dense ``scores`` gives the same numbers for every sentence.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from bot.core.answer_types import AnswerType
from bot.core.entries import Entries, Entry
from bot.core.indexing import IndexArrays, build_arrays
from bot.core.knowledge import KnowledgeBase
from bot.core.models import AnswerOptions
from bot.core.scoring import Scored, score_sentences
from bot.core.sparse import (
    Floats,
    Ints,
    Postings,
    bm25_postings,
    counts_matrix,
    first_seen,
    ranges,
)
from bot.core.spelling import Speller
from bot.core.text import question_terms

__all__ = ["Bm25Field", "Entry", "Scored", "Scores", "SentenceIndex"]

Scores = Floats


class Bm25Field:
    """One BM25Okapi field: scores by term, and how much a term says in it."""

    def __init__(self, postings: Postings, vocabulary: dict[str, int]) -> None:
        self.postings = postings
        self.size = postings.size
        self._vocabulary = vocabulary

    @classmethod
    def build(cls, corpus: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75) -> Bm25Field:
        """A field over documents given as terms (for tests and small corpora)."""
        vocabulary: dict[str, int] = {}
        docs = [[vocabulary.setdefault(t, len(vocabulary)) for t in doc] for doc in corpus]
        lengths = np.array([len(d) for d in docs], dtype=np.int64)
        flat = np.array([t for d in docs for t in d], dtype=np.int64)
        counts = counts_matrix(docs, len(vocabulary))
        return cls(bm25_postings(counts, lengths, k1, b, lambda: first_seen(flat)), vocabulary)

    def ids(self, terms: Sequence[str]) -> list[int]:
        """Ids of the known ``terms``, in order, repeats kept (BM25 counts them)."""
        return [i for t in terms if (i := self._vocabulary.get(t)) is not None]

    def scores(self, terms: Sequence[str]) -> Scores:
        """BM25Okapi score of every document for ``terms``, floored at zero.

        In a small corpus, a term found in over half the documents gets a negative IDF (a
        heading field of a one-file knowledge base has a handful of documents). A match should
        never count against a sentence, so scores are floored at zero.
        """
        return np.maximum(self.postings.dense(self.ids(terms)), 0.0)

    def knows(self, term: str) -> bool:
        """Whether any document holds ``term``."""
        i = self._vocabulary.get(term)
        return i is not None and bool(self.postings.df[i])

    def weight(self, term: str) -> float:
        """How much a term says, always positive: rarer terms weigh more, unknown ones most."""
        i = self._vocabulary.get(term)
        n = int(self.postings.df[i]) if i is not None else 0
        return math.log(1.0 + (self.size - n + 0.5) / (n + 0.5))


class SentenceIndex:
    """The fields every sentence is scored on, over one knowledge base."""

    def __init__(self, base: KnowledgeBase, arrays: IndexArrays | None = None) -> None:
        self.base = base
        self.arrays = arrays = arrays or build_arrays(base)
        self.entries = Entries(base, arrays.heading_of)
        vocabulary = {t: i for i, t in enumerate(arrays.terms)}
        self.sentences = Bm25Field(arrays.sentences, vocabulary)
        self.windows = Bm25Field(arrays.windows, vocabulary)
        self.paragraphs = Bm25Field(arrays.paragraphs, vocabulary)
        self.headings = Bm25Field(arrays.headings, vocabulary)
        self._vocabulary = vocabulary
        self._paragraph_of = self.entries.paragraph_of
        self._heading_of = arrays.heading_of
        order = np.argsort(arrays.heading_of, kind="stable")
        self._heading_ptr = np.searchsorted(
            arrays.heading_of[order], np.arange(arrays.headings.size + 1)
        )
        self._heading_sentences = order
        self.holds: dict[AnswerType, npt.NDArray[np.bool_]] = arrays.holds
        self.speller = Speller.from_counts(arrays.word_counts)

    def __len__(self) -> int:
        return len(self.entries)

    def knows(self, term: str) -> bool:
        """Whether the knowledge uses ``term`` in a sentence or a heading."""
        return self.sentences.knows(term) or self.headings.knows(term)

    def question_terms(self, question: str) -> list[str]:
        """A question's search terms, its misspelt words read as known ones."""
        return question_terms(question, self.knows, self.speller.correct)

    def pair_hits(self, terms: Sequence[str]) -> list[tuple[Ints, float]]:
        """Sentences keeping each of the question's word pairs, with the pair's bonus."""
        found = []
        width = len(self.arrays.terms)
        keys, ptr = self.arrays.pair_keys, self.arrays.pair_ptr
        for first, second in dict.fromkeys(itertools.pairwise(terms)):
            a, b = self._vocabulary.get(first), self._vocabulary.get(second)
            if a is None or b is None:
                continue
            at = int(np.searchsorted(keys, a * width + b))
            if at < len(keys) and keys[at] == a * width + b:
                weight = self.sentences.weight(first) + self.sentences.weight(second)
                found.append((self.arrays.pair_sentences[ptr[at] : ptr[at + 1]], weight / 2))
        return found

    def pair_scores(self, terms: Sequence[str]) -> Scores:
        """For each sentence, the mean weight of the question's word pairs it keeps together."""
        total = np.zeros(len(self))
        for hits, bonus in self.pair_hits(terms):
            total[hits] += bonus
        return total

    def score(
        self,
        terms: Sequence[str],
        options: AnswerOptions,
        kind: AnswerType | None = None,
        depth: int = 0,
    ) -> Scored:
        """Scores of the sentences that hold a term, boosted for the answer ``kind``.

        Any other sentence that might be among the ``depth`` best is scored too; see
        ``bot.core.scoring``.
        """
        return score_sentences(self, terms, options, kind, depth)

    def scores(self, terms: Sequence[str], options: AnswerOptions) -> Scores:
        """Combined score of every sentence: its own BM25 plus weighted context scores."""
        scored = self.score(terms, options, depth=len(self))
        total = np.zeros(len(self))
        total[scored.ids] = scored.scores
        return total

    def heading_sentences(self, headings: Ints) -> Ints:
        """The sentences under each of ``headings``."""
        starts, ends = self._heading_ptr[headings], self._heading_ptr[headings + 1]
        return self._heading_sentences[ranges(starts, ends)]

    def in_paragraph(self, terms: Sequence[str], sentence: int) -> set[str]:
        """Those of ``terms`` that the sentence's paragraph holds."""
        paragraph = int(self._paragraph_of[sentence])
        first, end = self.entries.paragraph_start[paragraph : paragraph + 2]
        rows = self.arrays.sentence_terms
        held = set(rows.indices[rows.indptr[first] : rows.indptr[end]].tolist())
        return {t for t in terms if self._vocabulary.get(t, -1) in held}

    def evidence(self, sentence: int) -> set[str]:
        """Terms a sentence can vouch for: its own and its headings'."""
        rows = self.arrays.sentence_terms
        heads = self.arrays.heading_terms
        heading = int(self._heading_of[sentence])
        found = rows.indices[rows.indptr[sentence] : rows.indptr[sentence + 1]].tolist()
        found += heads.indices[heads.indptr[heading] : heads.indptr[heading + 1]].tolist()
        return {self.arrays.terms[i] for i in found}
