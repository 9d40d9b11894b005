"""Stopped mid-burst and started again at once: no question lost, at most the documented repeat.

The real ``python -m bot run`` polls the fake Bot API; 150 questions from 50 chats (private
questions and group ``/ask`` mixed) are queued at once. When about a third are answered the bot
is killed with SIGKILL (or stopped with SIGTERM), and a second process starts at once on the
same fake Telegram and knowledge directory, so on the same state store (``bot.tg.durable``).
The fake records which process made each call (``BotProcess.name``), including the sends it
carries out after the first process was killed, as Telegram would.

SIGKILL: every question is answered; the updates the first process recorded and did not finish
are answered from the store, and Telegram's redeliveries of them dropped. An answer repeats only
in the documented window: Telegram accepted the first process's answer, and the process was
killed before the store marked the update done. How many answers are in that window depends on
how many sends were in flight at the kill: one or two with a quick Bot API, more when it (or
the machine) is slow, since the limiter lets up to 30 sends out at once. SIGTERM: PTB answers
what it has fetched before it exits, so every question is answered exactly once.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.store import open_store
from testkit.bot_process import BotProcess
from testkit.fake_bot_api import BOT_USER, TOKEN, Call, FakeTelegram, error
from testkit.telegram_updates import UpdateMaker
from tests.conftest import ADMIN_ID

pytestmark = pytest.mark.timeout(60)
CHATS = 50
PER_CHAT = 3
STOP_AFTER = 1 / 3  # of the questions answered, then the signal
MAX_DUPLICATED = 2  # the window with a quick Bot API (see ``window_fits``)
SLOW_API = 0.2  # seconds: a distant Bot API, so several answers are on their way at the kill
QUESTIONS = (
    "when is Kalbajar handed over?",
    "who guards the Lachin corridor?",
    "how many Russian peacekeepers will be deployed?",
)
_REPLAYED = re.compile(r"answering (\d+) updates left unfinished by the last run")
_DROPPED = re.compile(r"update (\d+) delivered again")
_SENDING = "Calling Bot API endpoint `sendMessage`"
_SENT = "Call to Bot API endpoint `sendMessage` finished"


def burst(make: UpdateMaker) -> list[dict[str, Any]]:
    """``CHATS * PER_CHAT`` questions, chat after chat in turn; odd chats are groups (/ask)."""
    updates = []
    for n in range(CHATS * PER_CHAT):
        chat = n % CHATS
        user = 3000 + chat
        text = QUESTIONS[n % len(QUESTIONS)]
        if chat % 2:
            updates.append(make.message(f"/ask {text}", user=user, chat=-200_000 - chat))
        else:
            updates.append(make.message(text, user=user))
    return updates


def replies(calls: list[Call], client: str | None = None) -> Counter[int]:
    """How many successful replies each question message got (from ``client``, if given)."""
    return Counter(
        c.params["reply_parameters"]["message_id"]
        for c in calls
        if c.method == "sendMessage"
        and c.status == 200
        and c.params.get("reply_parameters")
        and client in (None, c.client)
    )


def confirmations_fail(method: str, params: dict[str, Any]) -> tuple[int, dict] | None:
    """Telegram unreachable for every poll but the first: no offset ever confirms anything."""
    if method == "getUpdates" and int(params.get("offset") or 0) > 0:
        return error(502, "Bad Gateway")
    return None


@dataclass(frozen=True)
class Restart:
    """What one stop-and-restart showed; questions are named by their message ids."""

    asked: list[int]
    at_signal: int  # questions answered when the signal was sent
    first: Counter[int]  # replies per question sent by the first process
    second: Counter[int]  # and by the second
    unfinished: set[int]  # questions the store held unfinished once the first had gone
    in_flight: int  # sends the first process had started and not seen answered when it went
    replayed: int  # updates the second process answered from the store (its log)
    dropped: set[int]  # Telegram's redeliveries the second process dropped (its log)
    exit_code: int | None  # the first process's
    seconds: float  # from the signal to the last answer

    @property
    def lost(self) -> list[int]:
        return [q for q in self.asked if not self.first[q] and not self.second[q]]

    @property
    def duplicated(self) -> set[int]:
        return {q for q in self.asked if self.first[q] + self.second[q] > 1}

    @property
    def window(self) -> set[int]:
        """Answered by the first process, yet not marked done: the documented window."""
        return set(self.first) & self.unfinished

    def line(self, how: str) -> str:
        return (
            f"\n{how}: {len(self.asked)} questions; {self.at_signal} answered at the signal,"
            f" {len(self.first)} by the first process, {len(self.second)} by the second;"
            f" {self.replayed} replayed from the store, {len(self.dropped)} redeliveries"
            f" dropped; {len(self.lost)} lost, {len(self.duplicated)} duplicated"
            f" ({self.in_flight} sends in flight at the signal);"
            f" all answered {self.seconds:.1f} s after the signal"
        )


def stop_and_restart(
    bot_process: Callable[..., BotProcess],
    knowledge: Path,
    workdir: Path,
    end: Callable[[BotProcess], str],
    *,
    unconfirmed: bool = False,
    latency: float = 0.0,
) -> Restart:
    """Burst, ``end`` the bot a third of the way through, start another at once, wait.

    With ``unconfirmed``, the burst waits at Telegram before the bot starts, the first poll
    fetches 100 of it and every later poll of the first process fails: Telegram delivers those
    100 again to the second process. ``latency`` slows every answer but getUpdates's, after the
    fake has carried the call out (``FakeTelegram.latency``).
    """
    fake = FakeTelegram()
    fake.latency = latency
    updates = burst(UpdateMaker())
    asked = [u["message"]["message_id"] for u in updates]
    if unconfirmed:
        for update in updates:
            fake.push(update)
        fake.fault = confirmations_fail
    first = bot_process(fake)
    if not unconfirmed:
        for update in updates:
            fake.push(update)
    question_of = {u["update_id"]: u["message"]["message_id"] for u in updates}  # ids: the fake's
    fake.wait_for(lambda calls: len(replies(calls)) >= len(asked) * STOP_AFTER, 30)
    at_signal = len(replies(fake.calls))
    signalled = time.monotonic()
    first_log = end(first)
    fake.fault = None
    state_db = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TOKEN,
        knowledge_dir=knowledge,
    ).state_store()
    with open_store(state_db) as store:  # what the second process will find
        unfinished = {question_of[u] for u, _ in store.unfinished_updates(bot_id=BOT_USER["id"])}
    second = BotProcess(
        first.api, knowledge, workdir, str(ADMIN_ID), name="bot-2", SEMANTIC="false"
    )
    try:
        second.wait_ready()
        try:
            fake.wait_for(lambda calls: set(asked) <= set(replies(calls)), 30)
        except AssertionError:
            missing = set(asked) - set(replies(fake.calls))
            raise AssertionError(
                f"{len(missing)} questions never answered: {sorted(missing)}\n"
                f"--- first process:\n{first_log[-3000:]}\n"
                f"--- second process:\n{second.log()[-3000:]}"
            ) from None
        seconds = time.monotonic() - signalled
        time.sleep(1.0)  # a duplicate would come now
    finally:
        second_log = second.stop()
    calls = list(fake.calls)
    return Restart(
        asked=asked,
        at_signal=at_signal,
        first=replies(calls, first.name),
        second=replies(calls, second.name),
        unfinished=unfinished,
        in_flight=first_log.count(_SENDING) - first_log.count(_SENT),
        replayed=sum(int(n) for n in _REPLAYED.findall(second_log)),
        dropped={question_of[int(u)] for u in _DROPPED.findall(second_log)},
        exit_code=first.process.returncode,
        seconds=seconds,
    )


def window_fits(result: Restart) -> bool:
    """Whether the repeats are no more than the sends that could be in the window.

    An answer is in it if Telegram accepted it and the first process was killed before it had
    the reply (counted in ``in_flight``) or between the reply and marking the update done (no
    ``await`` there: one update at most). With a quick Bot API that is ``MAX_DUPLICATED``.
    """
    return len(result.duplicated) <= max(MAX_DUPLICATED, result.in_flight + 1)


@pytest.mark.parametrize(
    ("unconfirmed", "latency"),
    [(False, 0.0), (True, 0.0), (False, SLOW_API)],
    ids=["confirmed", "unconfirmed", "slow-api"],
)
def test_killed_mid_burst_no_question_is_lost(
    bot_process, knowledge_copy, tmp_path, unconfirmed, latency
):
    result = stop_and_restart(
        bot_process,
        knowledge_copy,
        tmp_path,
        BotProcess.kill,
        unconfirmed=unconfirmed,
        latency=latency,
    )
    how = "offsets lost" if unconfirmed else "offsets confirmed"
    print(result.line(f"SIGKILL, {how}, Bot API answering in {latency * 1000:.0f} ms"))
    assert result.exit_code == -9
    assert result.lost == []
    assert 0 < result.at_signal < len(result.asked)
    # The kill left recorded questions unanswered: the second process answered them first.
    assert result.unfinished
    assert result.replayed == len(result.unfinished)
    assert result.unfinished <= set(result.second)
    # No process answers a question twice; a question is answered by both only in the window.
    assert max(result.first.values()) == max(result.second.values()) == 1
    assert result.duplicated == result.window == set(result.first) & set(result.second)
    assert window_fits(result), result.line("repeats beyond the sends in flight")
    if unconfirmed:
        # The first poll's 100 came again, each dropped: answered by the first process (done
        # before the kill) or from the store, never as a new question.
        assert result.dropped == set(result.asked[:100])
        assert result.dropped == set(result.first) | result.unfinished
    else:
        assert result.dropped <= set(result.first) | result.unfinished


def test_stopped_mid_burst_every_question_is_answered_once(bot_process, knowledge_copy, tmp_path):
    result = stop_and_restart(bot_process, knowledge_copy, tmp_path, BotProcess.stop)
    print(result.line("SIGTERM"))
    assert result.exit_code == 0  # a graceful stop, not the SIGKILL ``stop`` falls back to
    assert result.lost == []
    assert result.duplicated == set()
    assert 0 < result.at_signal < len(result.asked)
    # PTB answers all it fetched before it exits, and confirms them to Telegram: nothing left
    # for the store to replay, nothing delivered again.
    assert result.unfinished == set()
    assert result.replayed == 0
    assert result.dropped == set()
