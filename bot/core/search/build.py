"""Build an index's arrays from a knowledge base: tokenise once, then let numpy do the rest.

Every sentence is analysed once (its terms for BM25 and its words for spelling); the terms
become integer ids, and each field's term counts are sparse matrices derived from the
sentences' counts: a window is its sentence plus its neighbours in the paragraph (a banded
matrix product), a paragraph the sum of its sentences. The result, ``IndexArrays``, is plain
numpy arrays and lists of strings, so it can be saved to disk (``bot.core.search.cache``) or
built in another process and handed back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from bot.core.analysis.entities import AnswerType, holds
from bot.core.analysis.terms import analyse, tokenize
from bot.core.ingest.documents import KnowledgeBase
from bot.core.search.postings import (
    Ints,
    Postings,
    bm25_postings,
    counts_from_flat,
    first_seen,
    ranges,
)

# Sentences, windows and paragraphs are short next to the documents BM25's defaults were made
# for: less length normalisation (b) and quicker term saturation (k1) ranked better on the
# shared benchmark (P@1 0.729 -> 0.735 for windows and paragraphs).
SENTENCE_K1 = 1.2
SENTENCE_B = 0.5
HEADING_K1 = 1.5  # rank-bm25's defaults: titles and sections are few
HEADING_B = 0.75


class _Ids(dict[str, int]):
    """Term -> id, numbering new terms as they come (C-speed lookups through ``map``)."""

    def __missing__(self, term: str) -> int:
        self[term] = number = len(self)
        return number


@dataclass(frozen=True, slots=True)
class IndexArrays:
    """Everything a ``SentenceIndex`` needs beyond the documents themselves."""

    terms: list[str]  # vocabulary, by id
    sentences: Postings
    windows: Postings
    paragraphs: Postings
    headings: Postings
    sentence_terms: sp.csr_matrix  # sentence x term counts (what a sentence vouches for)
    heading_terms: sp.csr_matrix
    heading_of: Ints  # heading id of each sentence
    holds: dict[AnswerType, np.ndarray]  # per answer type, whether each sentence holds one
    pair_keys: Ints  # sorted ids of adjacent term pairs (first * vocabulary + second)
    pair_ptr: Ints
    pair_sentences: Ints
    word_counts: dict[str, int]  # the spelling vocabulary, in first-seen order


def _analyse(texts: list[str], ids: _Ids) -> tuple[Ints, Ints, Counter[str]]:
    """Term ids of all sentences end to end, each sentence's length, word counts."""
    flat: list[int] = []
    lengths: list[int] = []
    words: Counter[str] = Counter()
    for text in texts:
        terms, found = analyse(text)
        flat.extend(map(ids.__getitem__, terms))
        lengths.append(len(terms))
        words.update(found)
    return np.array(flat, dtype=np.int64), np.array(lengths, dtype=np.int64), words


def _headings(base: KnowledgeBase, ids: _Ids) -> tuple[Ints, Ints, Ints]:
    """Heading (title + section) terms and the heading id of every sentence."""
    keys: dict[tuple[int, str | None], int] = {}
    flat: list[int] = []
    lengths: list[int] = []
    heading_of: list[int] = []
    for number, document in enumerate(base.documents):
        title = tokenize(document.title)
        for paragraph in document.paragraphs:
            key = (number, paragraph.section)
            if key not in keys:
                keys[key] = len(keys)
                terms = title + tokenize(paragraph.section or "")
                flat.extend(map(ids.__getitem__, terms))
                lengths.append(len(terms))
            heading_of.extend([keys[key]] * len(paragraph.sentences))
    as_array = np.array
    return as_array(flat, dtype=np.int64), as_array(lengths, dtype=np.int64), as_array(heading_of)


