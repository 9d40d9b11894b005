"""'What's new?' told apart from questions about a subject, in the many ways people ask it."""

from __future__ import annotations

import json

import pytest

from bot.core import asks_whats_new, news_about
from tests.conftest import FIXTURES

REQUESTS = [json.loads(line) for line in (FIXTURES / "whats_new.jsonl").read_text().splitlines()]
OWN_SETS = (
    "dev_questions.jsonl",
    "paraphrase_questions.jsonl",
    "polar_questions.jsonl",
    "squad-dev/questions.jsonl",
    "dated-news/questions.jsonl",
    "dated-briefings/questions.jsonl",
    "other_languages.jsonl",
)


def test_the_set_holds_requests_and_near_misses():
    assert sum(r["whats_new"] for r in REQUESTS) >= 40
    assert sum(not r["whats_new"] for r in REQUESTS) >= 30


def test_requests_are_told_and_no_near_miss_is_taken_for_one():
    requests = [r["q"] for r in REQUESTS if r["whats_new"]]
    others = [r["q"] for r in REQUESTS if not r["whats_new"]]
    told = [q for q in requests if asks_whats_new(q)]
    assert len(told) >= 0.95 * len(requests)  # 192 of 195 when measured
    assert [q for q in others if asks_whats_new(q)] == []  # a question must keep its answer


def test_on_the_held_out_set_it_tells_most_requests_and_few_near_misses():
    """Written by a helper who never saw the rule, and measured once untouched.

    52 of 60 requests told, 2 of 60 near misses taken for one; kept as it was, to see
    regressions.
    """
    text = (FIXTURES / "whats_new_held_out.jsonl").read_text("utf-8")
    rows = [json.loads(line) for line in text.splitlines()]
    told = sum(asks_whats_new(r["q"]) for r in rows if r["whats_new"])
    alarms = sum(asks_whats_new(r["q"]) for r in rows if not r["whats_new"])
    assert told >= 52
    assert alarms <= 2


def test_no_question_of_the_question_sets_is_taken_for_a_request():
    asked = [
        json.loads(line)["q"]
        for name in OWN_SETS
        for line in (FIXTURES / name).read_text("utf-8").splitlines()
    ]
    pairs = [json.loads(line) for line in (FIXTURES / "follow_ups.jsonl").read_text().splitlines()]
    asked += [p[key] for p in pairs for key in ("first", "then")]
    assert len(asked) > 1000
    assert [q for q in asked if asks_whats_new(q)] == []


@pytest.mark.parametrize(
    "text",
    [
        "what's new in Stepanakert?",  # a subject: a question for the engine
        "What happened?",  # about something said before
        "New York",
        "",
        "what is new " * 9,  # too long to be a request
    ],
)
def test_not_requests(text):
    assert not asks_whats_new(text)


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("whats the news on the ferry", "the ferry"),
        ("what's the latest on the bus strike?", "the bus strike"),
        ("any updates about the strike in Lyon?", "the strike in Lyon"),
        ("latest on Lachin?", "Lachin"),
        ("what's new in the briefings?", None),  # a request: the newest briefings
        ("what is the latest figure for refugees?", None),  # a question of its own
        ("when is Kalbajar handed over?", None),
    ],
)
def test_the_latest_about_a_subject_is_asked_by_the_subject(text, subject):
    assert news_about(text) == subject


def test_no_question_of_the_sets_is_read_as_news_about_a_subject():
    asked = [
        json.loads(line)["q"]
        for name in OWN_SETS
        for line in (FIXTURES / name).read_text("utf-8").splitlines()
    ]
    assert [q for q in asked if news_about(q)] == []
