"""Feeds: read as RSS or Atom, polled conditionally, new entries made into checked briefings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.core import load_knowledge
from bot.feeds import FeedError, fetch_feed, poll, read_feed, record, undo, write_ready
from testkit.local_site import LocalSite
from testkit.news_feed import ARTICLES, rss, serve

LIMIT = 1_000_000


@pytest.fixture
def site():
    with LocalSite() as served:
        yield served


def _poll(store, url, **options):
    feed = next(f for f in store.feeds() if f.url == url)
    return poll(feed, store.taken_entries(feed.id), max_bytes=LIMIT, allow_private=True, **options)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_rss_and_atom_entries_come_newest_first_dated_as_their_publisher_wrote(site, kind):
    read = fetch_feed(serve(site, kind=kind), max_bytes=LIMIT, allow_private=True)
    assert read.title == "Merrow Valley Daily"
    assert [e.link for e in read.entries] == [site.url + a.path for a in reversed(ARTICLES)]
    # 18:05 on the 17th at +01:00 is the 17th, whatever the date in UTC
    assert [e.published for e in read.entries] == [
        dt.date(2026, 11, 18),
        dt.date(2026, 11, 17),
        dt.date(2026, 11, 16),
    ]
    assert len({e.key for e in read.entries}) == 3
    assert read.entries[0].title == "Lowmere hospital opens a new children's wing"


def test_what_is_not_a_feed_is_one_clear_line_and_bytes_are_never_a_file_name(site):
    page = site.put("/page.html", ARTICLES[0].html())
    with pytest.raises(FeedError, match=r"page\.html: not an RSS or Atom feed"):
        fetch_feed(page, max_bytes=LIMIT, allow_private=True)
    # feedparser opens a file named by a string; the feed's bytes must never be taken as one
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        read_feed(str(Path(__file__)).encode(), "https://news.example/feed")


def test_entries_without_a_page_are_left_out():
    feed = rss("https://news.example").replace(
        "<link>https://news.example/news/ferry-strike.html</link>", ""
    )
    read = read_feed(feed.encode(), "https://news.example/feed.xml")
    assert [e.title for e in read.entries] == [
        "Lowmere hospital opens a new children's wing",
        "Flood barrier works begin on the Merrow",
    ]


def test_a_poll_makes_each_new_entry_a_dated_briefing_then_asks_conditionally(
    site, store, tmp_path
):
    url = serve(site)
    store.add_feed(url)
    first = _poll(store, url)
    assert first.problem() is None
    assert not first.not_modified
    assert [r.prepared.title for r in first.ready] == [a.title for a in reversed(ARTICLES)]
    ferry = first.ready[1].prepared.data.decode()
    assert "published: 2026-11-17" in ferry
    assert "publisher: Merrow Valley Daily" in ferry
    directory = tmp_path / "knowledge"
    directory.mkdir()
    written, named = write_ready(directory, first.ready)
    assert len(written) == 3
    record(store, directory, first, named)
    (feed,) = store.feeds()
    assert (feed.taken, feed.title, feed.error) == (3, "Merrow Valley Daily", None)
    assert len(list((directory / ".originals").iterdir())) == 3
    base = load_knowledge(directory, max_bytes=LIMIT)
    assert sorted(str(d.meta.published) for d in base.documents) == [
        "2026-11-16",
        "2026-11-17",
        "2026-11-18",
    ]

    again = _poll(store, url)
    assert again.not_modified
    assert again.ready == ()
    assert site.asked("/feed.xml")[-1].status == 304
    pages = sum(len(site.asked(a.path)) for a in ARTICLES)
    assert pages == 3  # each page fetched once


def test_only_new_entries_are_taken_and_a_backlog_past_max_new_is_passed_over(site, store):
    url = serve(site, ARTICLES[:1])
    store.add_feed(url)
    first = _poll(store, url)
    record(store, Path("/nonexistent"), first, [])  # nothing written: the entry stays new
    assert store.taken_entries(store.feeds()[0].id) == set()
    serve(site, ARTICLES)
    taken = _poll(store, url, max_new=2)
    assert [r.entry.published.day for r in taken.ready] == [18, 17]
    assert [e.published.day for e in taken.passed] == [16]  # older than the newest two


def test_a_broken_entry_keeps_no_other_out_and_is_tried_again(site, store, tmp_path):
    url = serve(site)
    site.fail(ARTICLES[1].path)
    store.add_feed(url)
    result = _poll(store, url)
    assert len(result.ready) == 2
    assert result.failed == (f"{site.url}{ARTICLES[1].path}: the server answered 500",)
    assert result.etag is None  # the feed must be read again to retry the entry
    directory = tmp_path / "knowledge"
    directory.mkdir()
    record(store, directory, result, write_ready(directory, result.ready)[1])
    assert "answered 500" in store.feeds()[0].error
    site.put(ARTICLES[1].path, ARTICLES[1].html())
    retried = _poll(store, url)
    assert [r.entry.title for r in retried.ready] == [ARTICLES[1].title]
    assert retried.problem() is None
    assert retried.etag is not None


def test_a_feed_that_fails_is_an_error_that_keeps_its_validators(site, store):
    url = serve(site)
    store.add_feed(url)
    store.feed_polled(store.feeds()[0].id, title="Old", etag='"x"', last_modified=None, error=None)
    site.fail("/feed.xml")
    result = _poll(store, url)
    assert result.error == f"{url}: the server answered 500"
    assert (result.title, result.etag, result.ready) == ("Old", '"x"', ())


def test_files_written_get_names_of_their_own_and_undo_restores_the_directory(site, tmp_path):
    directory = tmp_path / "knowledge"
    directory.mkdir()
    (directory / "ferry-crews-strike-over-rosters.md").write_text("# Another ferry story\n")
    url = serve(site)
    from bot.store import Feed

    feed = Feed(id=1, url=url, added_at=dt.datetime(2026, 11, 18, tzinfo=dt.UTC))
    result = poll(feed, set(), max_bytes=LIMIT, allow_private=True)
    written, named = write_ready(directory, result.ready)
    assert "ferry-crews-strike-over-rosters-2.md" in [n.prepared.name for n in named]
    again, _ = write_ready(directory, result.ready)  # the same files again: nothing new
    assert again == []
    undo(directory, written)
    assert sorted(p.name for p in directory.iterdir()) == ["ferry-crews-strike-over-rosters.md"]
