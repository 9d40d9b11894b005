"""What the bot keeps between updates: the answerer, recent questions, per-user pacing.

One ``BotState`` lives in ``application.bot_data``. The answerer is replaced whole by a reload,
or when its sentence vectors are ready (``bot.tg.meaning``): a single attribute assignment,
atomic on the event loop; handlers read it once per update, so an answer never mixes two
indexes. Recent answers are remembered by question, not by matches, so "More" after a reload
shows what the new index says.
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from telegram import Bot
from telegram.ext import ContextTypes

from bot.config import Settings
from bot.core import Answerer, LanguageReader, SentenceEncoder
from bot.removing import Pending
from bot.store import ReplyLink, StateStore

STATE_KEY = "briefing_state"
INLINE_FACTOR = 3


class RecentQuestions:
    """The question behind each recent answer message, oldest forgotten first."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[tuple[int, int], str] = OrderedDict()

    def remember(self, chat_id: int, message_id: int, question: str) -> None:
        """Record the question an answer message replied to."""
        _put(self._items, (chat_id, message_id), question, self.capacity)

    def get(self, chat_id: int, message_id: int) -> str | None:
        """Return the question behind an answer message, if still remembered."""
        return self._items.get((chat_id, message_id))


K = TypeVar("K")
V = TypeVar("V")


def _put(items: OrderedDict[K, V], key: K, value: V, capacity: int) -> None:
    """Set ``key`` as the newest item, forgetting the oldest past ``capacity``."""
    items[key] = value
    items.move_to_end(key)
    while len(items) > capacity:
        items.popitem(last=False)


@dataclass(frozen=True)
class Exchange:
    """A question the bot answered, the sentence it quoted (None: it declined), and when."""

    question: str
    sentence: str | None
    at: float  # time.monotonic()


class Conversations:
    """What was last asked in each chat, and behind each answer: the context of a follow-up.

    Kept in memory only: a follow-up leans on an answer of the last few minutes, which a
    restart may forget without loss.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._last: OrderedDict[int, Exchange] = OrderedDict()
        self._answers: OrderedDict[tuple[int, int], Exchange] = OrderedDict()

    def remember(self, chat_id: int, answer_id: int, exchange: Exchange) -> None:
        """Record the exchange behind the answer message ``answer_id``, the chat's latest."""
        _put(self._last, chat_id, exchange, self.capacity)
        _put(self._answers, (chat_id, answer_id), exchange, self.capacity)

    def last(self, chat_id: int, within: float, now: float) -> Exchange | None:
        """The chat's latest exchange, if it was at most ``within`` seconds before ``now``."""
        exchange = self._last.get(chat_id)
        return exchange if exchange is not None and now - exchange.at <= within else None

    def behind(self, chat_id: int, answer_id: int) -> Exchange | None:
        """The exchange behind one of the bot's answer messages, if still remembered."""
        return self._answers.get((chat_id, answer_id))


