"""The exhaustive reference: every sentence scored with rank-bm25's ``get_scores``.

This is the engine as it was before scores were precomputed (``bot.core.search.postings``):
each field a ``rank_bm25.BM25Okapi`` over the same terms, every sentence scored for every
question, ranked with a full sort. Tests and the benchmark compare the fast answerer with it, so
the two can never drift apart: same terms, same features, same weights, the ranking of
``Answerer.rank`` written densely. Also here: the dense forms of the fast index's scores, which
only tests need.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from rank_bm25 import BM25Okapi

from bot.core import Answerer, AnswerOptions
from bot.core.analysis.terms import tokenize
from bot.core.question import Question
from bot.core.ranking.answer_types import REFINE_DEPTH, fits
from bot.core.ranking.pairs import pair_hits
from bot.core.search.build import HEADING_B, HEADING_K1, SENTENCE_B, SENTENCE_K1
from bot.core.search.index import SentenceIndex
from bot.core.search.postings import Floats, Postings, bm25_postings, counts_from_flat, first_seen
from bot.core.search.scoring import score_sentences


def field_postings(
    corpus: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75
) -> tuple[Postings, dict[str, int]]:
    """A BM25 field over documents given as terms, and its vocabulary (term -> id)."""
    vocabulary: dict[str, int] = {}
    docs = [[vocabulary.setdefault(t, len(vocabulary)) for t in doc] for doc in corpus]
    lengths = np.array([len(d) for d in docs], dtype=np.int64)
    flat = np.array([t for d in docs for t in d], dtype=np.int64)
    counts = counts_from_flat(flat, lengths, len(vocabulary))
    return bm25_postings(counts, lengths, k1, b, lambda: first_seen(flat)), vocabulary


def field_scores(postings: Postings, vocabulary: dict[str, int], terms: Sequence[str]) -> Floats:
    """Every document's score for ``terms`` (repeats count), floored at zero, added densely."""
    total = np.zeros(postings.size)
    for term in terms:
        if (i := vocabulary.get(term)) is not None:
            ids, scores = postings.of(i)
            total[ids] += scores
    return np.maximum(total, 0.0)


def dense_scores(index: SentenceIndex, terms: tuple[str, ...], options: AnswerOptions) -> Floats:
    """The fast index's combined score of every sentence (its own BM25 plus its context's)."""
    scored = score_sentences(
        index.fields,
        index.term_ids(terms),
        options,
        pairs=pair_hits(index, terms) if options.pair_weight else (),
        depth=len(index),
    )
    total = np.zeros(len(index))
    total[scored.ids] = scored.scores
    return total


def pair_scores(index: SentenceIndex, terms: tuple[str, ...]) -> Floats:
    """For each sentence, the mean weight of the question's word pairs it keeps together."""
    total = np.zeros(len(index))
    for hits, bonus in pair_hits(index, terms):
        total[hits] += bonus
    return total


