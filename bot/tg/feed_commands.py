"""``/feed`` for admins: follow an RSS or Atom feed, list the feeds, stop one, poll now.

    /feed add URL     check that URL is a feed, follow it, and poll it at once
    /feed list        every feed: its title, address, briefings taken, last poll and error
    /feed remove N    stop following feed N of the list (or its address); its briefings stay
    /feed poll        poll every feed now

A feed is checked before it is followed (fetched and read), so a page that is not a feed is
refused with the reason, not found broken half an hour later. Feeds live in the state store,
so without one the command says so.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.core import BriefingBotError, counted
from bot.feeds import fetch_feed, find_feed
from bot.store import Feed, StoreError
from bot.tg.admin import admin_with_store
from bot.tg.feed_poller import poll_all, poll_one
from bot.tg.questions import strip_command
from bot.tg.render import escape, fit
from bot.tg.replies import reply_html
from bot.tg.state import BotState

logger = logging.getLogger(__name__)

REFUSAL = "Sorry, only the bot's admins can change the feeds I follow."
USAGE = (
    "Feeds bring briefings without an upload. "
    "/feed add URL follows an RSS or Atom feed; /feed list shows them; "
    "/feed remove N stops one; /feed poll polls them now."
)
NO_STORE = "Feeds need the state store (STATE_DB), and this bot runs without one."
MAX_LINE = 300


def _stamp(feed: Feed) -> str:
    if feed.polled_at is None:
        return "not polled yet"
    return "last polled " + feed.polled_at.strftime("%Y-%m-%d %H:%M UTC")


def listing(feeds: list[Feed]) -> str:
    """``/feed list``: one numbered paragraph a feed (HTML)."""
    if not feeds:
        return escape("I follow no feed yet. " + USAGE)
    lines = [f"<b>{counted(len(feeds), 'feed')}</b> I follow:"]
    for number, feed in enumerate(feeds, 1):
        title = escape(feed.title or "(no title yet)")
        facts = f"{counted(feed.taken, 'briefing')} taken, {_stamp(feed)}"
        lines.append(f"{number}. <b>{title}</b>\n{escape(feed.url)}\n{facts}")
        if feed.error:
            lines.append(f"\u26a0\ufe0f Last error: {escape(fit(feed.error, MAX_LINE))}")
    return "\n".join(lines)


async def _add(state: BotState, url: str) -> str:
    store, settings = state.store, state.settings
    assert store is not None
    try:
        read = await asyncio.to_thread(
            fetch_feed,
            url,
            max_bytes=settings.max_file_bytes,
            allow_private=settings.allow_private_links,
        )
        feed, new = await asyncio.to_thread(store.add_feed, url)
    except (BriefingBotError, StoreError) as exc:
        logger.warning("feed %s not added: %s", url, exc)
        return f"<b>Not followed.</b> {escape(fit(str(exc), MAX_LINE * 2))}"
    if not new:
        return escape(f"I already follow {read.title or url}. /feed poll polls it now.")
    logger.info("following feed %s (%s)", url, read.title)
    polled = await poll_one(state, feed)
    entries = counted(len(read.entries), "entry", "entries")
    head = f"Following \u201c{read.title or url}\u201d: {entries}."
    return f"{escape(head)}\n{escape(polled.summary())}"


async def _remove(state: BotState, wanted: str) -> str:
    store = state.store
    assert store is not None
    feeds = await asyncio.to_thread(store.feeds)
    feed = find_feed(feeds, wanted)
    if feed is None:
        return escape(f"No feed {wanted} in the list.\n\n") + listing(feeds)
    try:
        await asyncio.to_thread(store.remove_feed, feed.id)
    except StoreError as exc:
        return f"<b>Not removed.</b> {escape(str(exc))}"
    logger.info("stopped following feed %s", feed.url)
    kept = counted(feed.taken, "briefing")
    return escape(
        f"I no longer follow {feed.title or feed.url}. The {kept} taken from it stay;"
        " /remove NAME takes one out."
    )


async def _poll(state: BotState) -> str:
    polled = await poll_all(state)
    if not polled:
        return escape("I follow no feed yet. " + USAGE)
    return "\n".join(escape(p.summary()) for p in polled)


async def feed_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/feed add|list|remove|poll`` for admins; anyone else is refused."""
    found = await admin_with_store(update, context, REFUSAL, NO_STORE)
    if found is None:
        return
    message, state, store = found
    verb, _, rest = strip_command(message.text or "").partition(" ")
    verb, rest = verb.lower(), rest.strip()
    if verb == "add" and rest:
        text = await _add(state, rest)
    elif verb in ("", "list"):
        try:
            text = listing(await asyncio.to_thread(store.feeds))
        except StoreError as exc:
            text = escape(str(exc))
    elif verb == "remove" and rest:
        text = await _remove(state, rest)
    elif verb == "poll":
        text = await _poll(state)
    else:
        text = escape(USAGE)
    await reply_html(message, text)
