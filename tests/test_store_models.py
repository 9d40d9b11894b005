"""What goes into the store is validated where it is made."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from bot.store import Citation, DayStats, QuestionEntry


def test_a_question_with_a_citation_is_answered_and_one_without_is_not():
    cited = Citation(file="a.md", position=1, text="A.", score=0.5)
    assert QuestionEntry(
        chat_type="group", text="q", group_key="q", latency_ms=0, citation=cited
    ).answered
    assert not QuestionEntry(chat_type="group", text="q", group_key="q", latency_ms=0).answered


@pytest.mark.parametrize(
    "fields",
    [
        {"chat_type": "forum"},
        {"latency_ms": -1.0},
        {"text": None},
    ],
)
def test_bad_entries_are_refused(fields):
    values = {"chat_type": "private", "text": "q", "group_key": "q", "latency_ms": 1.0} | fields
    with pytest.raises(ValidationError):
        QuestionEntry.model_validate(values)


def test_a_citation_position_counts_from_one():
    with pytest.raises(ValidationError):
        Citation(file="a.md", position=0, text="A.", score=1.0)


def test_entries_are_frozen():
    entry = QuestionEntry(chat_type="inline", text="q", group_key="q", latency_ms=1.0)
    with pytest.raises(ValidationError):
        entry.text = "other"  # type: ignore[misc]


def test_the_answered_share_of_a_day():
    day = DayStats(
        day=date(2025, 3, 1), questions=4, answered=3, up=0, down=0, median_latency_ms=1.0
    )
    assert day.answered_share == 0.75
