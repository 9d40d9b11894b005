"""Which day "on Tuesday" stands for, read from the sentence's tense and its document's date.

News writes "talks resumed on Thursday" and "the vote will be held on Sunday", trusting the
reader to know when the piece appeared. A quote taken out of its briefing loses that, so the
reply adds the bot's reading beside the quote, never inside it: the quote stays the source's
text.

- A past tense ("resumed on Thursday", "last Thursday") names the latest such day on or
  before the document's date; a future ("will be held on Sunday", "next Sunday") the next
  one after it. "Yesterday", "today" and "tomorrow" are a day either side.
- Anything less certain (no tense, both tenses, "last week", "earlier this month") only shows
  the day as written with the document's date: "Tuesday, in a briefing of 18 Nov 2025". A
  reading the sentence does not support would be worse than none.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.core.results import day_text

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY = re.compile(
    r"\b(?:(?P<which>last|next|this|on|by|until|from|since)\s+)?"
    r"(?P<day>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
    re.IGNORECASE,
)
_NEAR_DAY = re.compile(r"\b(?P<day>yesterday|today|tomorrow)\b", re.IGNORECASE)
_VAGUE = re.compile(
    r"\b(?:(?:at|over)\s+the\s+weekend"
    r"|(?:last|next|this|earlier\s+this|later\s+this)\s+(?:week|weekend|month|year)"
    r"|(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:days?|weeks?)\s+ago)\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(?:will|shall|won't|is\s+to|are\s+to|(?:is|are)\s+(?:due|set|scheduled|expected|going)"
    r"\s+to|plans?\s+to|intends?\s+to)\b|'ll\b",
    re.IGNORECASE,
)
_PAST = re.compile(
    r"\b(?:was|were|had|did|said|told|began|met|came|went|took|gave|made|left|held|won|lost"
    r"|fell|rose|broke|sent|signed|agreed|[a-z]{3,}ed)\b",
    re.IGNORECASE,
)
# "be held", "is expected": a participle after these is not a past tense.
_PASSIVE_BEFORE = re.compile(r"\b(?:be|been|being|is|are|am)\s+$", re.IGNORECASE)
_NEAR_OFFSET = {"yesterday": -1, "today": 0, "tomorrow": 1}
# "offered to meet the union on Wednesday": the day is the meeting's, which the past tense of
# the offer does not date (it may be the coming Wednesday or the one gone).
_TO_DO = re.compile(r"\b(?:[a-z]+ed|began|chose|sought|vowed)\s+to\s+[a-z]+\b", re.IGNORECASE)


def _tense(sentence: str) -> str | None:
    """``"past"``, ``"future"``, or ``None`` when the sentence says neither or both."""
    future = bool(_FUTURE.search(sentence))
    past = any(not _PASSIVE_BEFORE.search(sentence[: m.start()]) for m in _PAST.finditer(sentence))
    if future == past:
        return None
    return "future" if future else "past"


def _weekday(day: str, published: dt.date, tense: str) -> dt.date:
    """The latest such day on or before ``published`` (past), or the next one after (future)."""
    target = WEEKDAYS.index(day.capitalize())
    if tense == "past":
        return published - dt.timedelta(days=(published.weekday() - target) % 7)
    return published + dt.timedelta(days=(target - published.weekday() - 1) % 7 + 1)


def day_reading(sentence: str, published: dt.date | None) -> str | None:
    """The bot's reading of the first relative day in ``sentence``, or ``None`` for none.

    "Thursday: 5 Mar 2026, going by the briefing of 10 Mar 2026" where the tense makes it
    certain; "Thursday, in a briefing of 10 Mar 2026" where it does not.
    """
    if published is None:
        return None
    found = [m for m in (_WEEKDAY.search(sentence), _NEAR_DAY.search(sentence)) if m]
    vague = _VAGUE.search(sentence)
    of = day_text(published)
    if not found:
        return f"{vague.group()}, in a briefing of {of}" if vague else None
    first = min(found, key=lambda m: m.start())
    written = first.group("day")
    if vague is not None and vague.start() < first.start():
        return f"{vague.group()}, in a briefing of {of}"
    which = (first.groupdict().get("which") or "").lower()
    if written.lower() in _NEAR_OFFSET:
        day = published + dt.timedelta(days=_NEAR_OFFSET[written.lower()])
    else:
        tense = {"last": "past", "next": "future"}.get(which)
        if tense is None and not _TO_DO.search(sentence[: first.start()]):
            tense = _tense(sentence)
        if tense is None:
            return f"{written.capitalize()}, in a briefing of {of}"
        day = _weekday(written, published, tense)
    return (
        f"{written.capitalize()}: {day_text(day)}, going by the briefing of {day_text(published)}"
    )
