"""Briefings from RSS and Atom feeds: read a feed, take its new entries, make them briefings.

A feed is fetched like a link an admin sent (``bot.fetch``: public addresses only, size and
time limits, every redirect checked) and conditionally (ETag, Last-Modified), so an unchanged
feed costs one small request. feedparser reads it, handed the bytes as a stream: given a
string or bytes it would open a URL or a local file of that name itself. Each new entry's page
is fetched the same way and made into a knowledge file as ``/add`` makes one
(``bot.adding.prepare``), dated by the feed (the entry's own calendar date, as its publisher
wrote it), then checked alone; one bad entry never keeps the others out.

What was taken is the store's (``bot.store.feeds``): an entry is taken once, by its id in the
feed. At most ``max_new`` entries are taken a poll, the newest; older new ones are passed over
for good, so a feed added with a long backlog gives today's briefings, not a trickle of old
ones. An entry whose page fails is not recorded, so the next poll tries it again; and since
the feed itself must then be read again, the poll's validators are not kept either.

Nothing here reloads or imports ``telegram``: the bot and the command line write what a poll
made ready (``write_ready``), reload all or nothing, and undo the files if that fails.
"""

from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import io
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.adding import (
    AddError,
    Fetcher,
    Known,
    Prepared,
    check_alone,
    keep_original,
    prepare,
    unused_name,
)
from bot.core import BriefingBotError, KnowledgeFileError, counted
from bot.fetch import FetchError, fetch
from bot.store import Feed, StateStore

logger = logging.getLogger(__name__)

DEFAULT_MAX_NEW = 10
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_LINK_SCHEMES = ("http://", "https://")
_MAX_ERROR = 300


class FeedError(BriefingBotError):
    """A feed that cannot be read; the message is one line fit for a chat."""


@dataclass(frozen=True)
class Entry:
    """One entry of a feed: its id (the ``guid``, else its link), page, title and date."""

    key: str
    link: str
    title: str | None = None
    published: dt.date | None = None
    moment: float | None = field(default=None, compare=False)  # UTC seconds, to order entries


@dataclass(frozen=True)
class ReadFeed:
    """A feed as read: its title and its entries with links, newest first."""

    title: str | None
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Ready:
    """A new entry made into a knowledge file, checked alone, not yet written."""

    entry: Entry
    prepared: Prepared


@dataclass(frozen=True)
class Poll:
    """What one poll of a feed found; ``not_modified`` when the server had nothing newer."""

    feed: Feed
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    ready: tuple[Ready, ...] = ()
    passed: tuple[Entry, ...] = ()  # new but older than the newest ``max_new``: never taken
    failed: tuple[str, ...] = ()  # one line an entry that could not be made a briefing
    error: str | None = None  # the feed itself could not be fetched or read

    def problem(self) -> str | None:
        """The poll's error for ``/feed list``: the feed's, or the first entry's and a count."""
        if self.error is not None:
            return self.error
        if not self.failed:
            return None
        more = len(self.failed) - 1
        return self.failed[0] + (
            f" (and {counted(more, 'other entry', 'other entries')})" if more else ""
        )


@dataclass(frozen=True)
class Written:
    """A file a poll wrote into the knowledge directory, and what was there before."""

    name: str
    previous: bytes | None


def _one_line(text: object) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= _MAX_ERROR else line[: _MAX_ERROR - 1] + "\u2026"


def _entry_date(raw: str | None, parsed: time.struct_time | None) -> dt.date | None:
    """The entry's calendar date as its publisher wrote it (RFC 822 or RFC 3339), else UTC's."""
    if raw:
        try:
            return email.utils.parsedate_to_datetime(raw).date()
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return dt.datetime.fromisoformat(raw.strip()).date()
        except ValueError:
            pass
    if parsed is not None:
        return dt.datetime(*parsed[:6], tzinfo=dt.UTC).date()
    return None


def read_feed(data: bytes, url: str) -> ReadFeed:
    """Read an RSS or Atom feed fetched from ``url``; ``FeedError`` if it is neither."""
    import feedparser

    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": url})
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({_one_line(problem)})" if problem else ""
        raise FeedError(f"{url}: not an RSS or Atom feed{detail}")
    entries = []
    for order, item in enumerate(parsed.entries):
        link = str(item.get("link") or "").strip()
        if not link.lower().startswith(_LINK_SCHEMES):
            continue  # nothing to fetch: an entry without a page of its own
        stamp = item.get("published_parsed") or item.get("updated_parsed")
        raw = item.get("published") or item.get("updated")
        moment = float(calendar.timegm(stamp)) if stamp else None
        title = " ".join(str(item.get("title") or "").split()) or None
        key = str(item.get("id") or link).strip()
        entries.append((moment, order, Entry(key, link, title, _entry_date(raw, stamp), moment)))
    # Newest first by date; entries without one keep the feed's order, which is newest first.
    entries.sort(key=lambda found: (-(found[0] or float("inf")), found[1]))
    title = " ".join(str(parsed.feed.get("title") or "").split()) or None
    return ReadFeed(title, tuple(entry for _, _, entry in entries))


