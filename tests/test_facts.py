"""The fact a reply leads with: the kind asked for, exactly one of it, never made up."""

from __future__ import annotations

import pytest

from bot.core.facts import Fact, asked_fact, fact
from bot.core.question import read_question

DEADLINE = (
    "must return the districts starting on November 20, with a completion deadline of Dec. 1."
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("when is Kalbajar handed over?", Fact.DATE),
        ("How many Russian peacekeepers will be deployed?", Fact.NUMBER),
        ("How long will the peacekeepers stay?", Fact.PERIOD),
        ("Who leads the drivers' union?", Fact.PERSON),
        ("Where did the first buses arrive?", Fact.PLACE),
        ("In which city did the buses arrive?", Fact.PLACE),
        ("Who is Aliyev?", None),  # a definition: the sentence is the answer
        ("Why did people burn their homes?", None),
    ],
)
def test_the_kind_of_fact_asked_for(question, kind):
    assert asked_fact(read_question(question)) is kind


def test_one_fact_leads_and_two_leave_the_quote_to_speak():
    when = read_question("when is Kalbajar handed over?")
    assert fact(when, "whose handover was delayed until November 25 to allow ...") == "November 25"
    assert fact(when, DEADLINE) is None
    assert fact(read_question("Why did they leave?"), DEADLINE) is None


def test_a_fact_the_question_already_gives_is_no_answer():
    who = read_question("Who did Ana Voss meet?")
    assert fact(who, "Ana Voss met Mayor Piet Hollis on Monday.") == "Mayor Piet Hollis"
    assert fact(read_question("When did it happen on November 25?"), "on November 25") is None


def test_the_fact_is_the_sentence_s_own_text():
    sentence = "Between 75,000 and 90,000 of the region's 150,000 inhabitants have fled."
    assert fact(read_question("How many inhabitants does the region have?"), sentence) == "150,000"
    found = fact(read_question("How many people fled?"), sentence)
    assert found is None or found in sentence