class ReferenceField:
    """One rank-bm25 BM25Okapi corpus, floored at zero, safe on empty corpora."""

    def __init__(self, corpus: Sequence[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.size = len(corpus)
        self.tokens = [set(doc) for doc in corpus]
        self.bm25 = BM25Okapi(list(corpus), k1=k1, b=b) if any(corpus) else None

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """``get_scores`` of every document, floored at zero."""
        if self.bm25 is None or not terms:
            return np.zeros(self.size)
        return np.maximum(np.asarray(self.bm25.get_scores(list(terms)), dtype=np.float64), 0.0)


def _windows(sentences: list[list[str]], paragraph_of: list[int]) -> list[list[str]]:
    windows = []
    for i, terms in enumerate(sentences):
        window = list(terms)
        for j in (i - 1, i + 1):
            if 0 <= j < len(sentences) and paragraph_of[j] == paragraph_of[i]:
                window.extend(sentences[j])
        windows.append(window)
    return windows


class ReferenceIndex:
    """The dense fields of a knowledge base, from the fast index's own sentence order."""

    def __init__(self, index: SentenceIndex) -> None:
        entries = list(index.entries)
        sentences = [tokenize(e.text) for e in entries]
        paragraphs: dict[int, list[str]] = defaultdict(list)
        for entry, terms in zip(entries, sentences, strict=True):
            paragraphs[entry.paragraph_id].extend(terms)
        headings: dict[int, list[str]] = {}
        for entry in entries:
            section = tokenize(entry.paragraph.section or "")
            headings.setdefault(entry.heading_id, tokenize(entry.document.title) + section)
        self.paragraph_of = np.array([e.paragraph_id for e in entries], dtype=np.int64)
        self.heading_of = np.array([e.heading_id for e in entries], dtype=np.int64)
        self.sentences = ReferenceField(sentences, SENTENCE_K1, SENTENCE_B)
        windows = _windows(sentences, [e.paragraph_id for e in entries])
        self.windows = ReferenceField(windows, SENTENCE_K1, SENTENCE_B)
        self.paragraphs = ReferenceField(
            [paragraphs[p] for p in range(len(paragraphs))], SENTENCE_K1, SENTENCE_B
        )
        self.headings = ReferenceField(
            [headings[h] for h in range(len(headings))], HEADING_K1, HEADING_B
        )
        self.texts = [e.text for e in entries]
        self.weight = index.sentences.weight
        self.pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, terms in enumerate(sentences):
            for pair in dict.fromkeys(itertools.pairwise(terms)):
                self.pairs[pair].append(i)

    def pair_scores(self, terms: Sequence[str]) -> np.ndarray:
        """The word-pair bonus of every sentence, found by scanning every sentence's pairs."""
        total = np.zeros(len(self.texts))
        for pair in dict.fromkeys(itertools.pairwise(terms)):
            hits = self.pairs.get(pair)
            if hits:
                weight = self.weight(pair[0]) + self.weight(pair[1])
                total[hits] += weight / 2
        return total

    def scores(self, terms: Sequence[str], options: AnswerOptions) -> np.ndarray:
        """Every sentence's score before answer types: its fields weighed, plus pairs."""
        total = self.sentences.scores(terms)
        if not len(self.texts):
            return total
        if options.window_weight:
            total += options.window_weight * self.windows.scores(terms)
        if options.paragraph_weight:
            total += options.paragraph_weight * self.paragraphs.scores(terms)[self.paragraph_of]
        if options.heading_weight:
            total += options.heading_weight * self.headings.scores(terms)[self.heading_of]
        if options.pair_weight:
            total += options.pair_weight * self.pair_scores(terms)
        return total


class ExhaustiveAnswerer(Answerer):
    """``Answerer`` whose ranking scores every sentence with rank-bm25 and sorts them all."""

    def __init__(self, answerer: Answerer) -> None:
        self.base = answerer.base
        self.options = answerer.options
        self.index = answerer.index
        self.meaning = None  # words alone: the reference is exhaustive BM25
        self.reference = ReferenceIndex(answerer.index)

    def dense_scores(self, question: Question) -> np.ndarray:
        """Every sentence's final score: fields, answer type, fine answer type."""
        opts = self.options
        scores = self.reference.scores(question.terms, opts)
        kind = question.kind
        if kind is not None:
            scores = scores * np.where(self.index.holds[kind], 1.0 + opts.type_boost, 1.0)
        want = question.wanted
        if want.anything and opts.fine_type_boost:
            best = np.lexsort((np.arange(len(scores)), -scores))[:REFINE_DEPTH]
            for i in best:
                if scores[i] > 0 and fits(want, self.reference.texts[i]):
                    scores[i] *= 1.0 + opts.fine_type_boost
        return scores

    def rank(
        self, question: Question, count: int, cosines: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """The same ranking as ``Answerer.rank`` by words alone, from every dense score."""
        assert cosines is None, "the exhaustive reference ranks by words alone"
        terms = set(question.terms)
        scores = self.dense_scores(question)
        order = np.lexsort((np.arange(len(scores)), -scores))
        ranked: list[tuple[int, float]] = []
        seen: set[str] = set()
        for i in order:
            score = float(scores[i])
            if score <= self.options.min_score or len(ranked) == count:
                break
            text = self.reference.texts[i]
            if text not in seen and self.reference.sentences.tokens[i] & terms:
                seen.add(text)
                ranked.append((int(i), score))
        return ranked
