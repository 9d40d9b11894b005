"""The exhaustive reference: every sentence scored with rank-bm25's ``get_scores``.

This is the engine as it was before scores were precomputed (``bot.core.sparse``): each field a
``rank_bm25.BM25Okapi`` over the same terms, every sentence scored for every question, ranked
with a full sort. Tests and the benchmark compare the fast answerer with it, so the two can
never drift apart: same terms, same features, same weights, the ranking of ``Answerer._rank``
written densely.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from rank_bm25 import BM25Okapi

from bot.core.answer import REFINE_DEPTH, Answerer
from bot.core.answer_types import asked_type, wanted
from bot.core.index import SentenceIndex
from bot.core.indexing import HEADING_B, HEADING_K1, SENTENCE_B, SENTENCE_K1
from bot.core.models import AnswerOptions
from bot.core.text import tokenize


class ReferenceField:
    """One rank-bm25 BM25Okapi corpus, floored at zero, safe on empty corpora."""

    def __init__(self, corpus: Sequence[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.size = len(corpus)
        self.tokens = [set(doc) for doc in corpus]
        self.bm25 = BM25Okapi(list(corpus), k1=k1, b=b) if any(corpus) else None

    def scores(self, terms: Sequence[str]) -> np.ndarray:
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
        total = np.zeros(len(self.texts))
        for pair in dict.fromkeys(itertools.pairwise(terms)):
            hits = self.pairs.get(pair)
            if hits:
                weight = self.weight(pair[0]) + self.weight(pair[1])
                total[hits] += weight / 2
        return total

    def scores(self, terms: Sequence[str], options: AnswerOptions) -> np.ndarray:
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
        self.reference = ReferenceIndex(answerer.index)

    def dense_scores(self, question: str, terms: Sequence[str]) -> np.ndarray:
        """Every sentence's final score: fields, answer type, fine answer type."""
        opts = self.options
        scores = self.reference.scores(terms, opts)
        kind = asked_type(question)
        if kind is not None:
            scores = scores * np.where(self.index.holds[kind], 1.0 + opts.type_boost, 1.0)
        want = wanted(question)
        if want.anything and opts.fine_type_boost:
            best = np.lexsort((np.arange(len(scores)), -scores))[:REFINE_DEPTH]
            for i in best:
                if scores[i] > 0 and want.fits(self.reference.texts[i]):
                    scores[i] *= 1.0 + opts.fine_type_boost
        return scores

    def _rank(self, question: str, terms: Sequence[str], k: int) -> list[tuple[int, float]]:
        scores = self.dense_scores(question, terms)
        order = np.lexsort((np.arange(len(scores)), -scores))
        ranked: list[tuple[int, float]] = []
        seen: set[str] = set()
        for i in order:
            score = float(scores[i])
            if score <= self.options.min_score or len(ranked) == k:
                break
            text = self.reference.texts[i]
            if text not in seen and self.reference.sentences.tokens[i] & set(terms):
                seen.add(text)
                ranked.append((int(i), score))
        return ranked
