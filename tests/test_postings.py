"""Precomputed BM25 postings equal rank-bm25's scores, bit for bit, on random input."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from bot.core.search.postings import ranges
from testkit.reference import field_postings, field_scores

# A small vocabulary, so that terms repeat, fill over half the documents (negative IDF) and
# tie often: the cases where a fast path would most easily drift.
WORDS = ["ship", "grain", "port", "harbour", "snow", "bread", "cat", "river", "2000", "nato"]
TERMS = st.lists(st.sampled_from(WORDS), max_size=8)
CORPUS = st.lists(TERMS, max_size=12)


@given(
    corpus=CORPUS, question=TERMS, k1=st.sampled_from([1.2, 1.5]), b=st.sampled_from([0.5, 0.75])
)
def test_field_scores_equal_rank_bm25(corpus, question, k1, b):
    postings, vocabulary = field_postings(corpus, k1=k1, b=b)
    if any(corpus) and question:
        expected = np.maximum(BM25Okapi(corpus, k1=k1, b=b).get_scores(question), 0.0)
    else:
        expected = np.zeros(len(corpus))
    assert field_scores(postings, vocabulary, question).tolist() == expected.tolist()


def test_ranges_lists_every_integer_of_each_range():
    starts, ends = np.array([0, 5, 7]), np.array([2, 5, 10])
    assert ranges(starts, ends).tolist() == [0, 1, 7, 8, 9]
