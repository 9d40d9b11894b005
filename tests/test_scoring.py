"""Scoring only the sentences a question reaches equals exhaustive rank-bm25 scoring."""

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.core import (
    Answerer,
    AnswerOptions,
    Document,
    DocumentMeta,
    ExhaustiveAnswerer,
    KnowledgeBase,
)
from bot.core.ingest.documents import Paragraph
from testkit.reference import dense_scores

# A small vocabulary, so that terms repeat, fill over half the documents (negative IDF) and
# tie often: the cases where a fast path would most easily drift.
WORDS = ["ship", "grain", "port", "harbour", "snow", "bread", "cat", "river", "2000", "nato"]
TERMS = st.lists(st.sampled_from(WORDS), max_size=8)

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
# Found by hypothesis: a sentence repeated with another case is quoted once by both rankings.
@example(
    documents=[("Ports", [(None, ["ship.", "Grain."]), (None, ["ship.", "ship.", "grain."])])],
    question=["grain"],
)
@given(
    documents=st.lists(DOCUMENT, min_size=1, max_size=3),
    question=st.lists(
        st.sampled_from([*WORDS, "how many", "when", "ships"]), min_size=1, max_size=6
    ),
)
def test_answers_equal_exhaustive_scoring(documents, question):
    fast = Answerer(_base(documents), AnswerOptions(answer_count=10))
    slow = ExhaustiveAnswerer(fast)
    text = " ".join(question) + "?"
    terms = fast.read(text).terms
    if terms:
        dense = dense_scores(fast.index, terms, fast.options)
        assert dense.tolist() == slow.reference.scores(terms, fast.options).tolist()
    assert fast.ask(text) == slow.ask(text)