def find_feed(feeds: Sequence[Feed], wanted: str) -> Feed | None:
    """The feed numbered ``wanted`` (from 1, as the lists show them), or the one at that URL."""
    if wanted.isdigit() and 1 <= int(wanted) <= len(feeds):
        return feeds[int(wanted) - 1]
    return next((f for f in feeds if f.url == wanted.strip()), None)


def fetch_feed(
    url: str,
    *,
    max_bytes: int,
    allow_private: bool = False,
    fetcher: Fetcher = fetch,
) -> ReadFeed:
    """Fetch and read a feed at once, as ``/feed add`` checks one before following it."""
    fetched = fetcher(url, max_bytes=max_bytes, allow_private=allow_private, accept=FEED_ACCEPT)
    return read_feed(fetched.data, fetched.url)


def poll(
    feed: Feed,
    taken: set[str],
    *,
    max_bytes: int,
    allow_private: bool = False,
    max_new: int = DEFAULT_MAX_NEW,
    fetcher: Fetcher = fetch,
) -> Poll:
    """Fetch ``feed`` and make its new entries into checked knowledge files (blocking)."""
    try:
        fetched = fetcher(
            feed.url,
            max_bytes=max_bytes,
            allow_private=allow_private,
            etag=feed.etag,
            last_modified=feed.last_modified,
            accept=FEED_ACCEPT,
        )
        if fetched.not_modified:
            return Poll(feed, feed.title, feed.etag, feed.last_modified, not_modified=True)
        read = read_feed(fetched.data, fetched.url)
    except BriefingBotError as exc:
        return Poll(feed, feed.title, feed.etag, feed.last_modified, error=_one_line(exc))
    new = [entry for entry in read.entries if entry.key not in taken]
    ready, failed = [], []
    for entry in new[:max_new]:
        try:
            made = fetcher(entry.link, max_bytes=max_bytes, allow_private=allow_private)
            prepared = prepare(
                made.data,
                max_bytes=max_bytes,
                url=made.url,
                content_type=made.content_type,
                known=Known(published=entry.published, title=entry.title),
            )
            check_alone(prepared.name, prepared.data, max_bytes=max_bytes)
        except (FetchError, AddError) as exc:  # their messages name the link
            failed.append(_one_line(exc))
            continue
        except KnowledgeFileError as exc:  # it names the scratch copy: name the link instead
            failed.append(_one_line(f"{entry.link}: {exc.reason}"))
            continue
        ready.append(Ready(entry, prepared))
    # With an entry to try again the feed must be read again: its validators are not kept.
    etag, modified = (
        (feed.etag, feed.last_modified) if failed else (fetched.etag, fetched.last_modified)
    )
    return Poll(
        feed,
        read.title,
        etag,
        modified,
        ready=tuple(ready),
        passed=tuple(new[max_new:]),
        failed=tuple(failed),
    )


def write_ready(directory: Path, ready: Iterable[Ready]) -> tuple[list[Written], list[Ready]]:
    """Write each ready file under a name of its own; what was written, and as what.

    Names are chosen one after the other, so two entries of one poll never share one; an
    entry whose exact file is already there (a poll cut off before it was recorded) keeps it.
    """
    written: list[Written] = []
    named: list[Ready] = []
    try:
        for item in ready:
            prepared = unused_name(directory, item.prepared)
            target = directory / prepared.name
            previous = target.read_bytes() if target.exists() else None
            if previous != prepared.data:
                written.append(Written(prepared.name, previous))
                target.write_bytes(prepared.data)
            named.append(Ready(item.entry, prepared))
    except BaseException:
        undo(directory, written)
        raise
    return written, named


def undo(directory: Path, written: Sequence[Written]) -> None:
    """Put the knowledge directory back as it was before ``write_ready``."""
    for item in reversed(written):
        target = directory / item.name
        if item.previous is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(item.previous)


def record(store: StateStore, directory: Path, result: Poll, named: Sequence[Ready]) -> None:
    """After the knowledge loaded with them: keep the originals, mark the entries taken."""
    for item in named:
        keep_original(directory, item.prepared)
    entries: list[tuple[str, str | None]] = [(r.entry.key, r.prepared.name) for r in named]
    entries += [(entry.key, None) for entry in result.passed]
    if entries:
        store.take_entries(result.feed.id, entries)
    store.feed_polled(
        result.feed.id,
        title=result.title,
        etag=result.etag,
        last_modified=result.last_modified,
        error=result.problem(),
    )


def failed_to_load(store: StateStore, result: Poll, reason: str) -> None:
    """The knowledge did not load with the poll's files (undone): the feed shows why."""
    store.feed_polled(
        result.feed.id,
        title=result.title,
        etag=result.feed.etag,
        last_modified=result.feed.last_modified,
        error=_one_line(f"the knowledge did not load with its entries: {reason}"),
    )
