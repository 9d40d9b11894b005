import pytest

from bot.core.question import read_question
from bot.core.ranking.answer_types import fits


def wanted(question):
    return read_question(question).wanted


def test_how_many_counts_the_noun_that_follows():
    want = wanted("How many farms are there in Victoria?")
    assert want.counted == "farm"
    assert fits(want, "As of 2004, an estimated 32,463 farms occupied the land.")
    assert fits(want, "The three-stage rocket") is False
    assert not fits(want, "Victorian farms produce 90% of pears.")


def test_percentages_are_wanted_when_asked_for():
    want = wanted("What percentage of money was earmarked?")
    assert want.percent
    assert fits(want, "It will dedicate 25 percent of all money.")
    assert fits(want, "About 30% of it.")
    assert not fits(want, "A sum of $5 million.")


def test_who_wants_a_name_the_question_does_not_give():
    want = wanted("Who handled the play-by-play for the Denver radio stations?")
    assert fits(want, "In Denver, KOA will carry the game, with Dave Logan on play-by-play.")
    assert not fits(want, "The flagship stations will carry their local calls.")
    assert not fits(want, "It was heard on the radio in Denver Colorado.")  # names given


@pytest.mark.parametrize(
    ("text", "for_length", "for_ends"),
    [
        ("the six-week conflict", True, True),
        ("usually required five to ten years", True, True),
        ("a journey takes approximately 20 minutes", True, True),
        ("the conflict between September 27 and November 9", True, True),
        ("Apollo ran from 1961 to 1972", True, True),
        ("the 1914\u20131918 war", True, True),
        ("the capital until 1796", True, False),  # one end says how long, not when it ended
        ("recognised since the 1950s", True, False),
        ("the war began in 1939", False, False),
        ("between the region and Armenia", False, False),
        ("since he was president", False, False),
    ],
)
def test_periods_fit_durations_and_ends(text, for_length, for_ends):
    assert fits(wanted("How long did it last?"), text) is for_length
    assert fits(wanted("When did it start and end?"), text) is for_ends
