"""The dense forms of the fast index's scores, which only tests need.

The exhaustive rank-bm25 reference itself (``ExhaustiveAnswerer``, ``ReferenceIndex``) is part
of the engine, ``bot.core.verification``, since admins run it too (``check --verify``); here
are the pieces the tests alone compare with it: one BM25 field built from plain term lists,
and the fast index's combined and word-pair scores of every sentence as dense arrays.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.core import AnswerOptions
from bot.core.ranking.pairs import pair_hits
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
