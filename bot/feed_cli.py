"""``python -m bot feed add|list|remove|poll``: the feeds from the command line.

The same store and the same polls as the bot's ``/feed`` (``bot.feeds``), for a server where
the bot runs elsewhere or not at all (a cron job can run ``feed poll``). A poll's briefings
are written only if the whole knowledge still loads with them; a running bot answers from them
after its next reload, or its own next poll finds them already there and takes them as its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.core import BriefingBotError, counted, load_knowledge
from bot.feeds import failed_to_load, fetch_feed, find_feed, poll, record, undo, write_ready
from bot.store import Feed, StateStore, open_state_store


def _list(store: StateStore, out: TextIO) -> int:
    feeds = store.feeds()
    if not feeds:
        print("no feeds followed; python -m bot feed add URL follows one", file=out)
    for number, feed in enumerate(feeds, 1):
        polled = feed.polled_at.strftime("%Y-%m-%d %H:%M UTC") if feed.polled_at else "never"
        print(f"{number}. {feed.title or '(no title yet)'} <{feed.url}>", file=out)
        print(f"   {counted(feed.taken, 'briefing')} taken, last polled {polled}", file=out)
        if feed.error:
            print(f"   last error: {feed.error}", file=out)
    return 0


def _poll(store: StateStore, settings: Settings, feeds: list[Feed], out: TextIO) -> int:
    """Poll ``feeds``; 1 if any failed (each is still polled)."""
    directory, limit = settings.knowledge_dir, settings.max_file_bytes
    status, added = 0, 0
    for feed in feeds:
        result = poll(
            feed,
            store.taken_entries(feed.id),
            max_bytes=limit,
            allow_private=settings.allow_private_links,
            max_new=settings.feed_max_new,
        )
        name = result.title or feed.title or feed.url
        if result.error is not None:
            record(store, directory, result, [])  # the error, the validators as they were
            print(f"{name}: {result.error}", file=out)
            status = 1
            continue
        written, named = write_ready(directory, result.ready)
        try:
            if written:
                load_knowledge(directory, max_bytes=limit)
        except BriefingBotError as exc:
            undo(directory, written)
            failed_to_load(store, result, str(exc))
            print(f"{name}: not added, the knowledge did not load with it: {exc}", file=out)
            status = 1
            continue
        record(store, directory, result, named)
        added += len(written)
        if named:
            print(f"{name}: {counted(len(named), 'new briefing')}:", file=out)
            for item in named:
                print(f"  {item.prepared.name}: \u201c{item.prepared.title}\u201d", file=out)
        else:
            print(f"{name}: {'unchanged' if result.not_modified else 'nothing new'}", file=out)
        for problem in result.failed:
            print(f"  left for the next poll: {problem}", file=out)
            status = 1
    if added:
        print("reload the bot (/reload) to answer from the new briefings", file=out)
    return status


def run_feed(
    action: str, target: str | None, settings: Settings, db: Path | str | None, out: TextIO
) -> int:
    """Do ``action`` on the feeds in the store at ``db`` (default: ``STATE_DB``'s place)."""
    if action in ("add", "remove") and not target:
        raise BriefingBotError(f"feed {action} needs a feed: its URL (or, to remove, its number)")
    directory = settings.knowledge_dir
    if not directory.is_dir():
        raise BriefingBotError(f"{directory}: no such knowledge directory")
    with open_state_store(db or settings.state_store()) as store:
        if action == "list":
            return _list(store, out)
        if action == "poll":
            return _poll(store, settings, store.feeds(), out)
        assert target is not None
        if action == "remove":
            feed = find_feed(store.feeds(), target)
            if feed is None:
                raise BriefingBotError(f"no feed {target}: python -m bot feed list shows them")
            store.remove_feed(feed.id)
            print(
                f"no longer following {feed.title or feed.url}; its"
                f" {counted(feed.taken, 'briefing')} stay in {directory}",
                file=out,
            )
            return 0
        read = fetch_feed(
            target,
            max_bytes=settings.max_file_bytes,
            allow_private=settings.allow_private_links,
        )
        feed, new = store.add_feed(target)
        print(
            f"{'following' if new else 'already following'} {read.title or target}:"
            f" {counted(len(read.entries), 'entry', 'entries')}",
            file=out,
        )
        return _poll(store, settings, [feed], out)
