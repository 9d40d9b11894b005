"""Faults on the fake Bot API: 429s, 502s, dropped connections, getUpdates down for a while.

The real bot process must still answer every question exactly once.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from testkit.bot_process import sends_replying_to
from testkit.fake_bot_api import FakeTelegram, drop, error, flood
from testkit.telegram_updates import UpdateMaker
from tests.conftest import GROUP_ID

pytestmark = pytest.mark.timeout(90)
POLLING_OUTAGE = 2.0  # seconds of getUpdates answering 502 after the bot first polls
QUESTIONS = (
    "when is Kalbajar handed over?",
    "who guards the Lachin corridor?",
    "how many Russian peacekeepers will be deployed?",
)


class Faults:
    """Fail each question's first send attempts in turn: a 429, two 502s, or a hang-up."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.attempts: Counter[int] = Counter()
        self.injected: Counter[str] = Counter()
        self.polling_since: float | None = None
        self.plan: dict[int, int] = {}  # question message id -> kind of fault

    def __call__(self, method: str, params: dict) -> tuple[int, dict] | None:
        with self.lock:
            if method == "getUpdates":
                return self._polling()
            if method != "sendMessage":
                return None
            question = params["reply_parameters"]["message_id"]
            self.attempts[question] += 1
            fault = self._send_fault(self.plan[question], self.attempts[question])
            if fault is not None:
                self.injected[str(fault[0])] += 1
            return fault

    def _polling(self) -> tuple[int, dict] | None:
        self.polling_since = self.polling_since or time.monotonic()
        if time.monotonic() - self.polling_since < POLLING_OUTAGE:
            self.injected["getUpdates"] += 1
            return error(502, "Bad Gateway")
        return None

    @staticmethod
    def _send_fault(kind: int, attempt: int) -> tuple[int, dict] | None:
        if kind == 0 and attempt == 1:
            return flood(1)
        if kind == 1 and attempt <= 2:
            return error(502, "Bad Gateway")
        if kind == 2 and attempt == 1:
            return drop()
        return None  # kind 3: no fault, the control group


def test_every_question_is_answered_exactly_once_despite_faults(bot_process):
    faults = Faults()
    fake = FakeTelegram()
    fake.fault = faults
    bot = bot_process(fake)
    make = UpdateMaker()
    questions = []
    for n in range(12):
        text = QUESTIONS[n % len(QUESTIONS)]
        user = 2000 + n % 3
        if n % 2:
            update = make.message(f"/ask {text}", user=user, chat=GROUP_ID)
        else:
            update = make.message(text, user=user)
        questions.append(update["message"]["message_id"])
        faults.plan[questions[-1]] = n % 4
        fake.push(update)
    pushed = time.monotonic()

    def all_answered(calls) -> bool:
        return all(sends_replying_to(calls, q) for q in questions)

    fake.wait_for(all_answered, timeout=40)
    took = time.monotonic() - pushed
    time.sleep(1.5)  # room for a duplicate to show up, if the bot were to send one
    calls = list(fake.calls)
    counts = {q: len(sends_replying_to(calls, q)) for q in questions}
    assert counts == dict.fromkeys(questions, 1)
    assert set(faults.injected) == {"429", "502", "0", "getUpdates"}
    assert faults.injected["getUpdates"] >= 2
    print(
        f"\n{len(questions)} answered {took:.1f}s after the push; faults {dict(faults.injected)}"
    )
    assert "retrying" in bot.stop()
