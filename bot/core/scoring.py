"""Score only the sentences a question can reach, with exactly the dense arithmetic.

A sentence scores above zero only if its sentence, window, paragraph or headings hold a
question term, or it keeps two of them side by side. Those sentences are found from the
terms' postings, and each field's scores are added for them alone, in the order and with the
float operations of the dense sum (sentence, then window, paragraph, headings, pairs), so every
score equals the one the dense computation gives, bit for bit, while the cost follows the
question's matches rather than the size of the knowledge.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from bot.core.models import AnswerOptions
from bot.core.sparse import Floats, Ints, Postings, ranges

if TYPE_CHECKING:
    from bot.core.index import SentenceIndex


@dataclass(frozen=True, slots=True)
class Scored:
    """The sentences that can score above zero for a question, ascending, with their scores.

    ``matched`` tells which of them hold a question term themselves (only those are quoted).
    """

    ids: Ints
    scores: Floats
    matched: npt.NDArray[np.bool_]


def _add(total: Floats, ids: Ints, postings: Postings, terms: list[int]) -> Floats:
    """Add each term's scores (in the question's order) at the positions of ``ids``."""
    for term in terms:
        docs, scores = postings.of(term)
        total[np.searchsorted(ids, docs)] += scores
    return total


def _field_scores(postings: Postings, terms: list[int]) -> Floats:
    """A small field's (paragraphs, headings) scores for every document, floored at zero."""
    return np.maximum(postings.dense(terms), 0.0)


def _reach(
    index: SentenceIndex, term_ids: list[int], opts: AnswerOptions
) -> tuple[Ints, Ints, Floats | None, Floats | None]:
    """Sentences holding a term, sentences reachable at all, paragraph and heading scores."""
    n = len(index)
    reach = np.zeros(n, dtype=bool)
    for term in term_ids:
        reach[index.sentences.postings.of(term)[0]] = True
    matched = np.flatnonzero(reach)
    if opts.window_weight:
        for term in term_ids:
            reach[index.windows.postings.of(term)[0]] = True
    paragraph = heading = None
    if opts.paragraph_weight:
        paragraph = _field_scores(index.paragraphs.postings, term_ids)
        hit = np.flatnonzero(paragraph > 0)
        start = index.entries.paragraph_start
        reach[ranges(start[hit], start[hit + 1])] = True
    if opts.heading_weight:
        heading = _field_scores(index.headings.postings, term_ids)
        reach[index.heading_sentences(np.flatnonzero(heading > 0))] = True
    return matched, np.flatnonzero(reach), paragraph, heading


def score_sentences(index: SentenceIndex, terms: Sequence[str], opts: AnswerOptions) -> Scored:
    """See the module docstring; an empty result when nothing matches."""
    term_ids = index.sentences.ids(terms)
    matched_ids, ids, paragraph, heading = _reach(index, term_ids, opts)
    total = np.maximum(_add(np.zeros(len(ids)), ids, index.sentences.postings, term_ids), 0.0)
    if opts.window_weight:
        window = _add(np.zeros(len(ids)), ids, index.windows.postings, term_ids)
        total += opts.window_weight * np.maximum(window, 0.0)
    if paragraph is not None:
        total += opts.paragraph_weight * paragraph[index.entries.paragraph_of[ids]]
    if heading is not None:
        total += opts.heading_weight * heading[index.arrays.heading_of[ids]]
    if opts.pair_weight:
        pairs = np.zeros(len(ids))
        for hits, bonus in index.pair_hits(terms):
            pairs[np.searchsorted(ids, hits)] += bonus
        total += opts.pair_weight * pairs
    matched = np.zeros(len(ids), dtype=bool)
    matched[np.searchsorted(ids, matched_ids)] = True
    return Scored(ids, total, matched)


def top(scores: Floats, ids: Ints, count: int) -> Ints:
    """Positions of the ``count`` best scores, best first, ties in sentence order (``ids``).

    ``argpartition``-style: only the scores at or above the cut are sorted, so the cost follows
    the number of candidates, not ``log`` of it times all of them.
    """
    if count < len(scores):
        cut = np.partition(scores, len(scores) - count)[len(scores) - count]
        keep = np.flatnonzero(scores >= cut)
    else:
        keep = np.arange(len(scores))
    return keep[np.lexsort((ids[keep], -scores[keep]))][:count]


def best_first(scores: Floats, ids: Ints, start: int = 64) -> Iterator[int]:
    """Every position, best score first, ties in sentence order.

    Sorted a slice at a time, since a walk over the ranking usually stops after a few
    distinct sentences.
    """
    count, done = start, 0
    while done < len(scores):
        ranked = top(scores, ids, count)
        yield from ranked[done:].tolist()
        done, count = len(ranked), count * 4
