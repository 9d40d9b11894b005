import datetime as dt

import pytest

from bot.core.analysis.days import day_reading

TUESDAY = dt.date(2026, 3, 10)  # a Tuesday


@pytest.mark.parametrize(
    ("sentence", "reading"),
    [
        # a past tense: the latest such day on or before the briefing's date
        ("Talks resumed in Vienna on Thursday after a pause.", "Thursday: 5 Mar 2026"),
        ("The union said on Tuesday that it would stop.", "Tuesday: 10 Mar 2026"),
        ("Work began last Saturday.", "Saturday: 7 Mar 2026"),
        # a future: the next such day after it
        ("The vote will be held on Sunday.", "Sunday: 15 Mar 2026"),
        ("Ministers are due to meet on Tuesday.", "Tuesday: 17 Mar 2026"),
        ("Polls open next Monday.", "Monday: 16 Mar 2026"),
        # a day either side
        ("The bridge reopened yesterday.", "Yesterday: 9 Mar 2026"),
        ("The ferry sails tomorrow.", "Tomorrow: 11 Mar 2026"),
    ],
)
def test_a_weekday_is_read_by_tense_against_the_briefing_s_date(sentence, reading):
    assert day_reading(sentence, TUESDAY) == f"{reading}, going by the briefing of 10 Mar 2026"


@pytest.mark.parametrize(
    ("sentence", "shown"),
    [
        ("Thursday's session, in Vienna.", "Thursday"),  # no tense
        ("It said on Friday that talks will go on.", "Friday"),  # both tenses
        ("Fighting flared again last week.", "last week"),
        ("Earlier this month the port closed.", "Earlier this month"),
    ],
)
def test_anything_less_certain_only_shows_the_briefing_s_date(sentence, shown):
    assert day_reading(sentence, TUESDAY) == f"{shown}, in a briefing of 10 Mar 2026"


def test_no_relative_day_or_no_date_no_reading():
    assert day_reading("The deal was signed on November 10.", TUESDAY) is None
    assert day_reading("Talks resumed on Thursday.", None) is None


def test_a_day_of_what_was_offered_or_agreed_to_do_is_not_dated():
    published = dt.date(2026, 11, 17)  # a Tuesday
    offer = "The ferry company offered to meet the union on Wednesday morning."
    assert day_reading(offer, published) == "Wednesday, in a briefing of 17 Nov 2026"
    walked = "Crews walked out on Tuesday in a dispute over night rosters."
    assert day_reading(walked, published).startswith("Tuesday: 17 Nov 2026")
