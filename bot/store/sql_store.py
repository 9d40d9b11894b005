"""The state store's calls, written once over SQL that SQLite and PostgreSQL both run.

``SqlStore`` maps each ``StateStore`` call to the functions of ``updates``, ``questions``,
``feeds``, ``subscriptions``, ``replies`` and ``reports``, and says which durability it needs:

- ``_durable``: a write the caller relies on (updates recorded, a feed added, a delivery about
  to be sent). It is on disk before the call returns, or ``StoreWriteError`` is raised.
- ``_write``: a write the bot can live without (the question log, votes, ``finish_update``).
  A failure is logged once and the call returns its fallback: the bot keeps answering. Once
  writes work again a new failure is logged anew, but not within ``WARN_AGAIN_AFTER`` of the
  last warning: a nearly full disk takes small writes and refuses large ones, and must not
  log one warning a question.
- ``_read`` and ``_report``: reads, raising ``StoreError``; reports may run on a connection of
  their own, so that ``/stats`` never holds up an answer.

How a transaction is run, and which driver errors mean "the store is unavailable" rather than
a bug, is each store's own: ``SqliteStore`` (one file, one lock) and ``PostgresStore`` (a pool
of connections to a server).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import bot.store.feeds as feed_log
import bot.store.knowledge as knowledge
import bot.store.pace as pace
import bot.store.questions as question_log
import bot.store.replies as reply_log
import bot.store.reports as reports
import bot.store.subscriptions as subscription_log
import bot.store.updates as update_log
from bot.store.connection import Db
from bot.store.errors import StoreError, StoreWriteError
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
from bot.store.privacy import hash_user
from bot.store.times import Clock, days_before, stamp

logger = logging.getLogger(__name__)
T = TypeVar("T")
Work = Callable[[Db], T]
WARN_AGAIN_AFTER = timedelta(minutes=10)
MAX_PENDING = 10_000  # finishes kept while the store is away


class Unavailable(Exception):
    """The store could not run a transaction (a full disk, a lost server): not a bug.

    Raised by a store's ``_commit`` with the driver's error as ``cause``; a bug in the SQL or
    a closed store is raised as the driver's own error instead.
    """

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


class SqlStore(ABC):
    """A ``StateStore`` over SQL; a subclass runs the transactions."""

    # PostgreSQL's FOR UPDATE SKIP LOCKED, where replicas take over updates side by side.
    SKIP_LOCKED = False
    # Replicas sharing the store answer from the knowledge it holds (``bot.store.knowledge``);
    # a file is one process's, whose directory is the knowledge.
    SHARES_KNOWLEDGE = False

    def __init__(
        self,
        path: Path | str,
        *,
        salt: str,
        clock: Clock,
        lease: timedelta | None = None,
    ) -> None:
        self.path = path
        self._salt = salt
        self._clock = clock
        self._failing = False
        self._warned_at: datetime | None = None
        self.lease = lease
        # Updates answered whose finish did not get through, by bot (insertion-ordered).
        self._pending: dict[int, dict[int, None]] = {}
        self._pending_lock = threading.Lock()
        # This process, as the owner of the updates it leases: unique across replicas and runs.
        self.replica = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"

    @property
    def write_failing(self) -> bool:
        """The last write failed (and was logged): reports may be missing recent questions."""
        return self._failing

    # --- updates -------------------------------------------------------------------------
    def record_updates(self, updates: Sequence[tuple[int, str]], *, bot_id: int) -> list[int]:
        """Store ``bot_id``'s updates durably in one transaction; the ids it never saw before.

        Raises ``StoreWriteError`` if they could not be recorded: answer them all anyway.
        """
        if not updates:
            return []
        return self._durable(
            self._as_bot(
                bot_id,
                lambda db: update_log.record(db, bot_id, updates, self._now(), self._lease()),
            ),
            "updates not recorded",
        )

    def finish_update(self, update_id: int, *, bot_id: int) -> None:
        """Mark one of ``bot_id``'s updates answered.

        If the write fails (the store is away), the update is kept here and marked with the
        next finish or lease renewal that gets through: until then its lease is still renewed,
        so no other replica takes an update already answered. At most ``MAX_PENDING`` wait.
        """
        with self._pending_lock:
            pending = self._pending.setdefault(bot_id, {})
            pending[update_id] = None
            while len(pending) > MAX_PENDING:
                del pending[next(iter(pending))]
            finishing = list(pending)
        if self._write(self._as_bot(bot_id, self._finishing(bot_id, finishing)), False):
            self._forget_pending(bot_id, finishing)

    def _finishing(self, bot_id: int, update_ids: list[int]) -> Work[bool]:
        """Mark ``update_ids`` done; ``True``, as the sign that it committed."""

        def work(db: Db) -> bool:
            now = self._now()
            for update_id in update_ids:
                update_log.finish(db, bot_id, update_id, now)
            return True

        return work

    def _forget_pending(self, bot_id: int, update_ids: list[int]) -> None:
        with self._pending_lock:
            pending = self._pending.get(bot_id, {})
            for update_id in update_ids:
                pending.pop(update_id, None)

    def unfinished_updates(self, *, bot_id: int) -> list[tuple[int, str]]:
        """``bot_id``'s updates recorded and not finished, oldest first."""
        return self._read(lambda db: update_log.unfinished(db, bot_id))

    def take_unfinished(
        self, max_replays: int, *, bot_id: int
    ) -> tuple[list[tuple[int, str]], list[int]]:
        """``bot_id``'s unfinished updates to replay, counted durably; and those given up.

        Raises ``StoreWriteError`` if the count cannot be written: replaying without it could
        replay a process-killing update for ever, so the caller falls back to
        ``unfinished_updates`` knowingly.
        """
        return self._durable(
            self._as_bot(
                bot_id,
                lambda db: update_log.take_unfinished(
                    db,
                    bot_id,
                    max_replays,
                    self._now(),
                    self._lease(),
                    skip_locked=self.SKIP_LOCKED,
                ),
            ),
            "replays not counted",
        )

    def renew_leases(self, *, bot_id: int) -> int:
        """Extend this replica's leases on the updates it is answering; how many (0: no leases).

        A failed write is logged: if the store stays away past the lease, another replica may
        answer those updates too once it is back.
        """
        lease = self._lease()
        if lease is None:
            return 0
        with self._pending_lock:
            finishing = list(self._pending.get(bot_id, {}))
        finish = self._finishing(bot_id, finishing)

        def work(db: Db) -> int:
            finish(db)  # what was answered while the store was away is marked first
            return update_log.renew(db, bot_id, lease)

        renewed = self._write(work, -1)
        if renewed < 0:
            return 0
        self._forget_pending(bot_id, finishing)
        return renewed

    def reserve_send(self, interval: float, *, bot_id: int) -> float | None:
        """The moment (``time.time()``) of ``bot_id``'s next send, so replicas keep one pace.

        Now where the store is one process's (it paces itself); ``None`` when the store cannot
        be written, so nothing was reserved (the failure is logged once).
        """
        if self.lease is None:
            return time.time()
        return self._write(lambda db: pace.reserve_send(db, bot_id, time.time(), interval), None)

    def ping(self) -> None:
        """One trivial read, for health checks: ``StoreError`` if the store cannot be reached."""
        self._read(lambda db: db.execute("SELECT 1").fetchone())

    # --- the question log and votes ------------------------------------------------------
    # --- knowledge and turns --------------------------------------------------------------
    @property
    def shares_knowledge(self) -> bool:
        """Replicas share this store, and answer from the knowledge it holds."""
        return self.SHARES_KNOWLEDGE

    def knowledge_version(self) -> int:
        """The version of the knowledge in the store; 0 while it holds none."""
        return self._read(knowledge.version)

    def knowledge_snapshot(self, have: Mapping[str, str]) -> KnowledgeSnapshot:
        """The store's knowledge files, with the bytes of those ``have`` (path: SHA-256) lacks."""
        return self._report(lambda db: knowledge.snapshot(db, have))

    def publish_knowledge(
        self, changes: Mapping[str, bytes | None], *, mirror: bool = False, seed: bool = False
    ) -> int | None:
        """Write changed knowledge files (``None``: removed) and raise the version; the new one.

        ``mirror``: the files are the whole knowledge. ``seed``: only if the store never held
        any (``None`` otherwise). Replicas are told of the new version. Raises
        ``StoreWriteError`` if the change could not be written: nothing changed.
        """

        def work(db: Db) -> int | None:
            new = knowledge.publish(
                db, changes, self._now(), self.replica, mirror=mirror, seed=seed
            )
            if new is not None:
                self._knowledge_published(db, new)
            return new

        return self._durable(work, "knowledge not saved")

    def knowledge_changes(self) -> AsyncGenerator[int, None] | None:
        """Versions as other replicas publish them, where the store can tell; else ``None``."""
        return None

    def take_turn(self, name: str, every_s: float) -> bool:
        """Whether this replica takes the turn ``name`` (no other will for ``every_s``).

        A store that is away gives no turn: the work waits for the next.
        """
        return self._write(
            lambda db: knowledge.take_turn(db, name, time.time(), every_s, self.replica), False
        )

    def _knowledge_published(self, db: Db, version: int) -> None:
        """Tell the other replicas of ``version``, once the transaction commits."""
        del db, version  # a file has no other replicas to tell

    def user_hash(self, user_id: int) -> str:
        """The salted hash standing for ``user_id`` in this store (see ``privacy``)."""
        return hash_user(self._salt, user_id)

    def log_question(self, entry: QuestionEntry) -> int | None:
        """Log a question; its id, or ``None`` if the write failed."""
        return self._write(lambda db: question_log.log(db, entry, self._now()), None)

    def logged_question(self, question_id: int) -> LoggedQuestion | None:
        """A logged question with its votes; ``None`` if unknown, pruned or unreadable."""
        try:
            return self._read(lambda db: question_log.get(db, question_id))
        except StoreError as error:
            logger.warning("%s", error)
            return None

    def vote(self, question_id: int, voter_hash: str, value: int) -> Totals | None:
        """Set one voter's vote (+1 or -1); the answer's totals, ``None`` if it is gone."""
        if value not in (1, -1):
            raise ValueError(f"a vote is +1 or -1, not {value}")
        return self._write(
            lambda db: question_log.vote(db, question_id, voter_hash, value, self._now()), None
        )

    def link_reply(self, reply: ReplyLink) -> None:
        """Record which message of the bot answered which message (a failed write is logged)."""
        chat = hash_user(self._salt, reply.chat_id)
        self._write(lambda db: reply_log.link(db, reply, chat, self._now()), None)

    def reply_link(self, chat_id: int, message_id: int, *, bot_id: int) -> ReplyLink | None:
        """The bot's answer to a message, or ``None`` if unknown, pruned or unreadable."""
        try:
            chat = hash_user(self._salt, chat_id)
            return self._read(lambda db: reply_log.get(db, bot_id, chat_id, chat, message_id))
        except StoreError as error:
            logger.warning("%s", error)
            return None

    # --- feeds ---------------------------------------------------------------------------
    def add_feed(self, url: str) -> tuple[Feed, bool]:
        """Follow ``url``; the feed and whether it is new (``StoreWriteError`` on failure)."""
        return self._durable(lambda db: feed_log.add(db, url, self._now()), "feed not added")

    def feeds(self) -> list[Feed]:
        """Every feed followed, oldest first."""
        return self._read(feed_log.listed)

    def remove_feed(self, feed_id: int) -> bool:
        """Stop following a feed; whether it was followed (``StoreWriteError`` on failure)."""
        return self._durable(lambda db: feed_log.remove(db, feed_id), "feed not removed")

    def feed_polled(
        self,
        feed_id: int,
        *,
        title: str | None,
        etag: str | None,
        last_modified: str | None,
        error: str | None,
    ) -> None:
        """Record how a poll went (a failed write is logged: the next poll asks again)."""
        self._write(
            lambda db: feed_log.polled(
                db,
                feed_id,
                self._now(),
                title=title,
                etag=etag,
                last_modified=last_modified,
                error=error,
            ),
            None,
        )

    def taken_entries(self, feed_id: int) -> set[str]:
        """The ids of the feed's entries already taken or passed over."""
        return self._read(lambda db: feed_log.taken(db, feed_id))

    def take_entries(self, feed_id: int, entries: Sequence[tuple[str, str | None]]) -> None:
        """Record entries as taken, durably: a restart must not take them again."""
        self._durable(
            lambda db: feed_log.take(db, feed_id, entries, self._now()), "entries not recorded"
        )

    # --- subscriptions and announcements -------------------------------------------------
    def subscribe(
        self, chat_id: int, chat_type: str, *, bot_id: int, daily_hour: int | None = None
    ) -> bool:
        """Subscribe a chat; whether anything changed (``StoreWriteError`` on failure)."""
        return self._durable(
            lambda db: subscription_log.subscribe(
                db, bot_id, chat_id, chat_type, self._now(), daily_hour
            ),
            "not subscribed",
        )

    def daily_due(self, now: datetime, *, bot_id: int) -> list[DailyDue]:
        """The daily subscribers whose digest is due at ``now``."""
        today = now.astimezone(UTC).strftime("%Y-%m-%d")
        hour = now.astimezone(UTC).hour
        return self._read(lambda db: subscription_log.daily_due(db, bot_id, today, hour))

    def plan_daily(
        self, due: DailyDue, text: str | None, markup: str | None, *, bot_id: int
    ) -> bool:
        """One chat's daily digest and that today's is made, durably, in one transaction.

        ``False``: today's was made already (by another replica), or the chat left.
        """
        return self._durable(
            lambda db: subscription_log.plan_daily(db, bot_id, due, text, markup, self._now()),
            "daily digest not planned",
        )

    def unsubscribe(self, chat_id: int, *, bot_id: int) -> bool:
        """Unsubscribe a chat; whether it was subscribed (``StoreWriteError`` on failure)."""
        return self._durable(
            lambda db: subscription_log.unsubscribe(db, bot_id, chat_id), "not unsubscribed"
        )

    def subscribers(self, *, bot_id: int) -> list[int]:
        """The chats subscribed to ``bot_id``."""
        return self._read(lambda db: subscription_log.subscribers(db, bot_id))

    def plan_broadcast(
        self, text: str, markup: str | None, *, bot_id: int, paths: Sequence[str] = ()
    ) -> int:
        """One waiting delivery to each subscriber, in one durable transaction; how many."""
        return self._durable(
            lambda db: subscription_log.plan(db, bot_id, text, markup, self._now(), paths),
            "announcement not planned",
        )

    def next_delivery(self, *, bot_id: int) -> Delivery | None:
        """The oldest waiting delivery."""
        return self._read(lambda db: subscription_log.next_waiting(db, bot_id))

    def take_delivery(self, *, bot_id: int) -> Delivery | None:
        """The oldest waiting delivery, now ``sending`` (fsynced) and this replica's to send."""
        return self._durable(
            lambda db: subscription_log.take_waiting(
                db, bot_id, self._now(), skip_locked=self.SKIP_LOCKED
            ),
            "delivery not taken",
        )

    def mark_delivery(self, delivery: Delivery, state: str) -> None:
        """Move a delivery on, fsynced: ``sending`` must be on disk before the send."""
        self._durable(
            lambda db: subscription_log.mark(db, delivery, state, self._now()),
            "delivery not recorded",
        )

    def settle_deliveries(self, *, bot_id: int) -> int:
        """Deliveries a crash left mid-send become ``unsure``; how many."""
        return self._durable(
            lambda db: subscription_log.settle_unsure(db, bot_id, self._now()),
            "deliveries not settled",
        )

    def delivery_counts(self, *, bot_id: int) -> dict[str, int]:
        """Deliveries by state."""
        return self._read(lambda db: subscription_log.counts(db, bot_id))

    # --- reports and retention -----------------------------------------------------------
    def unanswered(self, since: datetime, limit: int = 20) -> list[UnansweredGroup]:
        """The most asked unanswered questions since ``since``, grouped by key."""
        return self._report(lambda db: reports.unanswered(db, stamp(since), limit))

    def stats(self, since: datetime) -> list[DayStats]:
        """Per UTC day since ``since``."""
        return self._report(lambda db: reports.stats(db, stamp(since)))

    def feedback(self, limit: int = 20) -> list[FeedbackItem]:
        """The answers most recently voted down."""
        return self._report(lambda db: reports.feedback(db, limit))

    def questions(self, since: datetime) -> list[LoggedQuestion]:
        """Every question since ``since`` with its votes, oldest first."""
        return self._report(lambda db: reports.questions(db, stamp(since)))

    def prune(self, now: datetime, question_days: int) -> Pruned:
        """Delete questions older than ``question_days`` days and updates done a day ago."""
        asked_before, done_before = days_before(now, question_days), days_before(now, 1)

        def work(db: Db) -> Pruned:
            questions, votes = question_log.prune(db, asked_before)
            reply_log.prune(db, days_before(now, min(question_days, reply_log.REPLY_DAYS)))
            return Pruned(
                questions=questions, votes=votes, updates=update_log.prune(db, done_before)
            )

        return self._write(work, Pruned())

    @abstractmethod
    def close(self) -> None:
        """Release the store; later calls fail."""

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- plumbing ------------------------------------------------------------------------
    @abstractmethod
    def _commit(self, work: Work[T], *, durable: bool) -> T:
        """Run ``work`` in one write transaction, on disk before it returns if ``durable``.

        Raises ``Unavailable`` when the store cannot write; a bug raises the driver's error.
        """

    @abstractmethod
    def _query(self, work: Work[T], *, report: bool) -> T:
        """Run ``work`` as a read (on the reports' connection if ``report``).

        Raises ``StoreError`` when the store cannot be read.
        """

    def _now(self) -> str:
        return stamp(self._clock())

    def _lease(self) -> update_log.Lease | None:
        """A lease from now for this replica, or ``None`` where the store is one process's."""
        if self.lease is None:
            return None
        return update_log.Lease(self.replica, stamp(self._clock() + self.lease))

    def _as_bot(self, bot_id: int, work: Work[T]) -> Work[T]:
        """``work``, after ``bot_id`` adopts the updates recorded before they had a bot."""

        def adopting(db: Db) -> T:
            adopted = update_log.adopt(db, bot_id)
            if adopted:
                logger.info(
                    "state store %s: %d updates recorded before the store kept their bot"
                    " are taken as bot %d's",
                    self.path,
                    adopted,
                    bot_id,
                )
            return work(db)

        return adopting

    def _durable(self, work: Work[T], failure: str) -> T:
        """A write the caller relies on: on disk, or ``StoreWriteError`` (``failure``: why)."""
        try:
            result = self._commit(work, durable=True)
        except Unavailable as error:
            self._failed(error.cause)
            raise StoreWriteError(self.path, f"{failure}: {error.cause}") from error.cause
        self._succeeded()
        return result

    def _write(self, work: Work[T], fallback: T) -> T:
        """A write whose failure the bot can live with: logged once, ``fallback`` returned."""
        try:
            result = self._commit(work, durable=False)
        except Unavailable as error:
            self._failed(error.cause)
            return fallback
        self._succeeded()
        return result

    def _read(self, work: Work[T]) -> T:
        return self._query(work, report=False)

    def _report(self, work: Work[T]) -> T:
        return self._query(work, report=True)

    def _failed(self, error: Exception) -> None:
        now = self._clock()
        quiet = self._warned_at is not None and now - self._warned_at < WARN_AGAIN_AFTER
        if not self._failing and not quiet:
            self._warned_at = now
            logger.warning(
                "state store %s: writes failing, the bot answers without recording them"
                " (no more warnings until they work again): %s",
                self.path,
                error,
            )
        self._failing = True

    def _succeeded(self) -> None:
        if self._failing:
            logger.info("state store %s: writes work again", self.path)
        self._failing = False
