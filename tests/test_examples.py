"""Example questions: drawn from the knowledge's sections, and each one answered from there."""

from __future__ import annotations

from bot.core import Answerer, KnowledgeBase, build_answerer, example_questions
from bot.core.examples import heading_phrase
from tests.conftest import engine


def test_a_heading_reads_as_part_of_a_sentence():
    text = "Armenia must return the territory. Russian troops arrived."
    assert heading_phrase("Return of territory", text) == "return of territory"
    assert heading_phrase("Russian peacekeepers:", text) == "Russian peacekeepers"
    assert heading_phrase("NATO summit", text) == "NATO summit"


def test_examples_are_questions_the_briefing_answers_from_their_section(briefing):
    questions = example_questions(briefing)
    assert 2 <= len(questions) <= 3
    sections = set(briefing.base.documents[0].sections)
    for question in questions:
        answer = briefing.ask(question, 1)
        assert answer.best is not None
        assert not answer.doubtful
        assert answer.best.section in sections
        assert answer.best.section.lower() in question.lower()


def test_the_newest_briefing_comes_first_and_sections_it_cannot_answer_are_left_out(
    write, tmp_path
):
    write(
        "old.md",
        "---\ntitle: Old\npublished: 2026-03-01\n---\n\n## Harbour works\n\n"
        "The harbour works will cost 12 million euros and finish in May.\n",
    )
    write(
        "new.md",
        "---\ntitle: New\npublished: 2026-03-09\n---\n\n## Ferry timetable\n\n"
        "The ferry timetable changes on Monday, with two more crossings a day.\n\n"
        "## Miscellaneous\n\nNothing else.\n",
    )
    answerer = build_answerer(engine(tmp_path / "kb"))
    assert example_questions(answerer) == (
        "What about ferry timetable?",
        "What about harbour works?",
    )


def test_no_knowledge_no_examples(tmp_path):
    assert example_questions(Answerer(KnowledgeBase(tmp_path, ()))) == ()
