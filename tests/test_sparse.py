"""The precomputed scorer equals exhaustive rank-bm25 scoring, bit for bit, on random input."""

from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from bot.core.answer import Answerer
from bot.core.index import Bm25Field
from bot.core.knowledge import KnowledgeBase
from bot.core.models import AnswerOptions, Document, DocumentMeta, Paragraph
from bot.core.scoring import best_first, top
from bot.core.sparse import ranges
from tests.reference import ExhaustiveAnswerer

# A small vocabulary, so that terms repeat, fill over half the documents (negative IDF) and
# tie often: the cases where a fast path would most easily drift.
WORDS = ["ship", "grain", "port", "harbour", "snow", "bread", "cat", "river", "2000", "nato"]
TERMS = st.lists(st.sampled_from(WORDS), max_size=8)
CORPUS = st.lists(TERMS, max_size=12)


@given(
    corpus=CORPUS, question=TERMS, k1=st.sampled_from([1.2, 1.5]), b=st.sampled_from([0.5, 0.75])
)
def test_field_scores_equal_rank_bm25(corpus, question, k1, b):
    field = Bm25Field.build(corpus, k1=k1, b=b)
    if any(corpus) and question:
        expected = np.maximum(BM25Okapi(corpus, k1=k1, b=b).get_scores(question), 0.0)
    else:
        expected = np.zeros(len(corpus))
    assert field.scores(question).tolist() == expected.tolist()


SENTENCE = st.lists(
    st.sampled_from([*WORDS, "the", "Grain", "ships", "in", "1990"]), min_size=1, max_size=8
)
PARAGRAPH = st.lists(SENTENCE.map(lambda ws: " ".join(ws) + "."), min_size=1, max_size=4)
DOCUMENT = st.tuples(
    st.sampled_from(["Ports", "Snow report", "Grain"]),
    st.lists(
        st.tuples(st.sampled_from([None, "Harbour", "Weather"]), PARAGRAPH), min_size=1, max_size=4
    ),
)


def _base(documents) -> KnowledgeBase:
    docs = tuple(
        Document(
            path=f"{i}.md",
            meta=DocumentMeta(title=title),
            paragraphs=tuple(
                Paragraph(tuple(s), section, line) for line, (section, s) in enumerate(paragraphs)
            ),
            digest=str(i),
        )
        for i, (title, paragraphs) in enumerate(documents)
    )
    return KnowledgeBase(directory=Path("."), documents=docs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    documents=st.lists(DOCUMENT, min_size=1, max_size=3),
    question=st.lists(
        st.sampled_from([*WORDS, "how many", "when", "ships"]), min_size=1, max_size=6
    ),
)
def test_answers_equal_exhaustive_scoring(documents, question):
    fast = Answerer(_base(documents), AnswerOptions(top_k=10))
    slow = ExhaustiveAnswerer(fast)
    text = " ".join(question) + "?"
    terms = fast.index.question_terms(text)
    if terms:
        dense = fast.index.scores(terms, fast.options)
        assert dense.tolist() == slow.reference.scores(terms, fast.options).tolist()
    assert fast.ask(text) == slow.ask(text)


@given(
    scores=st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0]), max_size=40), count=st.integers(1, 50)
)
def test_top_is_a_full_sort_with_ties_in_sentence_order(scores, count):
    values = np.array(scores, dtype=np.float64)
    ids = np.arange(len(values)) * 3
    order = np.lexsort((ids, -values))
    assert top(values, ids, count).tolist() == order[:count].tolist()
    assert list(best_first(values, ids, start=2)) == order.tolist()


def test_ranges_lists_every_integer_of_each_range():
    starts, ends = np.array([0, 5, 7]), np.array([2, 5, 10])
    assert ranges(starts, ends).tolist() == [0, 1, 7, 8, 9]
