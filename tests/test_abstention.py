import functools

import pytest

from bot.core import Answerer, AnswerOptions
from bot.core.ingest.loading import load_knowledge
from bot.core.ranking.abstention import (
    another_time,
    answers,
    coverage,
    meaning_too_weak,
    missing_names,
    too_weak,
)
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


def test_meaning_and_words_vouch_together(briefing):
    question = briefing.read("when is Kalbajar handed over?")
    options = AnswerOptions(min_meaning=0.6, meaning_coverage_weight=0.5)
    texts = [briefing.index.entries.text(i) for i in range(len(briefing.index))]
    kalbajar = next(i for i, t in enumerate(texts) if "November 25" in t)
    assert coverage(briefing.index, question.terms, kalbajar) == pytest.approx(1.0)
    assert not meaning_too_weak(briefing.index, question, kalbajar, 0.2, options)  # 0.2 + 0.5
    assert meaning_too_weak(briefing.index, question, kalbajar, 0.05, options)


def test_words_aligned_in_meaning_vouch_only_when_needed(briefing):
    question = briefing.read("when is Kalbajar handed over?")
    options = AnswerOptions(min_meaning=1.0, meaning_coverage_weight=0.0, alignment_weight=0.5)
    asked: list[float] = []

    def aligned(share: float):
        def measure() -> float:
            asked.append(share)
            return share

        return measure

    texts = [briefing.index.entries.text(i) for i in range(len(briefing.index))]
    kalbajar = next(i for i, t in enumerate(texts) if "November 25" in t)  # holds the date
    weak = functools.partial(meaning_too_weak, briefing.index, question, kalbajar)
    assert not weak(1.0, options, aligned(0.0))  # the cosine alone is enough
    assert weak(0.4, options, aligned(1.0))  # 0.4 + 0.5 x everything is still short
    assert asked == []  # neither needed the model run
    assert not weak(0.6, options, aligned(0.8))  # 0.6 + 0.4
    assert weak(0.6, options, aligned(0.6))  # 0.6 + 0.3
    assert asked == [0.8, 0.6]
    assert not weak(0.6, options, aligned(0.0), 0.8)  # the floor known without the model does
    assert asked == [0.8, 0.6]


def test_a_sentence_without_the_kind_of_answer_asked_for_is_too_weak(briefing):
    question = briefing.read("How many peacekeepers will Russia send?")
    texts = [briefing.index.entries.text(i) for i in range(len(briefing.index))]
    no_number = next(
        i
        for i, t in enumerate(texts)
        if not any(c.isdigit() for c in t) and "peacekeep" in t.lower() and " two " not in t
    )
    assert meaning_too_weak(briefing.index, question, no_number, 0.99, AnswerOptions())


ANSWERING = """# Notes

## Merrow Bridge

Work is now expected to last two years.

## Bus strike

Ana Voss said the new contract runs for three years.
Bus drivers agreed on Thursday to end the strike.

## Port

The Lachin ferry will sail again on March 3.
The port handled 1.2 million tonnes of cargo in February.
"""


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # the subject in the heading, what was asked in the sentence's own words
        ("How long will work on the Merrow Bridge take?", 0, True),
        # under the heading, but saying nothing of what was asked
        ("Is the bus strike still going on?", 1, False),
        ("Is the bus strike still going on?", 2, True),
        # a "when" question wants a sentence that holds a day
        ("When was the new contract signed?", 1, False),
        ("When did the drivers end the strike?", 2, True),
        # what the question names must be in the sentence or its headings
        ("When will the Kalbajar ferry sail again?", 3, False),
        ("When will the Lachin ferry sail again?", 3, True),
        # the fine kind asked for: "how long" wants a duration, not any number
        ("How long is the contract?", 1, True),
        ("How long ago did the drivers agree?", 2, False),
        # only the opposite of what was asked is no answer, except to a yes-or-no question
        ("When did the drivers begin the strike?", 2, False),
        ("Did the drivers begin the strike again?", 2, True),
        # another month than the one asked about
        ("How much cargo did the port handle in January?", 4, False),
        ("How much cargo did the port handle in February?", 4, True),
    ],
)
def test_a_sentence_answers_when_it_holds_the_kind_the_names_and_the_question_s_words(
    write, tmp_path, question, sentence, expected
):
    write("a.md", ANSWERING)
    answerer = Answerer(load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES))
    read = answerer.read(question)
    assert answers(answerer.index, read, sentence, AnswerOptions()) is expected


def test_a_sentence_about_another_month_or_year_is_too_weak(write, tmp_path):
    write(
        "a.md",
        "# Port\n\nThe port handled 1.2 million tonnes of cargo in February.\n\n"
        "## Ferry\n\nThe ferry was built in 2019 and runs daily.\n",
    )
    answerer = Answerer(load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES))
    index, options = answerer.index, AnswerOptions()

    def weak(question: str, sentence: int) -> bool:
        return too_weak(index, answerer.read(question), sentence, options)

    assert another_time(index, answerer.read("How much cargo in January?"), 0)
    assert weak("How much cargo did the port handle in January?", 0)
    assert not weak("How much cargo did the port handle in February?", 0)
    assert not weak("How much cargo did the port handle?", 0)
    assert weak("When did the ferry run in 2021?", 1)
    assert not another_time(index, answerer.read("Was the ferry built in 2019?"), 1)
    assert answerer.ask("How much cargo did the port handle in January?").best is None
