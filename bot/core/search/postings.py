"""Exact BM25Okapi, precomputed: each term's score in each document, stored by term.

rank-bm25's ``get_scores`` walks every document in Python for every question term, so a
question costs time in proportion to the whole knowledge (about half a second at 100,000
sentences). Here each field's contributions

    idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avgdl))

are computed once, when the index is built, with the float operations of rank-bm25's
``BM25Okapi`` in its order (its IDF included: ``log(N - n + 0.5) - log(n + 0.5)``, and for a
term in over half the documents, ``epsilon`` times the average IDF). They are kept as a
scipy.sparse CSC matrix: column t lists the documents holding term t and their scores. A
question then reads only its terms' columns, and adding them in the question's order gives
bit for bit the scores ``get_scores`` returns, while costing time in proportion to the
documents that hold the question's words.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
AnyInts = npt.NDArray[np.integer[Any]]  # ids as stored (int32) or computed (int64)
EPSILON = 0.25  # rank-bm25's default floor for negative IDF, as a share of the average IDF


@dataclass(frozen=True, slots=True)
class Postings:
    """One field's BM25Okapi scores by term: ``ids[indptr[t]:indptr[t+1]]`` hold term t.

    ``df`` is each term's document frequency and ``size`` the number of documents; ``ids`` are
    ascending within a term.
    """

    size: int
    indptr: Ints
    ids: npt.NDArray[np.int32]
    scores: Floats
    df: Ints

    def of(self, term: int) -> tuple[npt.NDArray[np.int32], Floats]:
        """Documents holding ``term`` and its score in each."""
        start, end = self.indptr[term], self.indptr[term + 1]
        return self.ids[start:end], self.scores[start:end]

    def arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        """The arrays to save in an index cache."""
        return {"indptr": self.indptr, "ids": self.ids, "scores": self.scores, "df": self.df}

    @classmethod
    def from_arrays(cls, size: int, arrays: dict[str, npt.NDArray[np.generic]]) -> Postings:
        """Rebuild from ``arrays()``, checking types and bounds (a cache may be damaged)."""
        indptr = np.asarray(arrays["indptr"], dtype=np.int64)
        ids = np.asarray(arrays["ids"], dtype=np.int32)
        scores = np.asarray(arrays["scores"], dtype=np.float64)
        df = np.asarray(arrays["df"], dtype=np.int64)
        ok = (
            len(indptr) == len(df) + 1
            and len(ids) == len(scores) == (indptr[-1] if len(indptr) else -1)
            and (not len(ids) or (ids.min() >= 0 and ids.max() < size))
            and bool(np.all(np.diff(indptr) >= 0))
        )
        if not ok:
            raise ValueError("postings arrays do not fit together")
        return cls(size, indptr, ids, scores, df)


def counts_from_flat(flat: Ints, lengths: Ints, vocabulary: int) -> sp.csr_matrix:
    """Term counts from all documents' term ids end to end and each document's length."""
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    ones = np.ones(len(flat), dtype=np.int64)
    counts = sp.csr_matrix((ones, flat, indptr), shape=(len(lengths), vocabulary))
    counts.sum_duplicates()
    return counts


def ranges(starts: Ints, ends: Ints) -> Ints:
    """All integers of the ranges ``[starts[i], ends[i])``, end to end, without a loop."""
    lengths = ends - starts
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    every: Ints = np.arange(int(lengths.sum()), dtype=np.int64) + offsets
    return every


def first_seen(flat: Ints) -> Ints:
    """Term ids in the order they first occur in ``flat`` (rank-bm25's dictionary order)."""
    terms, first = np.unique(flat, return_index=True)
    order: Ints = terms[np.argsort(first, kind="stable")]
    return order


def idf(df: Ints, size: int, order: Callable[[], Ints], epsilon: float = EPSILON) -> Floats:
    """rank-bm25's BM25Okapi IDF of each term, with ``math.log`` and its summation order.

    A term in more than half the documents has a negative IDF; rank-bm25 replaces it with
    ``epsilon`` times the average IDF over the field's terms, summed in the order the terms
    first occur (``order``, only computed when needed).
    """
    values = np.zeros(len(df))
    present = np.flatnonzero(df)
    negative = []
    for term, n in zip(present.tolist(), df[present].tolist(), strict=True):
        value = math.log(size - n + 0.5) - math.log(n + 0.5)
        values[term] = value
        if value < 0:
            negative.append(term)
    if negative:
        total = 0.0
        for value in values[order()].tolist():
            total += value
        values[negative] = epsilon * (total / len(present))
    return values


def bm25_postings(
    counts: sp.csr_matrix | sp.csc_matrix,
    lengths: Ints,
    k1: float,
    b: float,
    order: Callable[[], Ints],
) -> Postings:
    """Score every (document, term) pair of ``counts`` as rank-bm25's BM25Okapi would."""
    size, vocabulary = counts.shape
    by_term = sp.csc_matrix(counts)
    by_term.sort_indices()
    df = np.diff(by_term.indptr).astype(np.int64)
    if not size or not by_term.nnz:
        ids = np.zeros(0, dtype=np.int32)
        return Postings(size, by_term.indptr.astype(np.int64), ids, np.zeros(0), df)
    avgdl = int(lengths.sum()) / size
    norm = k1 * (1 - b + b * lengths / avgdl)  # rank-bm25's expression, operation for operation
    tf = by_term.data.astype(np.int64)
    ids = by_term.indices
    term_of = np.repeat(np.arange(vocabulary), df)
    weights = idf(df, size, order)
    scores = weights[term_of] * (tf * (k1 + 1) / (tf + norm[ids]))
    return Postings(size, by_term.indptr.astype(np.int64), ids.astype(np.int32), scores, df)
