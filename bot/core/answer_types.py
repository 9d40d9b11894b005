"""What kind of answer a question asks for, and which sentences can give that kind.

"How many peacekeepers?" wants a number and "When was it handed over?" a date: a sentence
that holds none cannot be the answer, however well its words match. The answerer gives
sentences of the wanted kind a proportional boost; it never removes the others, since the
question may be phrased in a way these patterns miss.
"""

from __future__ import annotations

import re
from enum import Enum


class AnswerType(Enum):
    """Kinds of answers recognised in questions and sentences."""

    NUMBER = "number"
    DATE = "date"


_ASKS = {
    AnswerType.NUMBER: re.compile(
        r"\bhow\s+(?:many|much)\b|\bwhat\s+(?:number|percentage|percent|amount|proportion)\b",
        re.IGNORECASE,
    ),
    AnswerType.DATE: re.compile(
        r"\bwhen\b|\b(?:what|which)\s+(?:year|years|century|decade|date|day|month|era)\b",
        re.IGNORECASE,
    ),
}
_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\."
)
_HOLDS = {
    AnswerType.NUMBER: re.compile(
        r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
        r"forty|fifty|hundred|thousand|million|billion|dozen|half)\b",
        re.IGNORECASE,
    ),
    AnswerType.DATE: re.compile(
        rf"\b(?:1\d{{3}}|20\d{{2}})s?\b|\b(?:{_MONTHS})(?!\w)|\bcentur(?:y|ies)\b"
        r"|\b\d+\s*(?:BC|BCE|AD|CE)\b"
    ),
}


def asked_type(question: str) -> AnswerType | None:
    """The kind of answer a question wants, if its wording says so (counting wins)."""
    for kind, pattern in _ASKS.items():
        if pattern.search(question):
            return kind
    return None


def holds(text: str, kind: AnswerType) -> bool:
    """Whether a sentence holds an answer of ``kind``."""
    return bool(_HOLDS[kind].search(text))
