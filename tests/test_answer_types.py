import pytest

from bot.core.answer_types import AnswerType, Period, asked_type, holds, wanted


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many peacekeepers will Russia send?", AnswerType.NUMBER),
        ("how much did it cost", AnswerType.NUMBER),
        ("What percentage of money was raised?", AnswerType.NUMBER),
        ("When is Kalbajar handed over?", AnswerType.DATE),
        ("In what year did the war end?", AnswerType.DATE),
        ("Which century saw the plague?", AnswerType.DATE),
        ("How long did Project Apollo run?", AnswerType.NUMBER),
        ("How old was Peyton Manning?", AnswerType.NUMBER),
        ("How fast do objects fall on Earth?", AnswerType.NUMBER),
        ("Who guards the Lachin corridor?", None),
        ("What happens when the ceasefire ends?", None),
        ("What is Shusha?", None),
    ],
)
def test_asked_type(question, kind):
    assert asked_type(question) is kind


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("some 2,000 Russian peacekeepers", AnswerType.NUMBER, True),
        ("three million people", AnswerType.NUMBER, True),
        ("the sole link between the region and Armenia", AnswerType.NUMBER, False),
        ("delayed until November 25", AnswerType.DATE, True),
        ("a completion deadline of Dec. 1", AnswerType.DATE, True),
        ("a post-Soviet war in the 1990s", AnswerType.DATE, True),
        ("in the 14th century", AnswerType.DATE, True),
        ("some 2,000 Russian peacekeepers", AnswerType.DATE, False),
        ("May we go?", AnswerType.DATE, True),  # a month name is a month name
    ],
)
def test_holds(text, kind, expected):
    assert holds(text, kind) is expected


def test_how_many_counts_the_noun_that_follows():
    want = wanted("How many farms are there in Victoria?")
    assert want.counted == "farm"
    assert want.fits("As of 2004, an estimated 32,463 farms occupied the land.")
    assert want.fits("The three-stage rocket") is False
    assert not want.fits("Victorian farms produce 90% of pears.")


def test_percentages_are_wanted_when_asked_for():
    want = wanted("What percentage of money was earmarked?")
    assert want.percent
    assert want.fits("It will dedicate 25 percent of all money.")
    assert want.fits("About 30% of it.")
    assert not want.fits("A sum of $5 million.")


def test_who_wants_a_name_the_question_does_not_give():
    want = wanted("Who handled the play-by-play for the Denver radio stations?")
    assert want.fits("In Denver, KOA will carry the game, with Dave Logan on play-by-play.")
    assert not want.fits("The flagship stations will carry their local calls.")
    assert not want.fits("It was heard on the radio in Denver Colorado.")  # names given


def test_plain_questions_want_nothing_in_particular():
    assert not wanted("What is Shusha?").anything


@pytest.mark.parametrize(
    ("question", "period"),
    [
        ("How long did Project Apollo run?", Period.LENGTH),
        ("When did the conflict start and end?", Period.ENDS),
        ("When did the war begin and finish?", Period.ENDS),
        ("When did the war begin?", None),
        ("Who will start and end the talks?", None),  # not a question about time
    ],
)
def test_periods_are_wanted_when_asked_for(question, period):
    assert wanted(question).period is period


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
    assert wanted("How long did it last?").fits(text) is for_length
    assert wanted("When did it start and end?").fits(text) is for_ends
