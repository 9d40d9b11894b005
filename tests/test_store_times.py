"""Times as stored: UTC, fixed width, so text order is time order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bot.store.times import days_before, parse, parse_day, stamp, utc_now


def test_a_stamp_is_utc_and_reads_back_exactly():
    paris = timezone(timedelta(hours=1))
    moment = datetime(2025, 3, 1, 0, 30, 0, 5, tzinfo=paris)
    assert stamp(moment) == "2025-02-28T23:30:00.000005Z"
    assert parse(stamp(moment)) == moment
    assert parse_day(stamp(moment)[:10]) == date(2025, 2, 28)


def test_text_order_is_time_order():
    start = datetime(2025, 1, 1, tzinfo=UTC)
    moments = [start + timedelta(microseconds=n**4) for n in range(0, 3000, 7)]
    assert sorted(stamp(m) for m in moments) == [stamp(m) for m in moments]


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        stamp(datetime(2025, 3, 1))


def test_the_default_clock_is_aware_utc():
    assert utc_now().tzinfo is UTC


def test_days_before():
    assert days_before(datetime(2025, 3, 10, tzinfo=UTC), 2) == "2025-03-08T00:00:00.000000Z"
