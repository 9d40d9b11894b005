"""'What's new?' told apart from questions about a subject, in the many ways people ask it."""

from __future__ import annotations

import json

import pytest

from bot.core import asks_whats_new
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


@pytest.mark.parametrize("case", REQUESTS, ids=[r["q"] for r in REQUESTS])
def test_each_request_and_near_miss(case):
    assert asks_whats_new(case["q"]) is case["whats_new"]


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
        "what is new " * 5,  # too long to be a request
    ],
)
def test_not_requests(text):
    assert not asks_whats_new(text)
