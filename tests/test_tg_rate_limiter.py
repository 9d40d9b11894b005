"""The sending policy: what is retried, how long it waits, and who else has to wait."""

from __future__ import annotations

import asyncio
import socket
import time
import warnings

import httpx
import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.tg.rate_limiter import (
    RESERVATIONS,
    RetryingLimiter,
    api_address,
    describe_failure,
    is_retryable,
    retry_after_seconds,
)


@pytest.fixture(autouse=True)
def timedelta_durations(monkeypatch):
    """Opt into PTB's future ``retry_after`` type, as ``run_bot`` does (no deprecation noise)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def caused_by(error: NetworkError, cause: Exception) -> NetworkError:
    error.__cause__ = cause
    return error


class Script:
    """A stand-in for PTB's request callback: raises the scripted errors, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> dict:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": True}


async def send(limiter, script: Script, chat: int, endpoint: str = "sendMessage") -> float:
    """Run one request through ``limiter``; return how long it took."""
    started = time.monotonic()
    await limiter.process_request(script, (), {}, endpoint, {"chat_id": chat}, None)
    return time.monotonic() - started


def fast() -> RetryingLimiter:
    return RetryingLimiter(base_delay=0.01, max_delay=0.05)


async def test_a_429_is_waited_out_and_retried_once():
    script = Script(RetryAfter(1))
    took = await send(fast(), script, chat=1)
    assert script.calls == 2
    assert 0.95 <= took < 3.0


@pytest.mark.parametrize(
    "error",
    [
        NetworkError("Bad Gateway"),
        caused_by(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused")),
        caused_by(NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("hung up")),
        caused_by(TimedOut(), httpx.ConnectTimeout("slow")),
    ],
)
async def test_failures_before_delivery_are_retried(error):
    script = Script(error, error)
    await send(fast(), script, chat=1)
    assert script.calls == 3


@pytest.mark.parametrize(
    "error", [BadRequest("chat not found"), caused_by(TimedOut(), httpx.ReadTimeout("lost"))]
)
async def test_sends_that_may_have_arrived_are_not_repeated(error):
    script = Script(error)
    with pytest.raises(type(error)):
        await send(fast(), script, chat=1)
    assert script.calls == 1


async def test_a_send_that_may_have_arrived_is_logged(caplog):
    script = Script(caused_by(TimedOut(), httpx.ReadTimeout("lost")))
    with pytest.raises(TimedOut):
        await send(fast(), script, chat=1)
    assert "sendMessage may or may not have been delivered" in caplog.text


async def test_idempotent_calls_are_retried_even_after_a_lost_response():
    script = Script(caused_by(TimedOut(), httpx.ReadTimeout("lost")))
    await send(fast(), script, chat=1, endpoint="editMessageText")
    assert script.calls == 2


async def test_retries_are_bounded():
    limiter = RetryingLimiter(max_attempts=3, base_delay=0.01)
    script = Script(*[NetworkError("Bad Gateway")] * 5)
    with pytest.raises(NetworkError):
        await send(limiter, script, chat=1)
    assert script.calls == 3


async def test_an_absurd_retry_after_is_not_waited_for():
    script = Script(RetryAfter(3600))
    with pytest.raises(RetryAfter):
        await send(fast(), script, chat=1)
    assert script.calls == 1


async def test_a_429_holds_back_its_own_chat_but_not_the_others():
    """Measured: chat 2 answers at once while chat 1 waits out its retry_after."""
    limiter = fast()
    flooded = asyncio.create_task(send(limiter, Script(RetryAfter(1)), chat=1))
    await asyncio.sleep(0.05)
    other_chat = await send(limiter, Script(), chat=2)
    same_chat = await send(limiter, Script(), chat=1)
    assert other_chat < 0.5  # AIORateLimiter: the whole second, see below
    assert same_chat > 0.8  # queued behind the flood wait, in order
    assert 0.95 <= await flooded < 3.0


async def test_ptb_aio_rate_limiter_stalls_every_chat_on_one_429():
    """Why we do not use AIORateLimiter: the same scenario stalls chat 2 for the full wait."""
    limiter = AIORateLimiter(max_retries=1)
    flooded = asyncio.create_task(send(limiter, Script(RetryAfter(1)), chat=1))
    await asyncio.sleep(0.05)
    other_chat = await send(limiter, Script(), chat=2)
    await flooded
    assert other_chat > 0.8


@pytest.mark.parametrize("opt_in", ["true", "false"])
def test_retry_after_is_read_in_either_of_ptbs_types(monkeypatch, opt_in):
    monkeypatch.setenv("PTB_TIMEDELTA", opt_in)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)  # PTB's own constructor warns
        error = RetryAfter(3)
    assert retry_after_seconds(error) == 3.0


def test_http_5xx_is_retryable_but_bad_request_is_not():
    assert is_retryable("sendMessage", NetworkError("Internal Server Error (500)"))
    assert not is_retryable("sendMessage", BadRequest("message is too long"))


def refused() -> NetworkError:
    """What PTB raises when nothing listens at the Bot API's port, with httpx's chain."""
    connect = httpx.ConnectError("All connection attempts failed")
    connect.__context__ = ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 9)")
    return caused_by(NetworkError("httpx.ConnectError: All connection attempts failed"), connect)


def unresolved() -> NetworkError:
    """The same for a host name that does not resolve."""
    connect = httpx.ConnectError("[Errno -2] Name or service not known")
    connect.__context__ = socket.gaierror(-2, "Name or service not known")
    return caused_by(NetworkError("httpx.ConnectError: [Errno -2] Name or service"), connect)


