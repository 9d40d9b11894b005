import pytest

from bot.core.frames import asks_time, without_frames
from bot.core.text import question_terms, tokenize


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When is Kalbajar handed over?", True),
        ("In what year did the war end?", True),
        ("How long did the fighting last?", True),
        ("Why did the fighting end?", False),
        ("How and when did the plague enter Europe?", True),
        ("Kalbajar is handed over when?", True),
        ("What happens when the ceasefire ends?", False),  # "when" joins, not asks
        ("What is Shusha?", False),
    ],
)
def test_asks_time(question, expected):
    assert asks_time(question) is expected


@pytest.mark.parametrize(
    ("question", "left"),
    [
        ("When did the conflict start and end?", "conflict"),
        ("When did the war begin?", "war"),
        ("When was the accord signed?", "accord signed"),  # a content verb stays
        ("When did the battle take place?", "battle"),
        ("When did the famine happen, and when was it over?", "famine"),
        ("How long did the fighting last?", "fighting"),
        ("How many peacekeepers will Russia send?", "peacekeepers Russia send"),
    ],
)
def test_frame_words_are_not_searched_for(question, left):
    assert question_terms(question) == tokenize(left)


def test_event_verbs_stay_in_questions_not_about_time():
    assert "end" in tokenize(without_frames("Why did the fighting end?"))
    assert "start" in tokenize(without_frames("Who will start the talks?"))
