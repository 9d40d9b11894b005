"""A day or a briefing named in a message: read, resolved against today or the archive."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core import dated, load_knowledge, named, read_scope, resolve_day
from tests.conftest import FIXTURES, MAX_BYTES

TODAY = dt.date(2026, 12, 3)
NEWS = load_knowledge(FIXTURES / "dated-news" / "knowledge", max_bytes=MAX_BYTES)


@pytest.mark.parametrize(
    ("text", "day", "question"),
    [
        ("what did it say on 17 November?", dt.date(2026, 11, 17), ""),
        ("what was new yesterday?", dt.date(2026, 12, 2), ""),
        ("any news from 2026-03-06?", dt.date(2026, 3, 6), ""),
        ("what did the 9 March briefing say?", dt.date(2026, 3, 9), ""),
        ("what was new on Monday?", dt.date(2026, 11, 30), ""),
        (
            "what did the briefing of 9 March say about the summit?",
            dt.date(2026, 3, 9),
            "what did the briefing say about the summit?",
        ),
        (
            "On 17 November, what did the briefing say about Lachin?",
            dt.date(2026, 11, 17),
            "what did the briefing say about Lachin?",
        ),
        (
            "in the 9 March briefing, when does the summit open?",
            dt.date(2026, 3, 9),
            "when does the summit open?",
        ),
    ],
)
def test_a_day_the_message_narrows_itself_to(text, day, question):
    scope = read_scope(text, TODAY)
    assert (scope.day, scope.question, scope.briefing) == (day, question, None)


def test_a_briefing_named_before_or_after_the_question():
    before = read_scope("in the Syunik briefing, how many households lost power?", TODAY)
    after = read_scope("how many households lost power in the Syunik briefing?", TODAY)
    assert (before.briefing, before.question) == ("Syunik", "how many households lost power?")
    assert (after.briefing, after.question) == ("Syunik", "how many households lost power")


@pytest.mark.parametrize(
    "text",
    [
        "what happens on November 25?",  # the date is what is asked about
        "when is Kalbajar handed over?",
        "Who brokered the ceasefire of 10 November?",
        "what's new?",  # no day: the newest briefings
    ],
)
def test_a_date_asked_about_is_no_scope(text):
    assert read_scope(text, TODAY) is None


def test_a_day_without_briefings_in_an_archive_counts_from_its_newest_day():
    scope = read_scope("what was new yesterday?", TODAY)
    assert resolve_day(scope, NEWS, TODAY) == dt.date(2026, 3, 9)  # the day before the newest
    monday = read_scope("what did it say on Monday?", TODAY)
    assert resolve_day(monday, NEWS, TODAY) == dt.date(2026, 3, 9)
    absolute = read_scope("what did it say on 17 November?", TODAY)
    assert resolve_day(absolute, NEWS, TODAY) == dt.date(2026, 11, 17)  # as written: none
    assert dated(NEWS, dt.date(2026, 3, 9))[0].title.endswith("Monday 9 March")


def test_a_briefing_is_found_by_the_words_of_its_title():
    assert [d.title for d in named(NEWS, "Tuesday 10 March")] == [
        "Kestrel Bay briefing, Tuesday 10 March"
    ]
    assert len(named(NEWS, "Kestrel Bay")) == 7
    assert named(NEWS, "Syunik") == []
