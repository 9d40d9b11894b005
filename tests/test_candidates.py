import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from bot.core.ranking.candidates import best_first, distinct_best, top


@given(
    scores=st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0]), max_size=40), count=st.integers(1, 50)
)
def test_top_is_a_full_sort_with_ties_in_sentence_order(scores, count):
    values = np.array(scores, dtype=np.float64)
    ids = np.arange(len(values)) * 3
    order = np.lexsort((ids, -values))
    assert top(values, ids, count).tolist() == order[:count].tolist()
    assert list(best_first(values, ids, start=2)) == order.tolist()


def test_distinct_best_quotes_each_text_once_and_only_matched_sentences():
    ids = np.array([0, 1, 2, 3])
    scores = np.array([3.0, 3.0, 2.0, 1.0])
    matched = np.array([True, True, False, True])
    texts = ["Same.", "Same.", "Context only.", "Other."]
    ranked = distinct_best(ids, scores, matched, texts.__getitem__, 3, min_score=0.0)
    assert ranked == [(0, 3.0), (3, 1.0)]
    assert distinct_best(ids, scores, matched, texts.__getitem__, 3, min_score=1.0) == [(0, 3.0)]


def test_a_text_differing_only_in_whitespace_and_case_is_quoted_once():
    ids = np.array([0, 1, 2])
    scores = np.array([3.0, 2.0, 1.0])
    texts = ["Ferries run daily.", "FERRIES  run\ndaily.", "Other."]
    ranked = distinct_best(ids, scores, np.ones(3, dtype=bool), texts.__getitem__, 3, 0.0)
    assert ranked == [(0, 3.0), (2, 1.0)]


def test_positions_given_first_are_taken_first_then_the_rest_best_first():
    ids = np.array([10, 11, 12, 13])
    scores = np.array([4.0, 3.0, 2.0, 1.0])
    texts = {10: "A.", 11: "B.", 12: "a.", 13: "C."}
    everyone = np.ones(4, dtype=bool)
    ranked = distinct_best(ids, scores, everyone, texts.__getitem__, 3, 0.0, first=[2, 1])
    assert ranked == [(12, 2.0), (11, 3.0), (13, 1.0)]  # "A." repeats "a.", taken first
