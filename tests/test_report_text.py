"""The question reports' wording: counts read right whatever they are."""

import datetime as dt

from bot.report_text import stats_text, unanswered_text
from bot.store import DayStats, UnansweredGroup

ASKED = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)


def _day(questions: int) -> DayStats:
    return DayStats(
        day=ASKED.date(), questions=questions, answered=1, up=0, down=0, median_latency_ms=3.0
    )


def test_one_day_and_one_question_are_counted_in_the_singular():
    assert stats_text([], 1) == "No questions in the last 1 day."
    one = stats_text([_day(1)], 1).splitlines()
    assert one[0] == "Questions, last 1 day (UTC):"
    assert one[-1] == "all: 1 question, 100% answered, 0 up, 0 down"
    assert stats_text([_day(2)], 7).splitlines()[-1].startswith("all: 2 questions, 50% answered")
    assert unanswered_text([], 1) == "No unanswered questions in the last 1 day."
    group = UnansweredGroup(group_key="rice", count=1, example="rice?", last_asked=ASKED)
    assert (
        unanswered_text([group], 1) == "Most asked without an answer, last 1 day:\n- once: rice?"
    )
    assert unanswered_text([group], 7).startswith("Most asked without an answer, last 7 days:")
