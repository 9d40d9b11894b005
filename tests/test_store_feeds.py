"""The feeds followed and the entries taken: kept across restarts, forgotten with the feed."""

from __future__ import annotations

from bot.store import open_state_store

URL = "https://news.example/feed.xml"


def test_a_feed_is_followed_once_and_its_polls_are_recorded(store, store_clock):
    feed, new = store.add_feed(URL)
    assert new
    assert feed.url == URL
    assert feed.polled_at is None
    assert feed.taken == 0
    again, new = store.add_feed(URL)
    assert not new
    assert again.id == feed.id
    store.feed_polled(feed.id, title="News", etag='"1"', last_modified=None, error=None)
    (polled,) = store.feeds()
    assert (polled.title, polled.etag, polled.error) == ("News", '"1"', None)
    assert polled.polled_at == store_clock.now
    store.feed_polled(feed.id, title=None, etag='"1"', last_modified=None, error="timed out")
    (failed,) = store.feeds()
    assert failed.title == "News"  # a failed poll keeps the title it had
    assert (failed.error, failed.error_at) == ("timed out", store_clock.now)
    store.feed_polled(feed.id, title=None, etag='"2"', last_modified=None, error=None)
    assert store.feeds()[0].error is None
    assert store.feeds()[0].error_at is None


def test_taken_entries_outlive_a_restart_and_go_with_their_feed(store_target):
    path = store_target
    with open_state_store(path) as store:
        feed, _ = store.add_feed(URL)
        other, _ = store.add_feed(URL + "?2")
        store.take_entries(feed.id, [("guid-1", "first.md"), ("guid-2", None)])
        store.take_entries(feed.id, [("guid-1", "first-again.md")])  # taken once only
        store.take_entries(other.id, [("guid-1", "other.md")])
    with open_state_store(path) as store:
        assert store.taken_entries(feed.id) == {"guid-1", "guid-2"}
        assert [f.taken for f in store.feeds()] == [1, 1]  # passed over is not taken
        assert store.remove_feed(feed.id)
        assert not store.remove_feed(feed.id)
        assert [f.url for f in store.feeds()] == [URL + "?2"]
        again, new = store.add_feed(URL)
        assert new
        assert store.taken_entries(again.id) == set()
