"""Small talk told apart from questions, the whole message or a greeting before a question."""

from __future__ import annotations

import pytest

from bot.core import Chat, read_cases, read_small_talk
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hi", Chat.GREETING),
        ("Hello there!", Chat.GREETING),
        ("good morning everyone", Chat.GREETING),
        ("thanks!", Chat.THANKS),
        ("Thank you so much \U0001f64f", Chat.THANKS),
        ("thanks @BriefingTestBot", Chat.THANKS),
        ("ok \U0001f44d", Chat.OKAY),
        ("Who are you?", Chat.IDENTITY),
        ("what can you do", Chat.IDENTITY),
        ("help", Chat.HELP),
        ("How does this work?", Chat.HELP),
        ("bye!", Chat.FAREWELL),
        ("What\u2019s up?", Chat.GREETING),
    ],
)
def test_small_talk_is_told_by_its_words(text, kind):
    assert read_small_talk(text, "BriefingTestBot").kind is kind
    assert read_small_talk(text, "BriefingTestBot").question == ""


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("Hi! When is Kalbajar handed over?", "When is Kalbajar handed over?"),
        ("thanks, and how many of them?", "and how many of them?"),
        ("Hello there. Who guards the Lachin corridor?", "Who guards the Lachin corridor?"),
    ],
)
def test_a_greeting_before_a_question_is_set_aside(text, question):
    assert read_small_talk(text).kind is None
    assert read_small_talk(text).question == question


@pytest.mark.parametrize(
    "text",
    [
        "what is a greeting card?",
        "who are the peacekeepers?",
        "help for refugees?",
        "ok, so who won the war",  # "ok" is no greeting: the whole message is asked
        "Shusha?",
    ],
)
def test_questions_are_not_small_talk(text):
    talk = read_small_talk(text)
    assert talk.kind is None
    assert talk.question == text


def test_no_question_of_the_question_sets_is_small_talk_but_a_bare_thanks():
    sets = [
        "dev_questions.jsonl",
        "paraphrase_questions.jsonl",
        "polar_questions.jsonl",
        "dated-news/questions.jsonl",
        "dated-briefings/questions.jsonl",
        "squad-dev/questions.jsonl",
    ]
    cases = [c for name in sets for c in read_cases(FIXTURES / name)]
    assert len(cases) > 150
    read = {c.q: read_small_talk(c.q) for c in cases}
    talk = {q for q, r in read.items() if r.kind is not None or r.question != q.strip()}
    # "thanks!" is among the briefing's unanswerable questions: the engine refuses it, and
    # the bot now answers it as thanks.
    assert talk == {"thanks!"}
