"""Questions lost or answered twice when the bot is stopped mid-burst and started again at once.

    python -m benchmarks.crash [--chats N] [--per-chat N] [--latency SECONDS] [--work DIR]

The real ``python -m bot run`` polls the fake Bot API on 127.0.0.1 (as ``benchmarks.burst``):
600 questions from 60 chats (half private, half groups using /ask) are queued at once; when half
are answered the bot is killed with SIGKILL (or stopped with SIGTERM) and a second process
starts at once on the same fake Telegram, knowledge and state store. The run ends when every
question has its reply, or when none has come for ``QUIET`` seconds (a lost question never
does). Each process's calls are told apart by the fake, including answers it carried out after
the first process was killed, as Telegram would.

Printed per run: questions, answered, lost, duplicated; answered before the signal and by each
process; replayed from the store and Telegram's redeliveries dropped (from the second process's
log); the sends in flight when the first process went (started, reply not yet seen), which
bounds the duplicates; seconds from the burst to the last answer. The runs:

* SIGKILL and SIGTERM with the state store (``bot.tg.durable``), as the bot now runs;
* SIGKILL with the store switched off the old way: a new, empty ``STATE_DB`` at each start, so
  nothing is replayed and nothing known: what the bot did before the store;
* SIGKILL with the Bot API answering in ``--latency`` seconds: the duplicate window is the
  answers Telegram has carried out and the bot has not yet seen, about 30 a second times that.

Words only (``SEMANTIC=false``): answering speed does not matter here, Telegram's pacing does.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from benchmarks.burst import burst_updates, replies, start_bot, stop_bot
from benchmarks.run import SQUAD, questions
from testkit.fake_bot_api import Call, FakeBotApi

CHATS = 60
PER_CHAT = 10
QUIET = 8.0  # seconds without a new answer after which the missing ones count as lost
LATENCY = 0.2  # seconds: a Bot API far away (the round trip from some hosting regions)
READY_TIMEOUT = 120.0
FIRST, SECOND = "first", "second"
_REPLAYED = re.compile(r"answering (\d+) updates left unfinished by the last run")
_DROPPED = re.compile(r"update \d+ delivered again")
_SENDING = "Calling Bot API endpoint `sendMessage`"
_SENT = "Call to Bot API endpoint `sendMessage` finished"


@dataclass(frozen=True)
class CrashResult:
    """What one stop-and-restart showed."""

    how: str
    asked: list[int]
    at_signal: int  # questions answered when the signal was sent
    first: Counter[int]  # replies per question sent by the first process
    second: Counter[int]  # and by the second
    replayed: int
    dropped: int
    in_flight: int  # sends the first process had started and not seen answered
    exit_code: int | None  # the first process's
    seconds: float  # from the burst to the last answer

    @property
    def answered(self) -> int:
        """Questions with at least one reply."""
        return sum(1 for q in self.asked if self.first[q] or self.second[q])

    @property
    def duplicated(self) -> int:
        """Questions with more than one reply."""
        return sum(1 for q in self.asked if self.first[q] + self.second[q] > 1)

    def summary(self) -> str:
        """Two lines for the report."""
        lost = len(self.asked) - self.answered
        return (
            f"{self.how}: {len(self.asked)} questions, {self.answered} answered, {lost} lost,"
            f" {self.duplicated} duplicated, {self.replayed} replayed, in {self.seconds:.1f} s\n"
            f"    {self.at_signal} answered before the signal (exit code {self.exit_code});"
            f" {len(self.first)} answered by the first process, {len(self.second)} by the"
            f" second; {self.dropped} redeliveries dropped; {self.in_flight} sends in flight"
            f" when the first process went"
        )


def _wait_ready(api: FakeBotApi, client: str, process: subprocess.Popen[bytes]) -> None:
    """Wait for ``client``'s deleteWebhook: it polls from then on."""

    def ready(calls: list[Call]) -> bool:
        return process.poll() is not None or any(
            c.method == "deleteWebhook" and c.client == client for c in calls
        )

    api.fake.wait_for(ready, READY_TIMEOUT)
    if process.poll() is not None:
        raise RuntimeError(f"the {client} bot process exited with {process.returncode}")


