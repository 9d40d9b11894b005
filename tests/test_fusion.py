import numpy as np

from bot.core import AnswerOptions
from bot.core.ranking.fusion import fuse
from bot.core.search.scoring import Scored


def _scored(ids, scores):
    ids = np.array(ids, dtype=np.int64)
    return Scored(ids, np.array(scores, dtype=np.float64), np.ones(len(ids), dtype=bool))


def test_candidates_are_bm25_s_best_and_the_nearest_vectors(briefing):
    n = len(briefing.index)
    question = briefing.read("when is Kalbajar handed over?")
    cosines = np.zeros(n, dtype=np.float32)
    cosines[5] = 0.9  # near in meaning, no shared word needed
    options = AnswerOptions(lexical_candidates=2, semantic_candidates=1, semantic_weight=2.0)
    ids, scores = fuse(
        briefing.index, question, _scored([1, 2, 3], [3.0, 2.0, 1.0]), cosines, options
    )
    assert ids.tolist() == [1, 2, 5]  # BM25's two best, the nearest vector
    assert scores[2] == np.float32(0.9) * 2.0  # no BM25: meaning alone


def test_bm25_counts_in_proportion_to_the_question_it_covers(briefing):
    n = len(briefing.index)
    question = briefing.read("when is Kalbajar handed over?")
    texts = [briefing.index.entries.text(i) for i in range(n)]
    full = next(i for i, t in enumerate(texts) if "November 25" in t)
    other = next(i for i, t in enumerate(texts) if "Kalbajar" not in t)
    scored = _scored(sorted([full, other]), [5.0, 5.0])
    ids, scores = fuse(briefing.index, question, scored, np.zeros(n, np.float32), AnswerOptions())
    by_id = dict(zip(ids.tolist(), scores.tolist(), strict=True))
    assert by_id[full] == 1.0  # the best BM25, holding all of the question
    assert by_id[other] == 0.0  # as good a BM25 score, holding none of it


def test_no_words_matched_leaves_meaning_alone(briefing):
    n = len(briefing.index)
    question = briefing.read("???")
    cosines = np.linspace(0, 1, n, dtype=np.float32)
    ids, scores = fuse(briefing.index, question, _scored([], []), cosines, AnswerOptions())
    assert ids[-1] == n - 1
    assert scores[-1] == AnswerOptions().semantic_weight * 1.0
