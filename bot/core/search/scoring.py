"""Score only the sentences a question can reach, with exactly the dense arithmetic.

A sentence scores above zero only if its sentence, window, paragraph or headings hold a
question term, or it keeps two of them side by side. Those sentences are found from the
terms' postings, and each field's scores are added for them alone, in the order and with the
float operations of the dense sum (sentence, then window, paragraph, headings, pairs), so every
score equals the one the dense computation gives, bit for bit, while the cost follows the
question's matches rather than the size of the knowledge.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

from bot.core.options import AnswerOptions
from bot.core.search.postings import AnyInts, Bools, Floats, Ints, Postings, ranges

PairHits = Sequence[tuple[AnyInts, float]]  # sentences keeping a word pair, and its bonus


@dataclass(frozen=True, slots=True)
class Fields:
    """The arrays a question is scored on: each field's postings, and who belongs to whom."""

    sentences: Postings
    windows: Postings
    paragraphs: Postings
    headings: Postings
    paragraph_of: Ints  # paragraph of each sentence
    paragraph_start: Ints  # first sentence of each paragraph, then the sentence count
    heading_of: Ints  # heading of each sentence

    @property
    def size(self) -> int:
        """How many sentences there are."""
        return self.sentences.size


@dataclass(frozen=True, slots=True)
class Scored:
    """The sentences that can score above zero for a question, ascending, with their scores.

    ``matched`` tells which of them hold a question term themselves (only those are quoted).
    """

    ids: Ints
    scores: Floats
    matched: Bools


class _Scratch(threading.local):
    """Per-thread work arrays the size of the knowledge, reused across questions.

    A question never pays for allocating or clearing them whole: between questions ``reach``
    is all False and ``where`` all 0 (a sentence's position among those scored, plus one;
    0: not scored).
    """

    def __init__(self) -> None:
        self.reach = np.zeros(0, dtype=bool)
        self.where = np.zeros(0, dtype=np.int64)

    def arrays(self, n: int) -> tuple[npt.NDArray[np.bool_], Ints]:
        if len(self.reach) < n:
            self.reach = np.zeros(n, dtype=bool)
            self.where = np.zeros(n, dtype=np.int64)
        return self.reach[:n], self.where[:n]


_SCRATCH = _Scratch()


def _sum(postings: Postings, terms: list[int], size: int, where: Ints | None = None) -> Floats:
    """Each term's scores added up per document, in the question's order (as ``get_scores``).

    ``bincount`` adds its weights one by one in array order, so concatenating the terms'
    postings in the question's order gives the same float sums as adding term after term.
    With ``where``, documents are renumbered (``where`` 0, not scored, is dropped).
    """
    if not terms:
        return np.zeros(size)
    parts = [postings.of(t) for t in terms]
    docs = np.concatenate([d for d, _ in parts])
    scores = np.concatenate([s for _, s in parts])
    if where is None:
        return cast(Floats, np.bincount(docs, weights=scores, minlength=size))
    return cast(Floats, np.bincount(where[docs], weights=scores, minlength=size + 1)[1:])


@dataclass(frozen=True, slots=True)
class _Question:
    """What every step of scoring one question needs."""

    fields: Fields
    term_ids: list[int]
    opts: AnswerOptions
    pairs: PairHits
    boosted: Bools | None  # sentences holding the kind of answer asked for, if one is
    paragraph: Floats | None  # floored scores of every paragraph, if weighed
    heading: Floats | None


def _combine(q: _Question, ids: Ints, where: Ints) -> Floats:
    """Final scores of ``ids`` (ascending; ``where`` numbers them from 1), as the dense sum."""
    fields, opts, size = q.fields, q.opts, len(ids)
    total = np.maximum(_sum(fields.sentences, q.term_ids, size, where), 0.0)
    if opts.window_weight:
        window = _sum(fields.windows, q.term_ids, size, where)
        total += opts.window_weight * np.maximum(window, 0.0)
    if q.paragraph is not None:
        total += opts.paragraph_weight * q.paragraph[fields.paragraph_of[ids]]
    if q.heading is not None:
        total += opts.heading_weight * q.heading[fields.heading_of[ids]]
    if opts.pair_weight:
        pairs = np.zeros(size)
        for hits, bonus in q.pairs:
            pairs[where[hits] - 1] += bonus
        total += opts.pair_weight * pairs
    if q.boosted is not None:  # "how many", "when": favour sentences that can say
        total = total * np.where(q.boosted[ids], 1.0 + opts.type_boost, 1.0)
    return total


def _contenders(q: _Question, scores: Floats, depth: int) -> Ints:
    """Sentences reached only through their paragraph or headings that might still rank.

    Such a sentence's score is at most its paragraph's and headings' part (times the
    answer-type boost); only where that bound reaches the ``depth``-th best score known can it
    be among the ``depth`` best.
    """
    fields, opts = q.fields, q.opts
    start = fields.paragraph_start
    base = np.zeros(len(start) - 1)
    if q.paragraph is not None:
        base += opts.paragraph_weight * q.paragraph
    if q.heading is not None:
        base += opts.heading_weight * q.heading[fields.heading_of[start[:-1]]]
    if q.boosted is not None:
        base *= 1.0 + opts.type_boost
    cut = (
        np.partition(scores, len(scores) - depth)[len(scores) - depth]
        if len(scores) >= depth
        else 0.0
    )
    hit = np.flatnonzero((base > 0) & (base >= cut * (1 - 1e-9)))
    return ranges(start[hit], start[hit + 1])


def _union(found: list[AnyInts], n: int) -> tuple[Ints, Ints]:
    """Sorted distinct ids of ``found``, and ``where`` numbering them from 1 (clear it!)."""
    reach, where = _SCRATCH.arrays(n)
    for docs in found:
        reach[docs] = True
    ids = np.flatnonzero(reach)
    reach[ids] = False
    where[ids] = np.arange(1, len(ids) + 1)
    return ids, where


def score_sentences(
    fields: Fields,
    term_ids: list[int],
    opts: AnswerOptions,
    *,
    pairs: PairHits = (),
    boosted: Bools | None = None,
    depth: int = 0,
) -> Scored:
    """Final scores of every sentence that holds one of ``term_ids`` (in the question's order).

    ``pairs`` adds the word-pair bonus, ``boosted`` marks the sentences holding the kind of
    answer asked for. With ``depth``, also scores every other sentence that could rank among
    the ``depth`` best.
    """
    q = _Question(
        fields,
        term_ids,
        opts,
        pairs,
        boosted,
        np.maximum(_sum(fields.paragraphs, term_ids, fields.paragraphs.size), 0.0)
        if opts.paragraph_weight
        else None,
        np.maximum(_sum(fields.headings, term_ids, fields.headings.size), 0.0)
        if opts.heading_weight
        else None,
    )
    found: list[AnyInts] = [fields.sentences.of(t)[0] for t in term_ids]
    matched = len(found)
    if depth and opts.window_weight:  # neighbours of a match: reached through the window
        found += [fields.windows.of(t)[0] for t in term_ids]
    ids, where = _union(found, fields.size)
    try:
        scores = _combine(q, ids, where)
        if depth and len(extra := _contenders(q, scores, depth)):
            where[ids] = 0
            ids, where = _union([*found, extra], fields.size)
            scores = _combine(q, ids, where)
        holds = np.zeros(len(ids), dtype=bool)
        for docs in found[:matched]:
            holds[where[docs] - 1] = True
    finally:
        where[ids] = 0
    return Scored(ids, scores, holds)
