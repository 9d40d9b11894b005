"""A day or a briefing named in a message: "what did it say on 17 November?".

Or "what was new yesterday?", "in the Syunik briefing, how many households lost power?".

A daily briefing's readers ask about a day, or about one briefing, as often as about a fact.
``read_scope`` finds the day or the briefing the message narrows itself to, and what is left
of the question, so the bot can answer from those briefings alone, or list them when nothing
else is asked. A date is taken as the message's scope only when the message speaks of the
briefings' own time (it says, reports, is new, or names a briefing: "on 17 November"
in "what happens on November 25?" is what is asked about, not a scope). A day without a year
is the latest one not after the reference day; "yesterday", "today" and weekdays count from
it. The reference is today, and, when the knowledge holds nothing that day, the newest
briefing's date (``resolve_day``): a reader of an archive asks about its days.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.core.ingest.documents import Document, KnowledgeBase
from bot.core.lexicon import MONTH_ABBREVIATIONS, MONTHS
from bot.core.news_request import asks_whats_new

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = "|".join(sorted([*MONTHS, *MONTH_ABBREVIATIONS], key=len, reverse=True))
_DAY_MONTH = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH})\.?"
    rf"(?:,?\s+(?P<year>\d{{4}}))?\b",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    rf"\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?\b",
    re.IGNORECASE,
)
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")
_RELATIVE = re.compile(
    r"\b(?:(?P<near>yesterday|today)|(?:on\s+|last\s+)?(?P<weekday>"
    + "|".join(WEEKDAYS)
    + r"))\b(?:'s)?",
    re.IGNORECASE,
)
# The briefings' own time: what they said, reported, brought new, or a briefing named.
_ABOUT_BRIEFINGS = re.compile(
    r"\b(?:say|says|said|saying|report|reports|reported|new|news|briefing|briefings|"
    r"brief|bulletin|edition|issue|digest|covered|cover|happened|happen)\b",
    re.IGNORECASE,
)
_NAMED = (
    re.compile(
        r"^\s*(?:in|from|according\s+to)\s+the\s+(?P<name>[^,?]+?)\s+briefing\s*[,:]?\s*(?P<rest>.*)$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?P<rest>.+?)[,\s]+(?:in|from|according\s+to)\s+the\s+(?P<name>[^,?]+?)\s+briefing\s*\??\s*$",
        re.IGNORECASE,
    ),
)
_FILLER = re.compile(
    r"^(?:what\s+(?:did|does)\s+(?:it|the\s+briefings?|they|you)\s+(?:say|report)|what\s+(?:was|is|'s)"
    r"\s+new|what\s+was\s+in\s+the\s+(?:news|briefings?)|what\s+happened|any\s+news|news)\s*"
    r"(?:on|from|of|for)?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Scope:
    """What a message narrows itself to, and the question left (``""``: only the listing)."""

    question: str
    day: dt.date | None = None
    briefing: str | None = None  # the words naming a briefing ("Syunik")
    relative: str | None = None  # the word the day was read from: "yesterday", "monday"

    @property
    def listing(self) -> bool:
        """Whether nothing is asked beyond the day's or the briefing's contents."""
        return not self.question


def _month(name: str) -> int:
    name = name.lower().rstrip(".")
    full = MONTH_ABBREVIATIONS.get(name, name)
    return MONTHS.index(full) + 1


def _latest(month: int, day: int, year: int | None, reference: dt.date) -> dt.date | None:
    try:
        if year is not None:
            return dt.date(year, month, day)
        found = dt.date(reference.year, month, day)
        return found if found <= reference else dt.date(reference.year - 1, month, day)
    except ValueError:
        return None


def _absolute(text: str, reference: dt.date) -> tuple[dt.date, tuple[int, int]] | None:
    for pattern in (_ISO, _DAY_MONTH, _MONTH_DAY):
        found = pattern.search(text)
        if found is None:
            continue
        year = int(found["year"]) if found["year"] else None
        month = int(found["month"]) if pattern is _ISO else _month(found["month"])
        day = _latest(month, int(found["day"]), year, reference)
        if day is not None:
            return day, found.span()
    return None


def relative_day(word: str, reference: dt.date) -> dt.date:
    """The day "yesterday", "today" or a weekday means, counted back from ``reference``."""
    word = word.lower()
    if word == "today":
        return reference
    if word == "yesterday":
        return reference - dt.timedelta(days=1)
    back = (reference.weekday() - WEEKDAYS.index(word)) % 7
    return reference - dt.timedelta(days=back)


_BEFORE = re.compile(r"(?:\b(?:on|of|from|for|in)\s+(?:the\s+)?)$", re.IGNORECASE)


def _leftover(text: str, span: tuple[int, int]) -> str:
    before = _BEFORE.search(text[: span[0]])
    start = before.start() if before is not None else span[0]
    rest = (text[:start] + " " + text[span[1] :]).strip()
    rest = re.sub(r"\s+", " ", rest)
    rest = re.sub(r"\b(?:on|of|from|for)\s*([,?.!]|$)", r"\1", rest).strip(" ,;:")
    rest = re.sub(r"\s+\?", "?", rest)
    if _FILLER.match(rest.rstrip("?!. ")) or not re.search(r"\w", rest) or asks_whats_new(rest):
        return ""  # nothing asked beyond the day's news: "news from yesterday please"
    return rest


def read_scope(text: str, today: dt.date) -> Scope | None:
    """The day or briefing ``text`` narrows itself to, or ``None`` when it names neither."""
    for pattern in _NAMED:
        found = pattern.match(text)
        if found is not None:
            rest = found["rest"].strip(" ,;:")
            name = found["name"].strip()
            day = _absolute(name, today)
            if day is not None:
                return Scope(_leftover(rest, (0, 0)) if rest else "", day=day[0])
            return Scope(rest if re.search(r"\w", rest) else "", briefing=name)
    if not _ABOUT_BRIEFINGS.search(text):
        return None
    absolute = _absolute(text, today)
    if absolute is not None:
        return Scope(_leftover(text, absolute[1]), day=absolute[0])
    near = _RELATIVE.search(text)
    if near is not None:
        word = near["near"] or near["weekday"]
        return Scope(
            _leftover(text, near.span()), day=relative_day(word, today), relative=word.lower()
        )
    return None


def dated(base: KnowledgeBase, day: dt.date) -> list[Document]:
    """The briefings published on ``day``."""
    return [d for d in base.documents if d.meta.published == day]


def resolve_day(scope: Scope, base: KnowledgeBase, today: dt.date) -> dt.date | None:
    """The day meant (``None`` for a briefing scope).

    As read; but for "yesterday", "today" and weekdays with no briefing then, the same word
    counted from the newest briefing's date instead.
    """
    if scope.day is None or scope.relative is None or dated(base, scope.day):
        return scope.day
    newest = max((d.meta.published for d in base.documents if d.meta.published), default=None)
    if newest is None or newest >= today:
        return scope.day
    return relative_day(scope.relative, newest)


def named(base: KnowledgeBase, name: str) -> list[Document]:
    """The briefings whose title (or file name) holds every word of ``name``."""
    words = re.findall(r"\w+", name.lower())
    found = []
    for document in base.documents:
        title = f"{document.title} {document.path}".lower()
        if words and all(re.search(rf"\b{re.escape(w)}", title) for w in words):
            found.append(document)
    return found
