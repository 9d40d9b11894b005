import numpy as np
import pytest

from bot.core.question import read_question
from bot.core.ranking.answer_types import fits, refine_moment, strength


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


def test_how_long_is_answered_fully_by_a_duration_and_half_by_one_end():
    want = wanted("How long did the conflict last?")
    assert strength(want, "the six-week conflict between September 27 and November 9") == 1.0
    assert strength(want, "a conflict that has plagued the region since 1991") == 0.5
    assert strength(want, "Azerbaijanis fled some 30 years ago.") == 0.0  # a point, not a length


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("Who is Aliyev?", "Azerbaijani President Ilham Aliyev has adopted a hard stance.", 1.0),
        ("who is Pashinyan?", "said Armenian Prime Minister Nikol Pashinyan.", 1.0),
        ("Who is Aliyev?", "Aliyev, who sees the group as biased, welcomed it.", 0.5),
        ("Who is Aliyev?", "Talks with Aliyev failed.", 0.0),
        ("What are wasps?", "A wasp is an insect of the order Hymenoptera.", 1.0),
        ("what is a wasp", "Wasps are a group of insects.", 1.0),
        (
            "what is a CMM machine",
            "A coordinate measuring machine is a device for measuring.",
            1.0,
        ),
        ("What is the Minsk Group?", "the Minsk Group, a body of the OSCE, met.", 1.0),
        (
            "What is the Minsk Group?",
            "the co-chairs of the Minsk Group \u2014 Russia, France",
            0.5,
        ),
        ("What is the Minsk Group?", "Aliyev sees the Minsk Group members as biased.", 0.0),
    ],
)
def test_who_and_what_is_are_answered_by_a_sentence_that_defines_the_subject(
    question, sentence, expected
):
    assert strength(wanted(question), sentence) == expected


def test_the_moment_asked_for_is_favoured_in_other_words_too():
    question = read_question("When does the summit open?")
    assert question.moment == ("open",)
    assert "open" not in question.terms  # a frame word: not searched for
    texts = [
        "The summit's closing declaration will be signed on March 21.",
        "Organisers have moved the start of the summit to March 19.",
        "The summit opens in Tarnow on March 12.",
    ]
    scores = np.array([2.0, 2.0, 2.0])
    refine_moment(question, np.arange(3), scores, texts.__getitem__, 0.5)
    assert scores.tolist() == [2.0, 3.0, 3.0]  # the closing is another moment
    assert read_question("Who opened the summit?").moment == ()  # not a question about time
    assert read_question("When did the conflict start and end?").moment == ()  # a period


def test_a_yes_or_no_question_favours_the_sentence_that_states_or_denies_it():
    question = read_question("Did Armenia keep Shusha?")
    assert question.polar
    assert question.moment == ("keep",)
    texts = [
        "Despite losing the town of Shusha, the region survives.",  # denies it
        "Armenia kept its hold on Shusha.",  # states it
        "Shusha is the region's second-largest town.",  # says neither
    ]
    scores = np.array([2.0, 2.0, 2.0])
    refine_moment(question, np.arange(3), scores, texts.__getitem__, 0.5)
    assert scores.tolist() == [3.0, 3.0, 2.0]
    # asked when, a sentence holding only the opposite is no better
    when = read_question("When did Armenia keep Shusha?")
    scores = np.array([2.0, 2.0, 2.0])
    refine_moment(when, np.arange(3), scores, texts.__getitem__, 0.5)
    assert scores.tolist() == [2.0, 3.0, 2.0]
