import pytest

from bot.core import Answerer, AnswerOptions
from bot.core.ingest.loading import load_knowledge
from bot.core.ranking.abstention import coverage, missing_names, too_weak
from tests.conftest import MAX_BYTES


def _missing(answerer, question, sentence):
    return missing_names(answerer.index, answerer.read(question), sentence)


def test_a_name_the_knowledge_never_mentions_is_missing(briefing):
    assert "Armenia" in briefing.index.entries.text(0)
    question = "Is Armenia a member of NATO?"
    assert _missing(briefing, question, 0) == ["NATO"]  # the briefing never names NATO
    assert too_weak(briefing.index, briefing.read(question), 0, AnswerOptions())


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("When did Great Britain lose its colonies?", []),  # "Britain" names it
        ("When did Britain and NATO lose colonies?", ["NATO"]),
        ("When did Greater London lose its colonies?", ["Greater London"]),
    ],
)
def test_names_are_looked_for_by_their_head_word(write, tmp_path, question, missing):
    write("a.md", "# Notes\n\nBritain lost its colonies in 1776.\n")
    answerer = Answerer(load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES))
    assert _missing(answerer, question, 0) == missing


def test_coverage_weighs_the_question_s_terms_found_in_sentence_and_paragraph(write, tmp_path):
    write("a.md", "# Notes\n\nThe ferry is slow. It crosses the strait daily.\n")
    answerer = Answerer(load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES))
    terms = answerer.read("Does the slow ferry cross the strait?").terms
    alone = coverage(answerer.index, terms, 0)
    with_paragraph = coverage(answerer.index, terms, 0, paragraph=True)
    assert 0 < alone < with_paragraph == pytest.approx(1.0)
    assert coverage(answerer.index, (), 0) == 0.0
