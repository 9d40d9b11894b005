"""The sending policy: what is retried, how long it waits, and who else has to wait."""

from __future__ import annotations

import asyncio
import time
import warnings

import httpx
import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.tg.rate_limiter import RetryingLimiter, is_retryable, retry_after_seconds


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
