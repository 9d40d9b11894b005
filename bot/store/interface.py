"""What the bot and the command line may ask of a state store, whatever holds it.

``SqliteStore`` implements it in one file, one writer; ``PostgresStore`` on a server, for a bot
run as several webhook replicas (both are ``SqlStore``: the same calls, the same SQL). Callers
depend on this Protocol, not on either database.

Updates belong to a bot: each bot numbers its own, so the update calls take ``bot_id``, the
bot's id as Telegram's ``getMe`` returns it (not the token's prefix: only ``getMe`` is
authoritative). It is keyword-only, so it cannot be swapped with an update id. Updates recorded
before the store kept their bot are the first bot's to call. The question log, votes and
reports are the store's, whichever bot asked: a report covers everything its file holds; so
are the feeds, which belong to the knowledge.

Failures: ``record_updates`` raises ``StoreWriteError`` when it cannot record durably (answer
the updates anyway), and so do the feed calls an admin or a poll relies on; the question log,
votes, ``finish_update`` and ``prune`` never raise for a
failed write: the store logs one warning and they return ``None`` or nothing. Reports and
``unfinished_updates`` raise ``StoreError`` when the file cannot be read.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.store.models import (
    DailyDue,
    DayStats,
    Delivery,
    Feed,
    FeedbackItem,
    KnowledgeSnapshot,
    LoggedQuestion,
    Pruned,
    QuestionEntry,
    ReplyLink,
    Totals,
    UnansweredGroup,
)


class StateStore(Protocol):
    """Updates for crash safety, the question log, votes, reports and retention."""

    def record_updates(self, updates: Sequence[tuple[int, str]], *, bot_id: int) -> list[int]:
        """Store ``bot_id``'s (update_id, raw JSON) pairs durably at once; the ids it never saw."""
        ...

    def finish_update(self, update_id: int, *, bot_id: int) -> None:
        """Mark one of ``bot_id``'s updates answered, so a restart does not answer it again."""
        ...

    def unfinished_updates(self, *, bot_id: int) -> list[tuple[int, str]]:
        """``bot_id``'s updates recorded and not finished, oldest first: to answer at a start."""
        ...

    def take_unfinished(
        self, max_replays: int, *, bot_id: int
    ) -> tuple[list[tuple[int, str]], list[int]]:
        """``bot_id``'s unfinished updates to answer again, and those given up on.

        At a start, and where replicas share the store, every so often: only updates no live
        lease holds (another replica's, still answering, are left to it). Each is counted
        (durably) as one more replay and leased to this replica; one already replayed
        ``max_replays`` times is marked done instead and returned among the given up.
        """
        ...

    @property
    def lease(self) -> timedelta | None:
        """How long an update recorded or taken stays this replica's; ``None``: never shared."""
        ...

    def renew_leases(self, *, bot_id: int) -> int:
        """Extend this replica's leases on the updates it is answering; how many."""
        ...

    def reserve_send(self, interval: float, *, bot_id: int) -> float | None:
        """The moment (``time.time()``) of ``bot_id``'s next send, the pace its replicas share.

        ``None``: nothing could be reserved (the store is away).
        """
        ...

    def ping(self) -> None:
        """One trivial read; raises ``StoreError`` if the store cannot be reached."""
        ...

    @property
    def shares_knowledge(self) -> bool:
        """Replicas share the store and answer from the knowledge it holds (PostgreSQL)."""
        ...

    def knowledge_version(self) -> int:
        """The version of the knowledge the store holds; 0 while it holds none."""
        ...

    def knowledge_snapshot(self, have: Mapping[str, str]) -> KnowledgeSnapshot:
        """The knowledge files' digests, and the bytes of those ``have`` (path: digest) lacks."""
        ...

    def publish_knowledge(
        self, changes: Mapping[str, bytes | None], *, mirror: bool = False, seed: bool = False
    ) -> int | None:
        """Write changed files (``None``: removed) and raise the version; the new version.

        ``mirror``: ``changes`` is the whole knowledge; ``seed``: only into a store that never
        held any (else ``None``). Raises ``StoreWriteError`` when it cannot: nothing changed.
        """
        ...

    def knowledge_changes(self) -> AsyncGenerator[int, None] | None:
        """New versions as other replicas publish them, where the store can tell (else None)."""
        ...

    def take_turn(self, name: str, every_s: float) -> bool:
        """Whether this replica does the shared work ``name`` now (none other for ``every_s``)."""
        ...

    def user_hash(self, user_id: int) -> str:
        """A stable, salted, one-way stand-in for a user id (never store the id itself)."""
        ...

    def log_question(self, entry: QuestionEntry) -> int | None:
        """Log a question; its id, for the answer's buttons (``None`` if it was not stored)."""
        ...

    def logged_question(self, question_id: int) -> LoggedQuestion | None:
        """A logged question with its votes, or ``None`` if unknown or pruned."""
        ...

    def vote(self, question_id: int, voter_hash: str, value: int) -> Totals | None:
        """Set one voter's +1 or -1 on an answer; its totals, ``None`` if it is gone."""
        ...

    def link_reply(self, reply: ReplyLink) -> None:
        """Record which message of the bot answered which message, replacing an older one."""
        ...

    def reply_link(self, chat_id: int, message_id: int, *, bot_id: int) -> ReplyLink | None:
        """``bot_id``'s answer to a message in a chat, or ``None`` if unknown or pruned."""
        ...

    def unanswered(self, since: datetime, limit: int = 20) -> list[UnansweredGroup]:
        """The most asked unanswered questions since ``since``, grouped, most asked first."""
        ...

    def stats(self, since: datetime) -> list[DayStats]:
        """Per UTC day since ``since``: questions, answered, votes, median latency."""
        ...

    def feedback(self, limit: int = 20) -> list[FeedbackItem]:
        """The answers most recently voted down."""
        ...

    def questions(self, since: datetime) -> list[LoggedQuestion]:
        """Every question since ``since`` with its votes, oldest first (an evaluation set)."""
        ...

    def add_feed(self, url: str) -> tuple[Feed, bool]:
        """Follow the feed at ``url``; it, and whether it is new. Raises ``StoreWriteError``."""
        ...

    def feeds(self) -> list[Feed]:
        """Every feed followed, oldest first, with how its last poll went."""
        ...

    def remove_feed(self, feed_id: int) -> bool:
        """Stop following a feed (its briefings stay); whether it was followed."""
        ...

    def feed_polled(
        self,
        feed_id: int,
        *,
        title: str | None,
        etag: str | None,
        last_modified: str | None,
        error: str | None,
    ) -> None:
        """Record a poll: the feed's title, validators for the next, and its error or none."""
        ...

    def taken_entries(self, feed_id: int) -> set[str]:
        """The ids of the feed's entries already taken or passed over."""
        ...

    def take_entries(self, feed_id: int, entries: Sequence[tuple[str, str | None]]) -> None:
        """Record entries as taken: (entry id, its knowledge file or None). Raises on failure."""
        ...

    def subscribe(
        self, chat_id: int, chat_type: str, *, bot_id: int, daily_hour: int | None = None
    ) -> bool:
        """Subscribe a chat to each announcement, or to a daily digest at ``daily_hour`` (UTC).

        Whether anything changed. Raises on failure.
        """
        ...

    def daily_due(self, now: datetime, *, bot_id: int) -> list[DailyDue]:
        """The daily subscribers whose digest is due at ``now``, with what was announced since."""
        ...

    def plan_daily(
        self, due: DailyDue, text: str | None, markup: str | None, *, bot_id: int
    ) -> bool:
        """One chat's daily digest (``None``: nothing new) and that today's is made, at once.

        ``False`` when today's was made already (another replica planned it) or the chat left.
        """
        ...

    def unsubscribe(self, chat_id: int, *, bot_id: int) -> bool:
        """Unsubscribe a chat; whether it was subscribed. Raises on failure."""
        ...

    def subscribers(self, *, bot_id: int) -> list[int]:
        """The chats subscribed to ``bot_id``, in the order they subscribed."""
        ...

    def plan_broadcast(
        self, text: str, markup: str | None, *, bot_id: int, paths: Sequence[str] = ()
    ) -> int:
        """One waiting delivery of ``text`` (announcing ``paths``) to each subscriber of each.

        At once; how many.
        """
        ...

    def next_delivery(self, *, bot_id: int) -> Delivery | None:
        """The oldest waiting delivery of ``bot_id``'s announcements."""
        ...

    def take_delivery(self, *, bot_id: int) -> Delivery | None:
        """The oldest waiting delivery, marked ``sending`` for this replica alone to send."""
        ...

    def mark_delivery(self, delivery: Delivery, state: str) -> None:
        """Move a delivery to ``state`` (``sending`` before the send), durably."""
        ...

    def settle_deliveries(self, *, bot_id: int) -> int:
        """At a start: deliveries left mid-send become ``unsure``, never sent again; how many."""
        ...

    def delivery_counts(self, *, bot_id: int) -> dict[str, int]:
        """``bot_id``'s deliveries by state."""
        ...

    def prune(self, now: datetime, question_days: int) -> Pruned:
        """Delete questions and answers' links older than ``question_days``, old updates."""
        ...

    def close(self) -> None:
        """Release the store; later calls fail."""
        ...