def _wait_answered(api: FakeBotApi, asked: list[int]) -> float:
    """Wait until every question is answered or none has been for ``QUIET`` s; the last answer."""
    count, last = -1, time.perf_counter()
    while True:
        replied = replies(api)
        if len(replied) != count:
            count, last = len(replied), time.perf_counter()
        if all(replied[q] for q in asked) or time.perf_counter() - last > QUIET:
            return last
        time.sleep(0.1)


def crash(
    how: str,
    knowledge: Path,
    cache: Path,
    work: Path,
    *,
    stop: signal.Signals,
    store: bool = True,
    latency: float = 0.0,
    chats: int = CHATS,
    per_chat: int = PER_CHAT,
) -> CrashResult:
    """Burst, stop the bot with ``stop`` half way through, start another at once, count."""
    work.mkdir(parents=True, exist_ok=True)
    state = work / "state.sqlite3"

    def start(client: str) -> subprocess.Popen[bytes]:
        # Without the store, each process gets an empty one: it knows nothing of the last run.
        db = state if store else work / f"state-{client}.sqlite3"
        return start_bot(
            api,
            knowledge,
            cache,
            work / f"{client}.log",
            client=client,
            STATE_DB=str(db),
            SEMANTIC="false",
            LOG_LEVEL="DEBUG",  # the sends started and finished, for ``in_flight``
            RATE_LIMIT_PER_MINUTE=str(per_chat * 2),
        )

    with FakeBotApi() as api:
        api.fake.latency = latency
        first = start(FIRST)
        second = None
        try:
            _wait_ready(api, FIRST, first)
            updates = burst_updates(questions(SQUAD), chats, per_chat)
            asked = [u["message"]["message_id"] for u in updates]
            started = time.perf_counter()
            for update in updates:
                api.fake.push(update)
            api.fake.wait_for(lambda calls: len(replies(api)) >= len(asked) // 2, 300)
            at_signal = len(replies(api))
            first.send_signal(stop)
            first.wait(timeout=60)
            second = start(SECOND)
            _wait_ready(api, SECOND, second)
            last = _wait_answered(api, asked)
            time.sleep(1.0)  # a duplicate would come now
        finally:
            for process in (first, second):
                if process is not None and process.poll() is None:
                    stop_bot(process)
        first_log = (work / f"{FIRST}.log").read_text()
        second_log = (work / f"{SECOND}.log").read_text()
        return CrashResult(
            how=how,
            asked=asked,
            at_signal=at_signal,
            first=replies(api, FIRST),
            second=replies(api, SECOND),
            replayed=sum(int(n) for n in _REPLAYED.findall(second_log)),
            dropped=len(_DROPPED.findall(second_log)),
            in_flight=first_log.count(_SENDING) - first_log.count(_SENT),
            exit_code=first.returncode,
            seconds=last - started,
        )


def main() -> None:
    """Run the four stop-and-restarts and print what each showed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chats", type=int, default=CHATS)
    parser.add_argument("--per-chat", type=int, default=PER_CHAT)
    parser.add_argument("--latency", type=float, default=LATENCY, help="the slow Bot API run")
    parser.add_argument("--work", type=Path, help="keep the logs here (default: a temp dir)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="briefing-crash-"))
    knowledge, cache = SQUAD / "knowledge", work / "cache"
    runs: list[tuple[str, str, signal.Signals, bool, float]] = [
        ("kill", "SIGKILL, state store", signal.SIGKILL, True, 0.0),
        ("term", "SIGTERM, state store", signal.SIGTERM, True, 0.0),
        ("kill-no-store", "SIGKILL, no store (before)", signal.SIGKILL, False, 0.0),
        (
            "kill-slow-api",
            f"SIGKILL, state store, Bot API answering in {args.latency * 1000:.0f} ms",
            signal.SIGKILL,
            True,
            args.latency,
        ),
    ]
    total = args.chats * args.per_chat
    print(
        f"{total} questions from {args.chats} chats queued at once; the bot stopped when half"
        f" were answered and started again at once (logs in {work})"
    )
    try:
        for name, how, stop, store, latency in runs:
            result = crash(
                how,
                knowledge,
                cache,
                work / name,
                stop=stop,
                store=store,
                latency=latency,
                chats=args.chats,
                per_chat=args.per_chat,
            )
            print(result.summary(), flush=True)
    finally:
        if args.work is None:
            shutil.rmtree(cache, ignore_errors=True)  # the index cache; the logs stay


if __name__ == "__main__":
    main()
