"""A document's date from its source link, when nothing else gives one.

Front matter (``published:``) or a PDF's or web page's own metadata say when a briefing was
published. When neither does, news sites mostly put the day in their links:
``https://www.themoscowtimes.com/2025/11/18/slug`` or ``https://example.org/news/2025-11-18-slug``.
Only the link's path is read (a date in a query such as ``?from=2025-01-01`` says nothing about
the article), and only real calendar days count: ``/2025/13/40/`` is no date.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

# /2025/11/18/ or /2025/11/18 at the end: year, month and day as path segments.
_SLASHED = re.compile(r"/(\d{4})/(\d{1,2})/(\d{1,2})(?=/|$|[.\-_])")
# 2025-11-18 anywhere in the path, not inside a longer number.
_DASHED = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
YEARS = range(1900, 2101)  # a four-digit number outside these is an id, not a year


def date_in_link(link: str | None) -> dt.date | None:
    """The day named in ``link``'s path (``/2025/11/18/`` or ``2025-11-18``), else ``None``."""
    if not link:
        return None
    try:
        path = urlsplit(link).path
    except ValueError:  # a malformed link, such as an unclosed IPv6 host
        return None
    for pattern in (_SLASHED, _DASHED):
        for found in pattern.finditer(path):
            day = _day(*(int(part) for part in found.groups()))
            if day is not None:
                return day
    return None


def _day(year: int, month: int, day: int) -> dt.date | None:
    if year not in YEARS:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