class RememberedLinks:
    """The latest links in memory, for a bot without a state store."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._links: OrderedDict[tuple[int, int, int], ReplyLink] = OrderedDict()

    def save(self, link: ReplyLink) -> None:
        """Remember a link, forgetting the oldest past ``capacity``."""
        _put(self._links, (link.bot_id, link.chat_id, link.message_id), link, self.capacity)

    def find(self, bot_id: int, chat_id: int, message_id: int) -> ReplyLink | None:
        """The remembered answer to a message, if any."""
        return self._links.get((bot_id, chat_id, message_id))


class UserThrottle:
    """At most ``per_minute`` questions per user in any sliding minute.

    A refused user is told once per minute, not on every message, so a flood of questions does
    not become a flood of refusals.
    """

    def __init__(
        self, per_minute: int, clock: Callable[[], float] = time.monotonic, window: float = 60.0
    ) -> None:
        self.per_minute = per_minute
        self.window = window
        self._clock = clock
        self._asked: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    def allow(self, user_id: int) -> bool:
        """Count a question from ``user_id``; ``False`` if it is over the limit."""
        now = self._clock()
        times = self._asked.setdefault(user_id, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= self.per_minute:
            return False
        times.append(now)
        if len(self._asked) > 50_000:
            self._forget_idle(now)
        return True

    def should_warn(self, user_id: int) -> bool:
        """Whether to tell a refused user (once per window)."""
        now = self._clock()
        if now - self._warned.get(user_id, -self.window) < self.window:
            return False
        self._warned[user_id] = now
        return True

    def retry_in(self, user_id: int) -> int:
        """Seconds until ``user_id`` may ask again."""
        times = self._asked.get(user_id)
        if not times:
            return 0
        return max(1, round(self.window - (self._clock() - times[0])))

    def _forget_idle(self, now: float) -> None:
        idle = [u for u, t in self._asked.items() if not t or now - t[-1] >= self.window]
        for user in idle:
            self._asked.pop(user, None)
            self._warned.pop(user, None)


@dataclass
class Announcer:
    """The task that sends planned announcements (``bot.tg.announcements``), and its wake-up."""

    bot: Bot
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    daily: asyncio.Task[None] | None = None  # plans the daily digests as their hours come


@dataclass
class Synced:
    """Where this replica's knowledge directory stands against the store's (shared knowledge).

    ``version`` is the store's version the directory last matched, and ``digests`` its shared
    files then (path: SHA-256): what a change made here since is published against them.
    """

    version: int
    digests: dict[str, str]
    failed: int | None = None  # a version that did not load here: not tried again
    wake: asyncio.Event = field(default_factory=asyncio.Event)  # check the store's version now


@dataclass
class BotState:
    """Everything handlers share; see the module docstring for why it is shaped so."""

    settings: Settings
    answerer: Answerer
    encoder: SentenceEncoder | None = None  # the sentence model; None: words alone
    # Updates until answered, the question log, votes (``bot.store``); None: none of those.
    store: StateStore | None = None
    recent: RecentQuestions = field(default_factory=RecentQuestions)
    conversations: Conversations = field(default_factory=Conversations, repr=False)
    # Which message answered which, when there is no store (``bot.tg.reply_links``).
    reply_links: RememberedLinks = field(default_factory=RememberedLinks, repr=False)
    # Removals waiting for their confirmation button (``bot.tg.removal``), by token.
    removals: dict[str, Pending] = field(default_factory=dict, repr=False)
    languages: LanguageReader = field(default_factory=LanguageReader, repr=False)
    # Example questions for small talk's replies, for each answerer while it is in use.
    examples: weakref.WeakKeyDictionary[Answerer, tuple[str, ...]] = field(
        default_factory=weakref.WeakKeyDictionary, repr=False
    )
    throttle: UserThrottle = field(init=False)
    inline_throttle: UserThrottle = field(init=False)
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # The background task embedding sentence vectors (``bot.tg.meaning``), while it runs, and
    # whether its thread is waiting for an embedding process (set until that wait is over).
    meaning_task: asyncio.Task[None] | None = field(default=None, repr=False)
    pruning_task: asyncio.Task[None] | None = field(default=None, repr=False)
    feeds_task: asyncio.Task[None] | None = field(default=None, repr=False)  # bot.tg.feed_poller
    leases_task: asyncio.Task[None] | None = field(default=None, repr=False)  # bot.tg.leases
    # Knowledge shared through the store (``bot.tg.knowledge_follower``); None: the directory's.
    synced: Synced | None = field(default=None, repr=False)
    follower_task: asyncio.Task[None] | None = field(default=None, repr=False)
    # What sends announcements of new briefings (``bot.tg.announcements``), once started.
    announcer: Announcer | None = field(default=None, repr=False)
    # The health endpoint's server (a ``bot.tg.health.HealthServer``), if listening; typed
    # loosely because that module builds on this one.
    health: object | None = field(default=None, repr=False)
    embedding: threading.Event = field(default_factory=threading.Event, repr=False)

    def __post_init__(self) -> None:
        self.throttle = UserThrottle(self.settings.rate_limit_per_minute)
        # Telegram sends an inline query as the user types, so it gets a looser limit of its own.
        self.inline_throttle = UserThrottle(self.settings.rate_limit_per_minute * INLINE_FACTOR)

    def is_admin(self, user_id: int | None) -> bool:
        """Whether a user may reload or upload knowledge, and read the question reports."""
        return user_id is not None and user_id in self.settings.admin_user_ids


def get_state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    """Return the shared state, typed (``bot_data`` itself is a plain dict)."""
    state = context.bot_data[STATE_KEY]
    if not isinstance(state, BotState):  # pragma: no cover - wiring error
        raise TypeError("bot_data holds no BotState; build the app with build_application")
    return state
