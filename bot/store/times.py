"""Times as the store writes them: UTC, ISO 8601, fixed width.

Text rather than epoch numbers so an admin reading the file with ``sqlite3`` sees dates, and
fixed width (always microseconds, always ``Z``) so text order is time order and the first ten
characters are the UTC day. Naive datetimes are refused: a local time taken for UTC would file
questions under the wrong day without anyone noticing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

Clock = Callable[[], datetime]
_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """``moment`` as stored; raises ``ValueError`` for a naive datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a time zone is required, got the naive datetime {moment.isoformat()}")
    return moment.astimezone(UTC).strftime(_FORMAT)


def parse(text: str) -> datetime:
    """A stored time back as an aware UTC datetime (fromisoformat: 30 times strptime's speed)."""
    return datetime.fromisoformat(text)


def parse_day(text: str) -> date:
    """A stored day (``YYYY-MM-DD``, the first ten characters of a stamp) as a date."""
    return date.fromisoformat(text)


def days_before(moment: datetime, days: float) -> str:
    """The stamp ``days`` before ``moment``: a cut-off for pruning."""
    return stamp(moment - timedelta(days=days))
