"""Newer briefings first, when sentences of different days score alike or say nearly the same.

Admins get a briefing a day, and a later one often updates an earlier one: Monday's says the
handover is on November 20, Wednesday's that it was delayed to November 25. Both answer "when
is the handover?", and words and meaning alone may well prefer Monday's wording. So after
scoring (and fusion) and before the distinct best are picked (``candidates.distinct_best``),
the best candidates are walked best first, and at each step the one in line gives way to a
candidate from a newer document that answers the question (``abstention.answers``: it holds the
kind of answer asked for, mentions what the question names, and speaks of the question in its
own words) and

- scores within ``recency_margin`` of it (a share of its score: 0.15, measured on the dated
  sets of ``tests/fixtures``), or
- says nearly the same: the same text (whitespace and case aside), vectors whose cosine is at
  least ``duplicate_cosine``, or at least ``duplicate_terms`` of their terms in common.

With the sentence model it must also speak to as many of the question's words as the one in
line (``alignment.aligned_share``, with its headings): asked when the summit starts, Thursday's
"the closing declaration will be signed on March 21" speaks to "summit" but not to "start",
and gives way to Wednesday's "pushed the opening of the summit back to March 19", which speaks
to both. Asked when a strike began, "agreed to end the strike" is no update to "began a strike
on Saturday". A revision in other words ("moved the start of the summit to March 10" against
"will open on March 3") still goes first: "start" and "open" align.

Likeness alone never moves a sentence: a newer sentence on another district's handover, or on
the day work began when the question is when it ends, reads much like the answer and is none.
The newest such candidate goes first; the one passed over stays next in line, so it is still
there under "More". Only dated documents are compared: an undated one neither moves nor is moved
past, so knowledge without dates ranks exactly as it would without this step (the shared
evaluation sets have none). A sentence repeated word for word in several briefings is cited
from the newest (``cited_copy``), with the number of other documents that hold it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import numpy as np

from bot.core.options import AnswerOptions
from bot.core.ranking.candidates import top
from bot.core.search.index import SentenceIndex
from bot.core.search.postings import Bools, Floats, Ints
from bot.core.search.sentence_table import text_key
from bot.core.search.vectors import SentenceVectors

RECENCY_DEPTH = 20  # candidates walked: an update that ranks lower than this is not looked for


def newer_first(
    scores: Sequence[float],
    days: Sequence[dt.date | None],
    alike: Bools,
    margin: float,
    answers: Sequence[bool] | None = None,
    speaks: Callable[[int], float] | None = None,
) -> list[int]:
    """The candidates' order, as positions into ``scores`` (which are best first).

    ``days`` are the candidates' documents' dates, ``alike[i, j]`` whether candidates i and
    j say nearly the same, and ``answers[i]`` whether candidate i answers the question at all
    (None: every one does). One that does not never goes before another for being newer.
    ``speaks(i)`` is the share of the question's words candidate i speaks to (None: not
    compared); a newer one that speaks to less than the one in line does not go before it.
    It is asked only of candidates that contend otherwise, since it may cost a model run.
    """
    answering = [True] * len(scores) if answers is None else list(answers)
    remaining = list(range(len(scores)))
    order: list[int] = []
    shares: dict[int, float] = {}

    def share(i: int) -> float:
        if i not in shares:
            shares[i] = speaks(i) if speaks is not None else 1.0
        return shares[i]

    while remaining:
        pick = _newest_contender(remaining, scores, days, alike, margin, answering, share)
        order.append(pick)
        remaining.remove(pick)
    return order


def _newest_contender(
    remaining: list[int],
    scores: Sequence[float],
    days: Sequence[dt.date | None],
    alike: Bools,
    margin: float,
    answers: Sequence[bool],
    share: Callable[[int], float],
) -> int:
    """The candidate to take next: the newest that contends with the one in line, or that one."""
    first = remaining[0]
    pick, newest = first, days[first]
    if newest is None:
        return first
    floor = scores[first] - margin * abs(scores[first])
    for i in remaining[1:]:
        day = days[i]
        if (
            answers[i]
            and day is not None
            and day > newest
            and (alike[first, i] or (scores[i] >= floor and share(i) >= share(first)))
        ):
            pick, newest = i, day
    return pick


def alike(
    index: SentenceIndex,
    vectors: SentenceVectors | None,
    sentences: Sequence[int],
    options: AnswerOptions,
) -> Bools:
    """Whether each two of ``sentences`` say nearly the same, as a square matrix."""
    keys = np.array([text_key(index.entries.text(s)) for s in sentences], dtype=object)
    same = np.asarray(keys[:, None] == keys[None, :], dtype=bool)
    held = (index.arrays.sentence_terms[np.asarray(sentences, dtype=np.int64)] > 0).astype(
        np.float64
    )
    shared = np.asarray((held @ held.T).todense())
    sizes = np.asarray(held.sum(axis=1)).ravel()
    union = sizes[:, None] + sizes[None, :] - shared
    overlap = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
    result: Bools = same | (overlap >= options.duplicate_terms)
    if vectors is not None:
        result |= vectors.similarities(sentences) >= options.duplicate_cosine
    return result


def recency_order(
    index: SentenceIndex,
    vectors: SentenceVectors | None,
    ids: Ints,
    scores: Floats,
    eligible: Bools,
    options: AnswerOptions,
    answers: Callable[[int], bool] | None = None,
    speaks: Callable[[int], float] | None = None,
) -> list[int]:
    """Positions (into ``ids``) of the best eligible candidates, in the order to take them.

    ``answers(sentence)`` says whether a sentence answers the question at all (see
    ``abstention.answers``); only one that does is moved ahead for being newer, and with
    ``speaks(sentence)`` (the share of the question's words it speaks to) only past one that
    speaks to no more. Empty when recency changes nothing (off, or fewer than two dates among
    them): then the scores alone decide.
    """
    if not options.recency_margin:
        return []
    keep = np.flatnonzero(eligible & (scores > options.min_score))
    head = keep[top(scores[keep], ids[keep], RECENCY_DEPTH)]
    sentences = [int(ids[p]) for p in head]
    days = [_published(index, s) for s in sentences]
    if len({d for d in days if d is not None}) < 2:
        return []
    similar = alike(index, vectors, sentences, options)
    answering = [answers(s) for s in sentences] if answers is not None else None

    def spoken(i: int) -> float:
        return speaks(sentences[i]) if speaks is not None else 1.0

    order = newer_first(
        scores[head].tolist(), days, similar, options.recency_margin, answering, spoken
    )
    return [int(head[i]) for i in order] if order != sorted(order) else []


def cited_copy(index: SentenceIndex, sentence: int) -> tuple[int, int]:
    """The copy of ``sentence`` to cite, and how many other documents hold its text.

    The copy cited is the one in the newest dated document, or ``sentence`` itself when none
    is newer than its own.
    """
    copies = index.copies(sentence)  # ``sentence`` among them
    if len(copies) == 1:
        return sentence, 0
    documents = [index.entries.document(c) for c in copies]
    cited, newest = sentence, documents[copies.index(sentence)].meta.published
    for copy, document in zip(copies, documents, strict=True):
        day = document.meta.published
        if newest is not None and day is not None and day > newest:
            cited, newest = copy, day
    return cited, len({d.path for d in documents}) - 1


def _published(index: SentenceIndex, sentence: int) -> dt.date | None:
    return index.entries.document(sentence).meta.published
