import pytest

from bot.core.analysis import entities
from bot.core.analysis.entities import AnswerType, holds


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("some 2,000 Russian peacekeepers", AnswerType.NUMBER, True),
        ("three million people", AnswerType.NUMBER, True),
        ("the sole link between the region and Armenia", AnswerType.NUMBER, False),
        ("Fourteen coastal towns have confirmed delegations.", AnswerType.NUMBER, True),
        ("Seventy-five families were moved.", AnswerType.NUMBER, True),
        ("Thousands fled the fighting.", AnswerType.NUMBER, True),
        ("Someone fled the fighting.", AnswerType.NUMBER, False),
        ("delayed until November 25", AnswerType.DATE, True),
        ("a completion deadline of Dec. 1", AnswerType.DATE, True),
        ("a post-Soviet war in the 1990s", AnswerType.DATE, True),
        ("in the 14th century", AnswerType.DATE, True),
        ("some 2,000 Russian peacekeepers", AnswerType.DATE, False),
        ("May we go?", AnswerType.DATE, True),  # a month name is a month name
        # News dates by weekday and by distance from the day it is written.
        ("Talks resumed in Vienna on Thursday after a two-week pause.", AnswerType.DATE, True),
        ("Bus drivers began a strike on Saturday over pay.", AnswerType.DATE, True),
        ("The ministers met at the weekend.", AnswerType.DATE, True),
        ("Prices rose last week.", AnswerType.DATE, True),
        ("The port reopened earlier this month.", AnswerType.DATE, True),
        ("Protesters gathered Yesterday outside parliament.", AnswerType.DATE, True),
        ("The ceasefire was signed three days ago.", AnswerType.DATE, True),
        ("The talks will go on tomorrow.", AnswerType.DATE, True),
        ("A weekly market is held in the square.", AnswerType.DATE, False),
        ("Sundays are quiet here.", AnswerType.DATE, True),
        ("They spent a week in Vienna.", AnswerType.DATE, False),  # a period, not a day
        ("The day was long.", AnswerType.DATE, False),
    ],
)
def test_holds(text, kind, expected):
    assert holds(text, kind) is expected


def test_counted_nouns_percentages_periods_and_names_are_found():
    assert entities.counts("an estimated 32,463 farms occupied the land", "farm")
    assert not entities.counts("The three-stage rocket", "farm")
    assert entities.counts("Fourteen coastal towns have confirmed delegations", "town")
    assert entities.counts("some 2,000 Russian peacekeepers", "peacekeep")
    assert entities.counts("it handled 1.2 million tonnes of cargo in May", "cargo")
    assert entities.counts("two tonnes of cargo", "cargo")
    assert not entities.counts("some 2,000 Russian peacekeepers in the town", "town")
    assert entities.holds_percentage("About 30% of it")
    assert entities.holds_period("between September 27 and November 9")
    assert entities.holds_period_end("the capital until 1796")
    assert entities.names("In Denver, KOA will carry it, with Dave Logan on air.") == [
        "Dave Logan"
    ]


def test_times_are_the_months_and_years_named():
    assert entities.times("In May and March 2020") == {"may", "march", "2020"}
    # "may" and "march" are verbs unless written as months
    assert entities.times("It may march on.") == set()
    assert entities.times("in 2019 the army withdrew") == {"2019"}
    assert entities.times("It ended in 1994.") == {"1994"}
    # a four-digit number that counts something is no year
    assert entities.times("Some 1500 troops crossed the border.") == set()
