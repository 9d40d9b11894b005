"""The words of a fact in a sentence: whole dates, counts, periods, people and places."""

from __future__ import annotations

import pytest

from bot.core.analysis.spans import (
    date_spans,
    number_spans,
    period_spans,
    person_spans,
    place_spans,
)

KALBAJAR = (
    "AFP journalists have witnessed a mass exodus from the Kalbajar district, whose handover"
    " was delayed until November 25 to allow the Armenians time to leave the region."
)
PEACEKEEPERS = (
    "Nagorno-Karabakh will see its existence guaranteed by some 2,000 Russian peacekeepers to"
    " be deployed for an initial period of five years."
)


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        (KALBAJAR, ["November 25"]),
        (
            "starting on November 20, with a completion deadline of Dec. 1.",
            ["November 20", "Dec. 1"],
        ),
        ("occupied since a post-Soviet war in the 1990s.", ["the 1990s"]),
        ("The first buses began arriving at the weekend.", ["at the weekend"]),
        ("Talks resumed on Thursday, 4 March 2026, in Vienna.", ["Thursday", "4 March 2026"]),
        ("The port handled 1.2 million tonnes.", []),
    ],
)
def test_dates_are_whole(text, dates):
    assert date_spans(text) == dates


def test_numbers_leave_out_dates_durations_and_a_bare_one():
    assert number_spans(PEACEKEEPERS) == ["2,000"]
    assert number_spans(KALBAJAR) == []
    assert number_spans("Costs rose 6 percent to 1.2 million euros in 2019.") == [
        "6 percent",
        "1.2 million",
    ]
    assert number_spans("It is one of the most important factors.") == []
    assert number_spans("an impoverished country of three million people.") == ["three million"]


def test_a_count_is_of_the_thing_counted():
    text = "Some 2,000 Russian peacekeepers will guard 3 districts."
    assert number_spans(text, "peacekeep") == ["2,000"]
    assert number_spans(text, "district") == ["3"]
    assert number_spans(text, "tank") == []


def test_periods_people_and_places():
    assert period_spans(PEACEKEEPERS) == ["five years"]
    assert period_spans("the six-week conflict between September 27 and November 9") == [
        "six-week",
        "between September 27 and November 9",
    ]
    said = "\u201cNo war again,\u201d Armenian Prime Minister Nikol Pashinyan has said."
    assert person_spans(said) == ["Prime Minister Nikol Pashinyan"]
    assert person_spans("The drivers' union is led by Ana Voss.") == ["Ana Voss"]
    assert person_spans("It happened in November Last year.") == []
    # a name opening the sentence is taken whole, never its tail ("General Hospital")
    assert person_spans("Lowmere General Hospital opened its new wing.") == [
        "Lowmere General Hospital"
    ]
    opening = "Azerbaijani President Ilham Aliyev has adopted a hard stance in victory."
    assert person_spans(opening) == ["Azerbaijani President Ilham Aliyev"]
    assert person_spans("The Dalen Group Board met on Monday.") == ["Dalen Group Board"]
    assert person_spans("The contract went to the Dalen Group, which built it.") == ["Dalen Group"]
    buses = "The first buses began arriving in Karabakh's main city Stepanakert at the weekend."
    assert place_spans(buses) == ["Stepanakert"]
    assert place_spans("Talks will be held in Vienna on Monday.") == ["Vienna"]
