"""The fact a question asks for, found in the quoted sentence: "November 25", then the proof.

For "when", "how many", "how long", "who" and "where" a reader wants the fact first and the
quote that proves it after. The kind of fact comes from how the question was read
(``question.Question``); its words from the quoted sentence (``analysis.spans``). A fact is
given only when the sentence holds exactly one span of that kind that the question does not
already give: "starting on November 20, with a completion deadline of Dec. 1" holds two dates,
and the quote is left to speak for itself rather than the bot choosing between them. Nothing
is made up: the fact is always the sentence's own text.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.core.analysis.entities import AnswerType
from bot.core.analysis.spans import (
    date_spans,
    number_spans,
    period_spans,
    person_spans,
    place_spans,
)
from bot.core.question import Question

_ASKS_PLACE = re.compile(
    r"^\W*(?:where\b|(?:in|at|to|from)\s+(?:which|what)\s+"
    r"(?:country|city|town|village|region|district|province|state|place|part)\b)",
    re.IGNORECASE,
)


class Fact(StrEnum):
    """The kinds of fact a reply may lead with."""

    DATE = "date"
    NUMBER = "number"
    PERIOD = "period"
    PERSON = "person"
    PLACE = "place"


def asked_fact(question: Question) -> Fact | None:
    """The kind of fact ``question`` asks for, if it asks for one.

    "Who is Aliyev?" and "What is the Minsk Group?" ask for a definition, which the sentence
    is, so they have none.
    """
    wanted = question.wanted
    if wanted.subject:
        return None
    if wanted.period is not None:
        return Fact.PERIOD
    if question.kind is AnswerType.DATE:
        return Fact.DATE
    if question.kind is AnswerType.NUMBER:
        return Fact.NUMBER
    if wanted.name_besides is not None:
        return Fact.PERSON
    if _ASKS_PLACE.search(question.text):
        return Fact.PLACE
    return None


def spans(question: Question, sentence: str, kind: Fact) -> list[str]:
    """The spans of ``kind`` in ``sentence`` that the question does not already give."""
    if kind is Fact.DATE:
        found = date_spans(sentence)
    elif kind is Fact.NUMBER:
        found = number_spans(sentence, question.wanted.counted)
    elif kind is Fact.PERIOD:
        found = period_spans(sentence)
    elif kind is Fact.PERSON:
        found = person_spans(sentence)
    else:
        found = place_spans(sentence)
    asked = question.text.lower()
    return [span for span in found if span.lower() not in asked]


def fact(question: Question, sentence: str) -> str | None:
    """The one fact of the kind asked for that ``sentence`` holds, or ``None``."""
    kind = asked_fact(question)
    if kind is None:
        return None
    found = spans(question, sentence, kind)
    return found[0] if len(found) == 1 else None
