"""The newest briefings in brief: newest first, the newest with what it is about."""

from __future__ import annotations

import datetime as dt

from bot.core import load_knowledge, newest_briefings
from tests.conftest import FIXTURES, MAX_BYTES, REPO_KNOWLEDGE


def test_newest_first_the_newest_with_its_sections():
    base = load_knowledge(FIXTURES / "dated-news" / "knowledge", max_bytes=MAX_BYTES)
    found = newest_briefings(base, count=3)
    assert found.total == len(base.documents) > 3
    dates = [item.published for item in found.items]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == max(d.meta.published for d in base.documents)
    newest = next(d for d in base.documents if d.path == found.items[0].path)
    if len(newest.sections) >= 2:
        assert found.items[0].sections == newest.sections
    else:
        assert found.items[0].opening == newest.paragraphs[0].sentences[:2]
    assert all(not i.sections and not i.opening for i in found.items[1:])  # titles only


def test_a_briefing_without_headings_shows_its_first_sentences(write):
    write("a.md", "---\ntitle: Old\npublished: 2026-11-01\n---\nOld news. More of it.\n")
    path = write("b.md", "---\ntitle: New\npublished: 2026-11-02\n---\nFirst. Second. Third.\n")
    found = newest_briefings(load_knowledge(path.parent, max_bytes=MAX_BYTES))
    assert [i.title for i in found.items] == ["New", "Old"]
    assert found.items[0].opening == ("First.", "Second.")
    assert found.items[0].published == dt.date(2026, 11, 2)


def test_the_bundled_briefing_alone():
    found = newest_briefings(load_knowledge(REPO_KNOWLEDGE, max_bytes=MAX_BYTES))
    (only,) = found.items
    assert only.source.startswith("https://www.themoscowtimes.com/")
    assert "Return of territory" in only.sections
