"""/feed for admins: follow a feed (its entries answered at once), list, poll, stop."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.tg.app import BotApp
from bot.tg.feed_commands import NO_STORE, REFUSAL
from testkit.local_site import LocalSite
from testkit.news_feed import ARTICLES, serve
from testkit.telegram_updates import feed
from tests.conftest import ADMIN_ID, USER_ID, last_text, recording_app


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with LocalSite() as served:
        yield served


@pytest.fixture
def feed_settings(tg_settings):
    return tg_settings.model_copy(update={"allow_private_links": True, "feed_poll_minutes": 0})


@pytest.fixture
async def feed_app(feed_settings, fake_telegram, live_store) -> AsyncIterator[BotApp]:
    app = recording_app(feed_settings, fake_telegram, live_store)
    await app.initialize()
    yield app
    await app.shutdown()


async def test_an_admin_follows_a_feed_and_its_entries_are_answered_at_once(
    feed_app, fake_telegram, updates, site, feed_settings
):
    url = serve(site)
    await feed(feed_app, updates.message(f"/feed add {url}", user=ADMIN_ID))
    reply = last_text(fake_telegram)
    assert reply.startswith("Following \u201cMerrow Valley Daily\u201d: 3 entries.")
    assert "Merrow Valley Daily: 3 new briefings: \u201cLowmere hospital" in reply
    made = sorted(p.name for p in feed_settings.knowledge_dir.glob("*.md"))
    assert "ferry-crews-strike-over-rosters.md" in made
    await feed(
        feed_app, updates.message("how many union members joined the strike?", user=USER_ID)
    )
    answer = last_text(fake_telegram)
    assert "140 of its <b>members</b>" in answer
    assert "Merrow Valley Daily" in answer  # the publisher, from the page

    await feed(feed_app, updates.message("/feed list", user=ADMIN_ID))
    listed = last_text(fake_telegram)
    assert "1 feed</b> I follow" in listed
    assert "3 briefings taken, last polled" in listed
    await feed(feed_app, updates.message(f"/feed add {url}", user=ADMIN_ID))
    assert last_text(fake_telegram).startswith("I already follow Merrow Valley Daily.")


async def test_a_poll_takes_only_what_is_new_and_a_removed_feed_leaves_its_briefings(
    feed_app, fake_telegram, updates, site, feed_settings
):
    url = serve(site, ARTICLES[:2])
    await feed(feed_app, updates.message(f"/feed add {url}", user=ADMIN_ID))
    assert "2 new briefings" in last_text(fake_telegram)
    await feed(feed_app, updates.message("/feed poll", user=ADMIN_ID))
    assert last_text(fake_telegram) == "Merrow Valley Daily: unchanged since the last poll"
    serve(site, ARTICLES)
    await feed(feed_app, updates.message("/feed poll", user=ADMIN_ID))
    assert last_text(fake_telegram) == (
        "Merrow Valley Daily: 1 new briefing: \u201cLowmere hospital opens a new children"
        "'s wing\u201d"
    )
    await feed(feed_app, updates.message("/feed remove 1", user=ADMIN_ID))
    assert last_text(fake_telegram).startswith(
        "I no longer follow Merrow Valley Daily. The 3 briefings taken from it stay"
    )
    assert len(list(feed_settings.knowledge_dir.glob("*.md"))) == 4  # the briefing and three
    await feed(feed_app, updates.message("/feed list", user=ADMIN_ID))
    assert last_text(fake_telegram).startswith("I follow no feed yet.")


async def test_what_is_not_a_feed_is_refused_and_a_broken_feed_shows_its_error(
    feed_app, fake_telegram, updates, site
):
    page = site.put("/news/front.html", ARTICLES[0].html())
    await feed(feed_app, updates.message(f"/feed add {page}", user=ADMIN_ID))
    refused = last_text(fake_telegram)
    assert refused.startswith("<b>Not followed.</b>")
    assert "not an RSS or Atom feed" in refused
    url = serve(site, ARTICLES[:1])
    await feed(feed_app, updates.message(f"/feed add {url}", user=ADMIN_ID))
    site.fail("/feed.xml")
    site.put("/other.xml", "<rss version='2.0'><channel><title>Other</title></channel></rss>")
    await feed(feed_app, updates.message(f"/feed add {site.url}/other.xml", user=ADMIN_ID))
    await feed(feed_app, updates.message("/feed poll", user=ADMIN_ID))
    polled = last_text(fake_telegram)
    assert "Merrow Valley Daily: nothing new (problem: " in polled
    assert "answered 500" in polled
    assert "Other: unchanged since the last poll" in polled  # the broken one stopped nothing
    await feed(feed_app, updates.message("/feed list", user=ADMIN_ID))
    assert "Last error: " in last_text(fake_telegram)


async def test_feed_is_for_admins_and_needs_the_store(tg_app, fake_telegram, updates, site):
    await feed(tg_app, updates.message(f"/feed add {serve(site)}", user=USER_ID))
    assert last_text(fake_telegram) == REFUSAL
    await feed(tg_app, updates.message("/feed list", user=ADMIN_ID))
    assert last_text(fake_telegram) == NO_STORE
    assert site.requests == []  # nothing was fetched for either
