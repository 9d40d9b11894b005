"""A document's date: front matter or file metadata first, else the date in its source link."""

import datetime as dt

import pytest

from bot.core import DocumentMeta, load_file
from bot.core.ingest.dates import date_in_link
from tests.conftest import RAW_SEED

NOV_18 = dt.date(2025, 11, 18)


@pytest.mark.parametrize(
    ("link", "day"),
    [
        ("https://www.themoscowtimes.com/2025/11/18/nagorno-karabakh-latest", NOV_18),
        ("https://example.org/2025/11/18", NOV_18),
        ("https://example.org/world/2025/11/18/", NOV_18),
        ("https://example.org/2025/1/5/slug", dt.date(2025, 1, 5)),
        ("https://example.org/2025/11/18.html", NOV_18),
        ("https://example.org/news/2025-11-18-handover-delayed", NOV_18),
        ("https://example.org/briefing_2025-11-18.pdf", NOV_18),
        ("https://example.org/bad/2025/13/40/then/2025-11-18", NOV_18),  # the first real day
    ],
)
def test_a_date_in_the_link_s_path_is_the_document_s(link, day):
    assert date_in_link(link) == day


@pytest.mark.parametrize(
    "link",
    [
        None,
        "",
        "https://example.org/",
        "https://example.org/2025/13/40/slug",  # no such day
        "https://example.org/2025/02/30/",
        "https://example.org/2025/11/183412",  # an article number, not a day
        "https://example.org/12025/11/18/",
        "https://example.org/20251118-slug",  # no separators: too easily a number
        "https://example.org/0042/11/18/",  # not a plausible year
        "https://example.org/news?from=2025-11-18",  # the query is not the article
        "https://2025-11-18.example.org/news",  # nor the host
        "http://[::1/2025/11/18/",  # malformed
    ],
)
def test_no_date_when_the_path_names_no_real_day(link):
    assert date_in_link(link) is None


def test_metadata_without_a_date_takes_the_link_s():
    meta = DocumentMeta(title="T", source="https://e.org/2025/11/18/x")
    assert meta.published == NOV_18


def test_a_date_given_wins_over_the_link_s():
    given = dt.date(2025, 11, 17)
    meta = DocumentMeta(title="T", source="https://e.org/2025/11/18/x", published=given)
    assert meta.published == given


def test_no_link_no_date():
    assert DocumentMeta(title="T").published is None
    assert DocumentMeta(title="T", source="https://e.org/about").published is None


def test_front_matter_then_link_then_nothing(write):
    dated = write("a.md", "---\ntitle: A\npublished: 2025-11-17\n---\nText.\n")
    linked = write("b.md", "---\ntitle: B\nsource: https://e.org/2025/11/18/b\n---\nText.\n")
    both = write(
        "c.md",
        "---\ntitle: C\npublished: 2025-11-17\nsource: https://e.org/2025/11/18/c\n---\nText.\n",
    )
    undated = write("d.md", "---\ntitle: D\n---\nText.\n")
    dates = [load_file(p, max_bytes=10_000).meta.published for p in (dated, linked, both, undated)]
    assert dates == [dt.date(2025, 11, 17), NOV_18, dt.date(2025, 11, 17), None]


def test_a_raw_export_is_dated_by_the_link_cleaning_finds():
    document = load_file(RAW_SEED, max_bytes=1_000_000)
    assert document.meta.source == (
        "https://www.themoscowtimes.com/2025/11/18/nagorno-karabakh-latest-updates-briefing-nov-16"
    )
    assert document.meta.published == NOV_18
