"""Words and meaning together: BM25's candidates and the nearest vectors, ranked as one list.

BM25 finds the sentences that share the question's words; the sentence vectors find those that
say the same thing in other words ("set their homes alight" for "burn their houses"). The two
candidate lists are merged, and each candidate scored as

    BM25 / best BM25 x coverage  +  semantic_weight x cosine

The BM25 part is scaled by how much of the question's term weight the sentence holds, so a
sentence that tops BM25 on one common word does not outweigh one that means what was asked.
The weights were measured on the shared evaluation sets (see the README); the BM25 scores
themselves are untouched, exactly rank-bm25's.
"""

from __future__ import annotations

import numpy as np

from bot.core.options import AnswerOptions
from bot.core.question import Question
from bot.core.ranking.abstention import held_share, term_weights
from bot.core.ranking.candidates import top
from bot.core.search.index import SentenceIndex
from bot.core.search.postings import Floats, Ints
from bot.core.search.scoring import Scored
from bot.core.search.vectors import Floats32


def fuse(
    index: SentenceIndex,
    question: Question,
    scored: Scored,
    cosines: Floats32,
    options: AnswerOptions,
) -> tuple[Ints, Floats]:
    """The merged candidates (ascending sentence ids) and their fused scores."""
    lexical = scored.ids[top(scored.scores, scored.ids, options.lexical_candidates)]
    count = min(options.semantic_candidates, len(cosines))
    semantic = np.argpartition(-cosines, count - 1)[:count] if count else np.zeros(0, np.int64)
    ids = np.union1d(lexical, semantic).astype(np.int64)
    bm25 = np.zeros(len(ids))
    if len(scored.ids):
        at = np.searchsorted(scored.ids, ids)
        found = (at < len(scored.ids)) & (scored.ids[np.minimum(at, len(scored.ids) - 1)] == ids)
        bm25[found] = scored.scores[at[found]]
    best = float(scored.scores.max()) if len(scored.scores) else 0.0
    if best > 0:
        weights = term_weights(index, question.terms)
        for i in np.flatnonzero(bm25 > 0):
            bm25[i] *= held_share(index, weights, int(ids[i])) / best
    fused: Floats = bm25 + options.semantic_weight * cosines[ids].astype(np.float64)
    return ids, fused
