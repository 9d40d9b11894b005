import pytest

from bot.core import QuestionError
from bot.core.analysis.entities import AnswerType
from bot.core.analysis.terms import tokenize
from bot.core.question import MAX_QUESTION_CHARS, Period, asks_time, read_question, without_frames


def question_terms(question, known=None, correct=None):
    return list(read_question(question, known, correct).terms)


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
        # an event's opening and closing are its start and end, said another way
        ("When does the summit open?", "summit"),
        ("When was the embassy closed?", "embassy"),
    ],
)
def test_frame_words_are_not_searched_for(question, left):
    assert question_terms(question) == tokenize(left)


def test_event_verbs_stay_in_questions_not_about_time():
    assert "end" in tokenize(without_frames("Why did the fighting end?"))
    assert "start" in tokenize(without_frames("Who will start the talks?"))
    assert "open" in tokenize(without_frames("Who opened the embassy?"))


def test_how_many_is_a_frame_not_a_topic():
    assert question_terms("How many peacekeepers?") == tokenize("peacekeepers")
    assert "mani" in tokenize("Many set their homes alight")


def test_unknown_words_are_mended_only_when_a_correction_exists():
    known = {"citi", "council"}.__contains__
    fixes = {"counil": "council"}.get
    assert question_terms("City Counil", known, fixes) == ["citi", "council"]
    assert question_terms("City Counil", known, lambda w: None) == ["citi", "counil"]


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
    assert read_question(question).kind is kind


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
    assert read_question(question).wanted.period is period


def test_plain_questions_want_nothing_in_particular():
    assert not read_question("Why did people set their homes alight?").wanted.anything
    assert read_question("What is Shusha?").wanted.subject == "Shusha"  # to be defined


def test_names_are_runs_of_capitalised_words_after_the_first_and_acronyms():
    question = read_question("Did Great Britain and the NATO allies meet in Paris?")
    assert [n.text for n in question.names] == ["Great Britain", "NATO", "Paris"]
    assert [n.head_terms for n in question.names] == [("britain",), ("nato",), ("pari",)]


def test_who_wants_a_name_besides_those_the_question_gives():
    assert read_question("Who guards the Lachin corridor?").wanted.name_besides == {"Lachin"}
    assert read_question("Where is the Lachin corridor?").wanted.name_besides is None


@pytest.mark.parametrize("text", ["", "   ", "x" * (MAX_QUESTION_CHARS + 1)])
def test_questions_that_cannot_be_asked_are_refused(text):
    with pytest.raises(QuestionError):
        read_question(text)


def test_a_question_is_read_with_white_space_folded():
    assert (
        read_question("  when is\n Kalbajar  handed over? ").text
        == "when is Kalbajar handed over?"
    )


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Who is Aliyev?", "Aliyev"),
        ("what's the Minsk Group?", "Minsk Group"),
        ("Who\u2019s Pashinyan", "Pashinyan"),
        ("What is the Minsk Group?", "Minsk Group"),
        ("what are points on a mortgage", "points"),
        ("WHAT IS A FY QUARTER", "FY QUARTER"),
        ("What was enhanced in 2014?", None),  # a participle: what happened, not what it is
        ("What was taken?", None),
        ("What is Sweden?", "Sweden"),  # a name, whatever its ending
        ("Who is Ahmed?", "Ahmed"),
        ("Who is subject to vetting?", None),
        ("Who guards the Lachin corridor?", None),
        ("What is the capital of France and why?", None),
    ],
)
def test_who_and_what_is_questions_ask_about_a_subject(question, subject):
    assert read_question(question).wanted.subject == subject


def test_a_question_knows_the_months_and_years_it_names():
    assert read_question("How much cargo did the port handle in January 2021?").times == {
        "januari",
        "2021",
    }
    assert read_question("How much cargo did the port handle?").times == frozenset()


def test_over_closing_a_yes_or_no_question_asks_whether_it_ended():
    over = read_question("Is the war over?")
    assert over.polar
    assert over.moment == ("ended",)
    assert set(tokenize("ended")) <= set(over.terms)  # searched for, as "ended" would be
    assert read_question("is the strike over yet?").moment == ("ended",)
    # elsewhere "over" is a preposition or a number's "more than"
    assert read_question("Is there fighting over the corridor?").moment == ()
    assert not read_question("Who took over the district?").polar
    assert read_question("Who took over the district?").moment == ()