async def test_a_retry_is_one_line_naming_the_method_the_address_and_the_reason(caplog):
    limiter = RetryingLimiter(address="http://127.0.0.1:9", base_delay=0.01)
    script = Script(refused())
    await limiter.process_request(script, (), {}, "getMe", {}, None)
    (line,) = [r.getMessage() for r in caplog.records if r.name == "bot.tg.rate_limiter"]
    assert line == (
        "getMe failed: cannot reach the Bot API at http://127.0.0.1:9 (connection refused);"
        " retrying in 0.0s (attempt 1 of 5)"
    )


async def test_a_retry_of_a_send_names_its_chat_and_what_the_bot_api_answered(caplog):
    limiter = RetryingLimiter(address="https://api.telegram.org", base_delay=0.01)
    await send(limiter, Script(NetworkError("Bad Gateway")), chat=-100555)
    (line,) = [r.getMessage() for r in caplog.records if r.name == "bot.tg.rate_limiter"]
    assert line.startswith(
        "sendMessage to chat -100555 failed: the Bot API at https://api.telegram.org answered:"
        " Bad Gateway; retrying in"
    )


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (refused, "cannot reach the Bot API at X (connection refused)"),
        (
            unresolved,
            "cannot reach the Bot API at X (cannot resolve the host: Name or service not known)",
        ),
        (
            lambda: caused_by(TimedOut(), httpx.ConnectTimeout("")),
            "cannot reach the Bot API at X (timed out connecting)",
        ),
        (
            lambda: caused_by(TimedOut(), httpx.ReadTimeout("")),
            "lost the connection to the Bot API at X (timed out waiting for the answer)",
        ),
        (
            lambda: RetryAfter(3),
            "the Bot API at X asks to wait 3s (429)",
        ),
    ],
    ids=["refused", "unresolved", "connect-timeout", "read-timeout", "flood"],
)
def test_failures_are_described_in_words(error, reason):
    """Made in the test, not at collection: PTB's RetryAfter reads PTB_TIMEDELTA when made."""
    assert describe_failure(error(), "X") == reason


@pytest.mark.parametrize(
    ("base_url", "address"),
    [
        ("https://api.telegram.org/bot", "https://api.telegram.org"),
        ("http://127.0.0.1:8081/client/a/bot", "http://127.0.0.1:8081"),
        ("http://user:secret@[::1]:8081/bot", "http://[::1]:8081"),
        ("not a url", "the configured address"),
    ],
)
def test_the_bot_api_is_named_by_scheme_host_and_port_only(base_url, address):
    assert api_address(base_url) == address


async def test_sends_to_chats_wait_for_the_pace_the_replicas_share():
    reserved: list[float] = []

    def shared_pace(interval: float) -> float:
        reserved.append(interval)
        return time.time() + 0.3  # the other replicas took the next moments

    limiter = RetryingLimiter(per_second=30, shared_pace=shared_pace)
    took = await send(limiter, Script(), chat=1)
    assert reserved == [pytest.approx(1 / 30)]
    assert 0.29 <= took < 2.0
    started = time.monotonic()
    await limiter.process_request(Script(), (), {}, "getMe", {}, None)  # no chat: no send
    assert reserved == [pytest.approx(1 / 30)]
    assert time.monotonic() - started < 0.25


async def test_a_send_that_missed_its_moment_reserves_another_instead_of_going_late():
    moments = iter([-1.0, -0.5, 0.2])  # two moments already past when read, then one ahead
    reserved: list[float] = []

    def shared_pace(interval: float) -> float:
        reserved.append(time.time())
        return time.time() + next(moments)

    limiter = RetryingLimiter(per_second=30, shared_pace=shared_pace)
    took = await send(limiter, Script(), chat=1)
    assert len(reserved) == 3
    assert 0.19 <= took < 2.0  # sent on the third moment, not at once on a missed one


async def test_a_send_that_keeps_missing_its_moment_goes_after_a_few_tries():
    reserved: list[float] = []

    def shared_pace(interval: float) -> float:
        reserved.append(time.time())
        return time.time() - 1.0  # a replica starved of time: every moment is past when read

    limiter = RetryingLimiter(per_second=30, shared_pace=shared_pace)
    script = Script()
    await send(limiter, script, chat=1)
    assert len(reserved) == RESERVATIONS
    assert script.calls == 1  # sent, once


async def test_a_group_s_wait_comes_before_the_replicas_moment_not_after():
    reserved: list[float] = []

    def shared_pace(interval: float) -> float:
        reserved.append(time.monotonic())
        return time.time()

    limiter = RetryingLimiter(per_second=1000, group_per_minute=60, shared_pace=shared_pace)
    for _ in range(60):  # the group's minute, used up
        await send(limiter, Script(), chat=-100)
    started = time.monotonic()
    await send(limiter, Script(), chat=-100)  # the group's next place is a second away
    sent = time.monotonic()
    assert sent - started >= 0.8
    assert sent - reserved[-1] < 0.2  # reserved when the group let it go, then sent


async def test_while_the_shared_pace_cannot_be_reserved_sends_go_at_a_share_of_the_rate():
    limiter = RetryingLimiter(per_second=30, shared_pace=lambda interval: None)
    started = time.monotonic()
    await asyncio.gather(*(send(limiter, Script(), chat=chat) for chat in range(1, 17)))
    took = time.monotonic() - started
    # 16 sends at 15 a second (half of 30: two replicas together keep the bot's pace)
    assert took >= 15 / 15 * 0.9
