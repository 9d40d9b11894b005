"""The baselines, on the very terms the project indexes: rank-bm25 and bm25s.

Both score the sentence field alone (BM25 on sentences, k1 1.2, b 0.5), so they do less than
the project's answerer, which also scores windows, paragraphs, headings and word pairs and
then abstains and cites: their latencies are lower bounds for what they would cost here.
"""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np

from bot.core import Answerer, ExhaustiveAnswerer
from bot.core.analysis.terms import tokenize
from bot.core.search.build import SENTENCE_B, SENTENCE_K1

TOP = 10


def rank_bm25_top(reference: ExhaustiveAnswerer, terms: Sequence[str]) -> list[int]:
    """Exhaustive rank-bm25: ``get_scores`` over every sentence, then the top ten."""
    bm25 = reference.reference.sentences.bm25
    if bm25 is None or not terms:
        return []
    scores = np.asarray(bm25.get_scores(list(terms)))
    best = np.argpartition(-scores, min(TOP, len(scores) - 1))[:TOP]
    return [int(i) for i in best[np.argsort(-scores[best], kind="stable")]]


class Bm25s:
    """bm25s over the project's sentence terms."""

    def __init__(self, answerer: Answerer) -> None:
        self.known = answerer.index.sentences.knows
        corpus = [tokenize(entry.text) for entry in answerer.index.entries]
        self.retriever = bm25s.BM25(k1=SENTENCE_K1, b=SENTENCE_B, method="robertson")
        self.retriever.index(corpus, show_progress=False)
        self.size = len(corpus)

    def top(self, terms: Sequence[str]) -> list[int]:
        """The ten best sentences for ``terms`` (unknown terms dropped, as they score 0)."""
        query = [t for t in terms if self.known(t)]
        if not query:
            return []
        ids, _ = self.retriever.retrieve(
            [query], k=min(TOP, self.size), show_progress=False, n_threads=0
        )
        return [int(i) for i in ids[0]]
