import pytest

from bot.core.answer_types import AnswerType, asked_type, holds


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many peacekeepers will Russia send?", AnswerType.NUMBER),
        ("how much did it cost", AnswerType.NUMBER),
        ("What percentage of money was raised?", AnswerType.NUMBER),
        ("When is Kalbajar handed over?", AnswerType.DATE),
        ("In what year did the war end?", AnswerType.DATE),
        ("Which century saw the plague?", AnswerType.DATE),
        ("Who guards the Lachin corridor?", None),
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
