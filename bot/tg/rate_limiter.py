"""Every Bot API call goes through here: paced, retried when that is safe, never duplicated.

Why not PTB's ``AIORateLimiter``: by default it retries nothing, and when asked to retry it
pauses *all* requests on any 429, so one flooded group stalls every private chat. Plain PTB never
retries a failed send at all. This limiter:

* paces like Telegram asks (30 requests a second overall, 20 a minute per group); with
  replicas sharing a PostgreSQL store, each send to a chat also waits for the moment the store
  reserves it (``shared_pace``), so that the replicas' sends together keep the bot's pace;
* on a 429 waits ``retry_after`` and retries, holding back only requests for *that* chat;
* on a 5xx, or a connection that failed before the request was delivered, retries with
  exponential backoff, a bounded number of times;
* when a send may have been delivered (the response was lost: read timeout, reset while
  reading) retries only idempotent methods, since a second ``sendMessage`` would post the
  answer twice. That rare case is logged so an operator can see it.

Each retry is one warning line naming the method (and its chat, for a method sent to one),
the Bot API's address and why it failed ("connection refused", "Bad Gateway"): when Telegram
cannot be reached at start, those lines are what an operator reads, never a traceback.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import time
import warnings
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

logger = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
# Reserves the next send across replicas (blocking: run in a thread); its moment (time.time()),
# or None when nothing could be reserved (the store is away).
SharedPace = Callable[[float], float | None]
# A send later than this past its reserved moment reserves a new one: sent late on the old one,
# it would go out beside the sends other replicas make on the moments after it (a replica
# starved of CPU for a moment would then send faster than the pace, the others on time).
LATE_S = 0.05
# Moments missed in a row before a send goes anyway (its own pace still spaces it).
RESERVATIONS = 3
# While the shared pace cannot be reserved, each replica sends at this share of the rate: the
# sum of two replicas keeps the bot's pace (a third would go over it for those moments).
UNRESERVED_SHARE = 2

# Requests whose repetition cannot show a user anything twice.
IDEMPOTENT = frozenset(
    {
        "getMe", "getFile", "getUpdates", "getWebhookInfo", "setWebhook", "deleteWebhook",
        "setMyCommands", "deleteMyCommands", "editMessageText", "editMessageReplyMarkup",
        "answerCallbackQuery", "answerInlineQuery",
    }
)  # fmt: skip
# httpx failures after which the Bot API cannot have acted on the request.
NOT_DELIVERED = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
    httpx.RemoteProtocolError,  # a kept-alive connection closed before any response
)


# Words for httpx failures whose message is often empty.
_TIMEOUTS: tuple[tuple[type[httpx.TimeoutException], str], ...] = (
    (httpx.ConnectTimeout, "timed out connecting"),
    (httpx.ReadTimeout, "timed out waiting for the answer"),
    (httpx.WriteTimeout, "timed out sending"),
    (httpx.PoolTimeout, "no free connection in time"),
)
_UNREACHED = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def api_address(base_url: str) -> str:
    """The Bot API's scheme, host and port, to name it in a log line.

    Never the path: PTB appends the token to it, and a path says nothing about reachability.
    """
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if not host:
        return "the configured address"
    if ":" in host:  # IPv6
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # not a number: left out rather than fail a log line
        port = ""
    return f"{parts.scheme}://{host}{port}" if parts.scheme else f"{host}{port}"


def _socket_reason(error: BaseException) -> str | None:
    """The operating system's reason somewhere in ``error``'s chain: "Connection refused"."""
    seen: set[int] = set()
    found: BaseException | None = error
    while found is not None and id(found) not in seen:
        seen.add(id(found))
        if isinstance(found, socket.gaierror) and found.strerror:
            return f"cannot resolve the host: {found.strerror}"
        if isinstance(found, OSError) and found.errno:
            return os.strerror(found.errno)
        found = found.__cause__ or found.__context__
    return None


def describe_failure(exc: TelegramError, address: str) -> str:
    """What went wrong with a request to the Bot API at ``address``, in one line's words.

    A connection that never reached it (refused, unresolved, timed out) is "cannot reach"; one
    lost on the way is "lost the connection"; an answer (a 5xx, a 429) is what it answered.
    """
    if isinstance(exc, RetryAfter):  # PTB words the wait by its type: "0:00:03" or "3 seconds"
        return f"the Bot API at {address} asks to wait {retry_after_seconds(exc):g}s (429)"
    cause = exc.__cause__
    if not isinstance(cause, httpx.HTTPError):
        return f"the Bot API at {address} answered: {exc}"
    reason = _socket_reason(cause)
    if reason is None:
        reason = next((words for kind, words in _TIMEOUTS if isinstance(cause, kind)), "")
    reason = (reason or str(cause) or type(cause).__name__).rstrip(".")
    if isinstance(cause, _UNREACHED):
        return f"cannot reach the Bot API at {address} ({reason[:1].lower()}{reason[1:]})"
    return f"lost the connection to the Bot API at {address} ({reason[:1].lower()}{reason[1:]})"


def request_name(endpoint: str, chat: object) -> str:
    """``sendMessage to chat 42``, or just ``getMe`` for a method not sent to a chat."""
    return endpoint if chat is None else f"{endpoint} to chat {chat}"


def retry_after_seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds, whichever type PTB is configured to return."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def is_retryable(endpoint: str, exc: NetworkError) -> bool:
    """Whether repeating ``endpoint`` after ``exc`` is both useful and free of duplicates."""
    if isinstance(exc, BadRequest):
        return False
    cause = exc.__cause__
    if isinstance(cause, httpx.HTTPError):
        return isinstance(cause, NOT_DELIVERED) or endpoint in IDEMPOTENT
    return True  # an HTTP 5xx: the Bot API answered that it did not carry out the request


def may_have_arrived(endpoint: str, exc: TelegramError) -> bool:
    """Whether a failed, non-idempotent request may still have been carried out."""
    cause = exc.__cause__
    lost_response = isinstance(cause, httpx.HTTPError) and not isinstance(cause, NOT_DELIVERED)
    return lost_response and endpoint not in IDEMPOTENT


class RetryingLimiter(BaseRateLimiter[None]):
    """Paces and retries Bot API requests; see the module docstring for the policy."""

    def __init__(
        self,
        *,
        address: str = "https://api.telegram.org",
        max_attempts: int = 5,
        base_delay: float = 0.5,
        max_delay: float = 8.0,
        max_retry_after: float = 120.0,
        per_second: float = 30,
        group_per_minute: float = 20,
        shared_pace: SharedPace | None = None,
    ) -> None:
        self.address = address  # the Bot API's, named in log lines (``api_address``)
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after
        # One send every 1/per_second seconds, not per_second at once then a pause: after any
        # stall a bucket of 30 would let 30 sends out together (over Telegram's pace, and all
        # of them repeated if the bot is killed right then; see bot.tg.durable).
        self._overall = AsyncLimiter(1, 1 / per_second)
        self._interval = 1 / per_second
        self._shared_pace = shared_pace
        self._unreserved = AsyncLimiter(1, UNRESERVED_SHARE / per_second)
        self._group_rate = group_per_minute
        self._groups: OrderedDict[int | str, AsyncLimiter] = OrderedDict()
        self._flooded_until: dict[object, float] = {}

    async def initialize(self) -> None:
        """Nothing to set up; limiters are created lazily per chat."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Result:
        """Run one request, retrying it per the policy."""
        chat = data.get("chat_id")
        for attempt in range(1, self.max_attempts + 1):
            await self._wait_out_flood(chat)
            try:
                async with self._slot(chat):
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                delay = retry_after_seconds(exc)
                self._flood(chat, delay)
                self._give_up_if(attempt, delay > self.max_retry_after, exc)
                failure: TelegramError = exc
            except NetworkError as exc:
                delay = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
                self._give_up_if(attempt, not is_retryable(endpoint, exc), exc, endpoint)
                failure = exc
            logger.warning(
                "%s failed: %s; retrying in %.1fs (attempt %d of %d)",
                request_name(endpoint, chat), describe_failure(failure, self.address), delay,
                attempt, self.max_attempts,
            )  # fmt: skip
            await asyncio.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _give_up_if(
        self, attempt: int, hopeless: bool, exc: TelegramError, endpoint: str = ""
    ) -> None:
        """Re-raise ``exc`` when retrying is pointless, unsafe or over budget."""
        if attempt < self.max_attempts and not hopeless:
            return
        if endpoint and may_have_arrived(endpoint, exc):
            logger.warning("%s may or may not have been delivered: %s", endpoint, exc)
        raise exc

    def _flood(self, chat: object, delay: float) -> None:
        """Hold back requests to ``chat`` until Telegram's flood wait is over."""
        now = time.monotonic()
        self._flooded_until[chat] = max(self._flooded_until.get(chat, 0.0), now + delay)
        for key in [k for k, until in self._flooded_until.items() if until <= now]:
            del self._flooded_until[key]

    async def _wait_out_flood(self, chat: object) -> None:
        left = self._flooded_until.get(chat, 0.0) - time.monotonic()
        if left > 0:  # a later 429 in the meantime is met by the next attempt
            await asyncio.sleep(left)

    @asynccontextmanager
    async def _slot(self, chat: object) -> AsyncIterator[None]:
        """Take a place under the per-group rate, the overall one and the replicas' pace.

        The replicas' moment is taken last, just before the send: a wait after it (a group's
        minute, this process's own pace) would send late on it, beside other replicas' sends.
        """
        group = self._group_limiter(chat)
        if group is not None:
            await group.acquire()
        await self._overall.acquire()
        if chat is not None and self._shared_pace is not None:
            await self._shared_moment()
        yield

    async def _shared_moment(self) -> None:
        """Wait for a moment reserved across replicas; reserve again one missed."""
        assert self._shared_pace is not None
        for _ in range(RESERVATIONS):
            moment = await asyncio.to_thread(self._shared_pace, self._interval)
            if moment is None:  # the store is away: a share of the pace, not all of it
                await self._unreserved.acquire()
                return
            wait = moment - time.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if time.time() - moment <= LATE_S:
                return

    def _group_limiter(self, chat: object) -> AsyncLimiter | None:
        is_group = isinstance(chat, str) or (isinstance(chat, int) and chat < 0)
        if not is_group or not isinstance(chat, int | str):
            return None
        limiter = self._groups.pop(chat, None) or AsyncLimiter(self._group_rate, 60)
        self._groups[chat] = limiter
        if len(self._groups) > 4096:
            self._groups.popitem(last=False)
        return limiter
