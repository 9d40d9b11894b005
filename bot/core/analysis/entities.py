"""What a sentence holds that a question may ask for: numbers, dates, periods, shares, names.

A sentence that holds none of the kind of answer asked for cannot be the answer, however well
its words match. These patterns read sentences only; what a question asks for is read in
``bot.core.question``, and how much holding it counts in ``bot.core.ranking``. The coarse kinds
(any number, any date) are looked for in every sentence when the index is built; the fine ones
only in the best few candidates of a question.
"""

from __future__ import annotations

import re
from enum import Enum

from bot.core.analysis.terms import stem, tokenize
from bot.core.lexicon import MONTHS, NUMBER_WORDS, STOP_WORDS, month_pattern, words


class AnswerType(Enum):
    """Coarse kinds of answers, recognised in questions and looked for in every sentence."""

    NUMBER = "number"
    DATE = "date"


_MONTHS = month_pattern()
_NUMBER_WORDS = "|".join(NUMBER_WORDS)
# News dates its events by the day of the week and by their distance from the day it is
# written: "on Saturday", "at the weekend", "last week", "earlier this month", "two days ago".
RELATIVE_DAY = (
    r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days?\b"
    r"|(?i:\b(?:yesterday|tomorrow|tonight|overnight)\b"
    r"|\b(?:at|over)\s+the\s+weekend\b"
    r"|\b(?:last|next|this|earlier\s+this|later\s+this)\s+"
    r"(?:week|weekend|month|year|spring|summer|autumn|winter)\b"
    rf"|\b(?:\d+|a|an|{_NUMBER_WORDS})\s+(?:days?|weeks?|months?|years?)\s+ago\b)"
)
_HOLDS = {
    AnswerType.NUMBER: re.compile(rf"\d|\b(?:{_NUMBER_WORDS}|half)\b", re.IGNORECASE),
    AnswerType.DATE: re.compile(
        rf"\b(?:1\d{{3}}|20\d{{2}})s?\b|\b(?:{_MONTHS})(?!\w)|\bcentur(?:y|ies)\b"
        rf"|\b\d+\s*(?:BC|BCE|AD|CE)\b|{RELATIVE_DAY}"
    ),
}
# A number and the three words after it, where the thing counted is: "32,463 farms",
# "three-stage", "2,000 Russian peacekeepers", "three million people"; or, after a measure,
# the word after "of": "1.2 million tonnes of cargo".
_NUMBER_THEN_WORDS = re.compile(
    rf"(?:\d[\d,.]*|\b(?:{_NUMBER_WORDS})\b)[\s-]+((?:(?!of\b)[\w-]+\s+){{0,2}}(?!of\b)[\w-]+"
    rf"(?:\s+of\s+[\w-]+)?)",
    re.IGNORECASE,
)
_TIME_UNIT = (
    r"(?:second|minute|hour|day|night|week|fortnight|month|year|decade|century|centuries"
    r"|millennium|millennia)s?"
)
_AMOUNT = rf"(?:\d[\d,.]*|\b(?:{_NUMBER_WORDS}|several|a\s+few|many)\b)"
_POINT = rf"(?:(?:{_MONTHS})(?:\s+\d{{1,2}})?(?:,?\s+\d{{3,4}})?|\d{{1,4}}(?:s|st|nd|rd|th)?)"
# How long something lasted, as a duration or as both its ends:
# "six-week", "five to ten years", "between September 27 and November 9", "1961 to 1972".
# "Thirty years ago" is a point in time, not a duration.
DURATION = re.compile(
    rf"{_AMOUNT}(?:\s+(?:to|or)\s+{_AMOUNT})?[\s-]+{_TIME_UNIT}\b(?!\s+ago\b)", re.IGNORECASE
)
BOTH_ENDS = re.compile(
    rf"\b(?:between|from)\s+(?:the\s+)?{_POINT}\s+(?:and|to|until|till|through)\s+"
    rf"(?:the\s+)?{_POINT}|\b\d{{3,4}}\s*[\u2013-]\s*\d{{2,4}}\b",
    re.IGNORECASE,
)
# One end of a period: "until 1796", "since the 1950s".
_ONE_END = re.compile(r"\b(?:until|till|since)\b[^.;]{0,40}?(?:\d|\bcentur)", re.IGNORECASE)
_PERCENT = re.compile(r"%|\bper\s?cent\b", re.IGNORECASE)
# Two or more capitalised words, not at the start of the sentence: "Von Miller", "Dave Logan".
_NAME = re.compile(r"(?<=[a-z,;:(] )[A-Z][a-z]+(?:\s+[A-Z][a-z.]+)+")


