"""What kind of answer a question asks for, and which sentences can give that kind.

"How many peacekeepers?" wants a number, "When was it handed over?" a date, "Who guards it?"
a name. A sentence that holds none cannot be the answer, however well its words match. Two
tiers, both proportional boosts that never remove a sentence (the patterns miss phrasings):

- coarse: any number, any date; precomputed for every sentence by the index;
- fine, checked on the best few candidates only: a number that counts the thing asked about
  ("how many farms" -> "32,463 farms"), a percentage when one is asked for, a name the
  question does not already give when it asks "who", a period when one is asked for ("how
  long" -> "five to ten years", "start and end" -> "between September 27 and November 9").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from bot.core.frames import (
    ASKS_BOTH_ENDS,
    ASKS_COUNT,
    ASKS_DATE,
    ASKS_DURATION,
    ASKS_MEASURE,
    asks_time,
)
from bot.core.text import tokenize


class AnswerType(Enum):
    """Kinds of answers recognised in questions and sentences."""

    NUMBER = "number"
    DATE = "date"


_ASKS = {
    AnswerType.NUMBER: (ASKS_COUNT, ASKS_DURATION, ASKS_MEASURE),
    AnswerType.DATE: (ASKS_DATE,),
}
_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\."
)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty"
    r"|hundred|thousand|million|billion|dozen"
)
_HOLDS = {
    AnswerType.NUMBER: re.compile(rf"\d|\b(?:{_NUMBER_WORDS}|half)\b", re.IGNORECASE),
    AnswerType.DATE: re.compile(
        rf"\b(?:1\d{{3}}|20\d{{2}})s?\b|\b(?:{_MONTHS})(?!\w)|\bcentur(?:y|ies)\b"
        r"|\b\d+\s*(?:BC|BCE|AD|CE)\b"
    ),
}
_COUNTED = re.compile(
    r"\bhow\s+(?:many|much)\s+(?:of\s+the\s+|more\s+|other\s+)?([^\W\d_][\w-]*)", re.IGNORECASE
)
# A number and up to two words after it: "32,463 farms", "three-stage", "63 days".
_NUMBER_THEN_WORDS = re.compile(
    rf"(?:\d[\d,.]*|\b(?:{_NUMBER_WORDS})\b)[\s-]+((?:[\w-]+\s+){{0,2}}?[\w-]+)", re.IGNORECASE
)
_TIME_UNIT = (
    r"(?:second|minute|hour|day|night|week|fortnight|month|year|decade|century|centuries"
    r"|millennium|millennia)s?"
)
_AMOUNT = rf"(?:\d[\d,.]*|\b(?:{_NUMBER_WORDS}|several|a\s+few|many)\b)"
_POINT = rf"(?:(?:{_MONTHS})(?:\s+\d{{1,2}})?(?:,?\s+\d{{3,4}})?|\d{{1,4}}(?:s|st|nd|rd|th)?)"
# How long something lasted, as a duration or as both its ends:
# "six-week", "five to ten years", "between September 27 and November 9", "1961 to 1972".
_DURATION = re.compile(
    rf"{_AMOUNT}(?:\s+(?:to|or)\s+{_AMOUNT})?[\s-]+{_TIME_UNIT}\b", re.IGNORECASE
)
_BOTH_ENDS = re.compile(
    rf"\b(?:between|from)\s+(?:the\s+)?{_POINT}\s+(?:and|to|until|till|through)\s+"
    rf"(?:the\s+)?{_POINT}|\b\d{{3,4}}\s*[\u2013-]\s*\d{{2,4}}\b",
    re.IGNORECASE,
)
# One end is enough for "how long": "until 1796", "since the 1950s".
_ONE_END = re.compile(r"\b(?:until|till|since)\b[^.;]{0,40}?(?:\d|\bcentur)", re.IGNORECASE)
_ASKS_PERCENT = re.compile(r"\b(?:percentage|percent|proportion)\b", re.IGNORECASE)
_PERCENT = re.compile(r"%|\bper\s?cent\b", re.IGNORECASE)
_ASKS_WHO = re.compile(r"^\W*(?:who|whom|whose)\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"[A-Z][\w'-]+")
# Two or more capitalised words, not at the start of the sentence: "Von Miller", "Dave Logan".
_NAME = re.compile(r"(?<=[a-z,;:(] )[A-Z][a-z]+(?:\s+[A-Z][a-z.]+)+")


def asked_type(question: str) -> AnswerType | None:
    """The kind of answer a question wants, if its wording says so (counting wins)."""
    for kind, patterns in _ASKS.items():
        if any(p.search(question) for p in patterns):
            return kind
    return None


def holds(text: str, kind: AnswerType) -> bool:
    """Whether a sentence holds an answer of ``kind``."""
    return bool(_HOLDS[kind].search(text))


class Period(Enum):
    """How much of a period a question about time asks for."""

    LENGTH = "length"  # "how long": a duration, or the end it ran until or since
    ENDS = "ends"  # "when did it start and end": a duration, or both its ends


@dataclass(frozen=True, slots=True)
class Wanted:
    """The fine-grained answer a question asks for."""

    counted: str | None  # the search term of what "how many" counts
    percent: bool
    name_besides: frozenset[str] | None  # for "who": names the question already gives
    period: Period | None = None

    @property
    def anything(self) -> bool:
        """Whether there is anything to check candidates for."""
        return bool(self.counted or self.percent or self.name_besides is not None or self.period)

    def fits(self, sentence: str) -> bool:
        """Whether a candidate sentence holds the answer asked for."""
        if self.percent and _PERCENT.search(sentence):
            return True
        if self.counted and any(
            self.counted in tokenize(m.group(1)) for m in _NUMBER_THEN_WORDS.finditer(sentence)
        ):
            return True
        if self.period and (_DURATION.search(sentence) or _BOTH_ENDS.search(sentence)):
            return True
        if self.period is Period.LENGTH and _ONE_END.search(sentence):
            return True
        if self.name_besides is not None:
            return any(
                not set(name.split()) & self.name_besides for name in _NAME.findall(sentence)
            )
        return False


def wanted(question: str) -> Wanted:
    """Read the fine-grained answer type off a question."""
    counted = None
    if match := _COUNTED.search(question):
        terms = tokenize(match.group(1))
        counted = terms[0] if terms else None
    names = frozenset(_CAPITALISED.findall(question[1:])) if _ASKS_WHO.search(question) else None
    period = None
    if ASKS_DURATION.search(question):
        period = Period.LENGTH
    elif asks_time(question) and ASKS_BOTH_ENDS.search(question):
        period = Period.ENDS
    return Wanted(counted, bool(_ASKS_PERCENT.search(question)), names, period)
