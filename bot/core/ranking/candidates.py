"""Order scored candidates: best first, ties in the knowledge's order, each text once.

Sorting is done a slice at a time, since a question usually needs only its three best distinct
sentences out of thousands scored.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from bot.core.search.postings import Bools, Floats, Ints
from bot.core.search.sentence_table import text_key


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


def distinct_best(
    ids: Ints,
    scores: Floats,
    matched: Bools,
    text: Callable[[int], str],
    count: int,
    min_score: float,
    first: Sequence[int] = (),
) -> list[tuple[int, float]]:
    """The ``count`` best sentences scoring above ``min_score``, as (sentence, score).

    A sentence is quoted only if it holds a question term itself (``matched``), and a text
    repeated in the knowledge (whitespace and case aside) is quoted once. ``first`` are
    positions to take before the rest, in that order (newer documents first, from
    ``recency.recency_order``); they must score above ``min_score``.
    """
    ranked: list[tuple[int, float]] = []
    seen: set[str] = set()
    for i in _walk(scores, ids, first):
        score = float(scores[i])
        if score <= min_score or len(ranked) == count:
            break
        sentence = text_key(text(int(ids[i])))
        if sentence not in seen and matched[i]:
            seen.add(sentence)
            ranked.append((int(ids[i]), score))
    return ranked


def _walk(scores: Floats, ids: Ints, first: Sequence[int]) -> Iterator[int]:
    """``first``, then every other position best first."""
    if not first:
        return best_first(scores, ids)
    taken = set(first)
    return itertools.chain(first, (i for i in best_first(scores, ids) if i not in taken))
