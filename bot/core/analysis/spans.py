"""Where in a sentence the fact asked for stands: "November 25", "2,000", "six-week", a name.

``entities`` says whether a sentence holds a kind of answer; a reply that leads with the fact
("**November 25**", then the quote that proves it) needs the words themselves. Each finder
returns the spans of one kind, longest first where they overlap ("November 25", not
"November"; "between September 27 and November 9", not its two dates), always text of the
sentence as written: nothing here makes a fact up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.analysis.days import WEEKDAYS
from bot.core.analysis.entities import BOTH_ENDS, DURATION, RELATIVE_DAY
from bot.core.analysis.terms import tokenize
from bot.core.lexicon import MONTHS, NUMBER_WORDS, STOP_WORDS, month_pattern

_MONTHS = month_pattern()
_NUMBER_WORDS = "|".join(NUMBER_WORDS)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:1\d{3}|20\d{2})"
_DATE = re.compile(
    rf"\b(?:{_MONTHS})(?!\w)\s*{_DAY}(?:,?\s+{_YEAR})?\b"  # November 25, Dec. 1, May 4, 2020
    rf"|\b{_DAY}\s+(?:{_MONTHS})(?!\w)(?:,?\s+{_YEAR})?"  # 25 November 2020
    rf"|\b(?:{_MONTHS})(?!\w)\s+{_YEAR}\b"  # November 2020
    rf"|\b(?:the\s+)?(?:mid-|early\s+|late\s+)?{_YEAR}s?\b"  # 1991, the 1990s, the mid-1990s
    rf"|{RELATIVE_DAY}",
)
_SCALE = r"(?:\s+(?:hundred|thousand|million|billion|trillion))?"
_NUMBER = re.compile(
    rf"(?:(?<![\w.,])\d[\d,]*(?:\.\d+)?|\b(?:{_NUMBER_WORDS})\b){_SCALE}"
    r"(?:\s*(?:%|per\s?cent\b|percent\b))?",
    re.IGNORECASE,
)
# A place: capitalised words after "in", "at", "near", "from", "to" ("arriving in Stepanakert"),
# or after the kind of place they name ("Karabakh's main city Stepanakert").
_PLACE = re.compile(
    r"(?:\b(?:in|at|near|from|to|into|outside)\s+(?:the\s+)?"
    r"|\b(?:city|town|capital|village|port|region|district|province|country)\s+(?:of\s+)?)"
    r"(?P<place>[A-Z][\w'\u2019-]*(?:\s+(?:of\s+)?[A-Z][\w'\u2019-]*)*)"
)
# A person: two or more capitalised words, not opening the sentence ("Nikol Pashinyan").
_PERSON = re.compile(r"(?<=[a-z,;:(\u201c\"] )[A-Z][a-z'\u2019-]+(?:\s+[A-Z][a-z.'\u2019-]+)+")
_COUNTED_WITHIN = 3  # words after a number where the thing it counts is named
_CALENDAR = frozenset(m.lower() for m in MONTHS) | frozenset(d.lower() for d in WEEKDAYS)


def _longest(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that no longer one overlaps, in the sentence's order."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= s or start >= e for s, e in kept):
            kept.append((start, end))
    return sorted(kept)


def _texts(text: str, spans: Iterable[tuple[int, int]]) -> list[str]:
    return [text[s:e].strip(" ,.;:") for s, e in _longest(spans)]


def date_spans(text: str) -> list[str]:
    """Dates as written: "November 25", "Dec. 1", "the 1990s", "at the weekend"."""
    return _texts(text, (m.span() for m in _DATE.finditer(text)))


def number_spans(text: str, counted: str | None = None) -> list[str]:
    """Numbers that count or measure something: not those of dates, years and durations.

    With ``counted`` (the search term of what a "how many" question counts), only numbers of
    that thing: "2,000" in "some 2,000 Russian peacekeepers" for "peacekeep". A bare "one" is
    left out: it is far more often "one of the most important" than a count.
    """
    taken = [m.span() for m in _DATE.finditer(text)]
    taken += [m.span() for m in DURATION.finditer(text)]
    found = []
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in taken) or match.group().lower() == "one":
            continue
        if counted is not None:
            after = tokenize(" ".join(text[end:].split()[:_COUNTED_WITHIN]))
            if counted not in after:
                continue
        found.append((start, end))
    return _texts(text, found)


def period_spans(text: str) -> list[str]:
    """Durations and periods given by both ends: "six-week", "between September 27 and ..."."""
    found = [m.span() for m in DURATION.finditer(text)]
    found += [m.span() for m in BOTH_ENDS.finditer(text)]
    return _texts(text, found)


def person_spans(text: str) -> list[str]:
    """Names of people as news writes them: two or more capitalised words, mid-sentence."""
    found = []
    for match in _PERSON.finditer(text):
        if match.group().split()[0].lower() in _CALENDAR:
            continue
        found.append((_run_start(text, match.start()), match.end()))
    return _texts(text, found)


def _run_start(text: str, start: int) -> int:
    """Where the name at ``start`` begins: at the sentence's start if it opens the sentence.

    The name finder starts after a lower-case word, so a name opening the sentence would lose
    its first words ("General Hospital" of "Lowmere General Hospital opened ..."). A leading
    function word ("The") is capitalised only for opening the sentence, and stays out.
    """
    before = text[:start].split()
    if not before or not all(word[:1].isupper() for word in before):
        return start
    first = 1 if before[0].lower() in STOP_WORDS else 0
    if first == len(before):
        return start
    return text.index(before[first])


def place_spans(text: str) -> list[str]:
    """Places where something is: the capitalised words after "in", "at", "near", ...

    A possessive is no place of its own: in "arriving in Karabakh's main city Stepanakert" the
    place is Stepanakert, which "city" names.
    """
    found = []
    for match in _PLACE.finditer(text):
        place = match.group("place")
        if re.search(r"['\u2019]s$", place) or place.split()[0].lower() in _CALENDAR:
            continue
        found.append(match.span("place"))
    return _texts(text, found)