def _window_matrix(paragraph_of: Ints) -> sp.csr_matrix:
    """Sentence -> window: a sentence with its neighbours in the same paragraph."""
    n = len(paragraph_of)
    same = paragraph_of[1:] == paragraph_of[:-1]
    after = np.flatnonzero(same)  # i and i + 1 are neighbours
    rows = np.concatenate((np.arange(n), after, after + 1))
    cols = np.concatenate((np.arange(n), after + 1, after))
    return sp.csr_matrix((np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(n, n))


def _window_order(flat: Ints, lengths: Ints, paragraph_of: Ints) -> Ints:
    """Terms in order of first use in the windows, as rank-bm25 reads them.

    A window is its sentence, then the one before, then the one after (in the same paragraph).
    """
    ends = np.cumsum(lengths)
    starts = ends - lengths
    n = len(lengths)
    index = np.arange(n)
    prev = np.maximum(index - 1, 0)
    nxt = np.minimum(index + 1, max(n - 1, 0))
    has_prev = (index > 0) & (paragraph_of[prev] == paragraph_of)
    has_next = (index < n - 1) & (paragraph_of[nxt] == paragraph_of)
    seg_starts = np.stack((starts, starts[prev], starts[nxt]), axis=1).ravel()
    seg_ends = np.stack(
        (
            ends,
            np.where(has_prev, ends[prev], starts[prev]),
            np.where(has_next, ends[nxt], starts[nxt]),
        ),
        axis=1,
    ).ravel()
    return first_seen(flat[ranges(seg_starts, seg_ends)])


def _pairs(flat: Ints, lengths: Ints, vocabulary: int) -> tuple[Ints, Ints, Ints]:
    """Adjacent term pairs of each sentence: sorted keys, and the sentences keeping each."""
    sentence_of = np.repeat(np.arange(len(lengths)), lengths)
    inside = sentence_of[:-1] == sentence_of[1:]
    keys = flat[:-1][inside] * vocabulary + flat[1:][inside]
    docs = sentence_of[:-1][inside]
    order = np.lexsort((docs, keys))
    keys, docs = keys[order], docs[order]
    fresh = np.ones(len(keys), dtype=bool)
    fresh[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
    keys, docs = keys[fresh], docs[fresh]
    unique, starts = np.unique(keys, return_index=True)
    return unique, np.append(starts, len(keys)).astype(np.int64), docs


def build_arrays(base: KnowledgeBase) -> IndexArrays:
    """Analyse every sentence of ``base`` and compute each field's BM25 scores by term."""
    ids = _Ids()
    texts = [s for d in base.documents for p in d.paragraphs for s in p.sentences]
    flat, lengths, words = _analyse(texts, ids)
    head_flat, head_lengths, heading_of = _headings(base, ids)
    size = len(ids)
    paragraph_of = np.repeat(
        np.arange(sum(len(d.paragraphs) for d in base.documents)),
        [len(p.sentences) for d in base.documents for p in d.paragraphs],
    ).astype(np.int64)
    counts = counts_from_flat(flat, lengths, size)
    windows = _window_matrix(paragraph_of)
    members = sp.csr_matrix(
        (np.ones(len(texts), dtype=np.int64), (paragraph_of, np.arange(len(texts)))),
        shape=(int(paragraph_of[-1]) + 1 if len(texts) else 0, len(texts)),
    )
    heading_counts = counts_from_flat(head_flat, head_lengths, size)
    pair_keys, pair_ptr, pair_sentences = _pairs(flat, lengths, size)
    return IndexArrays(
        terms=list(ids),
        sentences=bm25_postings(
            counts, lengths, SENTENCE_K1, SENTENCE_B, lambda: first_seen(flat)
        ),
        windows=bm25_postings(
            windows @ counts,
            windows @ lengths,
            SENTENCE_K1,
            SENTENCE_B,
            lambda: _window_order(flat, lengths, paragraph_of),
        ),
        paragraphs=bm25_postings(
            members @ counts, members @ lengths, SENTENCE_K1, SENTENCE_B, lambda: first_seen(flat)
        ),
        headings=bm25_postings(
            heading_counts, head_lengths, HEADING_K1, HEADING_B, lambda: first_seen(head_flat)
        ),
        sentence_terms=counts,
        heading_terms=heading_counts,
        heading_of=heading_of.astype(np.int64),
        holds={k: np.array([holds(t, k) for t in texts], dtype=bool) for k in AnswerType},
        pair_keys=pair_keys,
        pair_ptr=pair_ptr,
        pair_sentences=pair_sentences,
        word_counts=dict(words),
    )