def holds(text: str, kind: AnswerType) -> bool:
    """Whether a sentence holds an answer of the coarse ``kind``."""
    return bool(_HOLDS[kind].search(text))


def counts(text: str, term: str) -> bool:
    """Whether a number in ``text`` counts the thing whose search term is ``term``."""
    return any(term in tokenize(m.group(1)) for m in _NUMBER_THEN_WORDS.finditer(text))


def holds_percentage(text: str) -> bool:
    """Whether ``text`` gives a percentage."""
    return bool(_PERCENT.search(text))


def holds_period(text: str) -> bool:
    """Whether ``text`` gives a duration or both ends of a period."""
    return bool(DURATION.search(text) or BOTH_ENDS.search(text))


def holds_period_end(text: str) -> bool:
    """Whether ``text`` gives one end of a period ("until 1796", "since the 1950s")."""
    return bool(_ONE_END.search(text))


# Titles that, before a name, say who someone is: "Azerbaijani President Ilham Aliyev".
_TITLES = (
    r"President|Prime\s+Minister|Minister|Chancellor|King|Queen|Prince|Princess|Pope|Emperor"
    r"|Senator|Governor|Mayor|General|Admiral|Colonel|Commander|Ambassador|Envoy|Secretary"
    r"|Chairman|Chairwoman|Chair|Director|Chief|Leader|Spokesman|Spokeswoman|Spokesperson"
    r"|Patriarch|Archbishop|Bishop|Judge|Justice|Speaker|Premier|Sheikh|Sultan|CEO|Founder"
    r"|leader|head|chief|president|minister|spokesman|spokeswoman|founder|commander|director"
)


def _subject_pattern(subject: str) -> str:
    """The subject's head word as a whole word, singular or plural, any case."""
    head = subject.split()[-1]
    if len(head) > 3 and head[-1] in "sS":
        head = head[:-1]  # "wasps" and "wasp" both
    return rf"(?i:\b{re.escape(head)}(?:s|es)?\b)"


def definition_strength(text: str, subject: str) -> float:
    """How plainly ``text`` says who or what ``subject`` is: 1, 0.5 or 0.

    1 for a definition: "Wasps are insects", "the Minsk Group, a body of the OSCE,", a title
    before a name ("Azerbaijani President Ilham Aliyev"), "known as the Minsk Group"; 0.5
    where something is said of it in passing ("Aliyev, who sees ...", "the Minsk Group —
    Russia, France and the United States —"). The subject is matched by its head word, the
    last: "a CMM machine" is defined by "A coordinate measuring machine is a device".
    """
    name = _subject_pattern(subject)
    defined = (
        rf"{name}\s+(?:\([^)]*\)\s+)?(?:is|are|was|were)\s+(?:a|an|the|one|any)\b"
        rf"|{name},\s+(?:a|an|the)\b"
        rf"|\b(?:{_TITLES})\s+(?:[A-Z][\w'\u2019.-]*\s+){{0,3}}{name}"
        rf"|\b(?:known\s+as|called|means|refers\s+to)\s+(?:an?\s+|the\s+)?{name}"
    )
    if re.search(defined, text):
        return 1.0
    if re.search(rf"{name}\s*(?:\(|[\u2014\u2013]|\s-\s|,\s+(?:who|which)\b)", text):
        return 0.5
    return 0.0


_YEAR = re.compile(r"^(?:1[0-9]|20)[0-9]{2}$")
_MODAL_MONTHS = frozenset({"may", "march"})  # "may" and "march" are verbs unless capitalised


def times(text: str) -> frozenset[str]:
    """The months and years ``text`` names, as search terms ("januari", "2019").

    A four-digit number followed by a word that is not a stop word counts something ("1500
    troops"), so it is no year; that misses "the 2019 elections", which errs towards
    quoting rather than refusing.
    """
    found = set()
    written = words(text)
    for at, word in enumerate(written):
        lower = word.lower()
        if lower in MONTHS and (word[0].isupper() or lower not in _MODAL_MONTHS):
            found.add(stem(lower))
        elif _YEAR.match(word):
            after = written[at + 1] if at + 1 < len(written) else ""
            if not after.islower() or after in STOP_WORDS:
                found.add(word)
    return frozenset(found)


def names(text: str) -> list[str]:
    """Names of two or more capitalised words that do not start the sentence."""
    return _NAME.findall(text)
