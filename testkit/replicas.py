"""Two bot replicas on one PostgreSQL store, behind a round-robin proxy, under a burst.

What ``tests/test_tg_replicas.py`` asserts and ``benchmarks.replicas`` measures: the fake Bot
API delivers each question to the webhook as Telegram does (a POST per update, again after a
non-2xx answer or a timeout), the proxy spreads the POSTs over replicas A and B (real
``python -m bot run`` processes in webhook mode), and mid-burst replica A is SIGKILLed at a
moment when it holds leased, unanswered updates, then started again, and the PostgreSQL server
is restarted. Afterwards every question must have exactly one answer: the figures say how many
were lost or answered twice, the replies a second, the longest gap between two replies (the
price of the kill and the restart), and the most sends in any one second (Telegram's cap is
per bot: the replicas share one pace).
"""

from __future__ import annotations

import itertools
import json
import re
import socket
import statistics
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from testkit.bot_process import BotProcess
from testkit.fake_bot_api import Call, FakeBotApi, FakeTelegram
from testkit.ports import free_port
from testkit.postgres_server import PostgresServer
from testkit.round_robin import RoundRobinProxy
from testkit.telegram_updates import UpdateMaker

SECRET = "replica-s3cret"
QUESTIONS = (
    "when is Kalbajar handed over?",
    "who guards the Lachin corridor?",
    "how many peacekeepers does Russia send?",
    "what happens to Aghdam?",
    "when was the ceasefire signed?",
    "who announced the agreement?",
)
_DATABASES = itertools.count(1)


@dataclass(frozen=True)
class BurstFigures:
    """What a burst came to; times in seconds."""

    questions: int
    answered: int
    lost: int
    duplicated: int
    seconds: float
    replies_per_second: float
    longest_gap: float
    most_sends_in_a_second: int
    killed_holding: int  # A's leased, unanswered updates when it was killed
    served_by: dict[str, int]  # successful replies by replica process

    def lines(self) -> list[str]:
        """The figures as the benchmark prints them."""
        return [
            f"questions {self.questions} from the burst; answered {self.answered}",
            f"lost {self.lost}; answered twice {self.duplicated}",
            f"replica A killed holding {self.killed_holding} leased, unanswered updates",
            f"{self.seconds:.1f} s from the first question to the last answer:"
            f" {self.replies_per_second:.1f} replies a second",
            f"longest gap between two replies: {self.longest_gap:.2f} s",
            f"most sends in any one second: {self.most_sends_in_a_second} (Telegram's cap: 30)",
            "replies by process: "
            + ", ".join(f"{name} {count}" for name, count in sorted(self.served_by.items())),
        ]


@dataclass(frozen=True)
class Propagation:
    """How long an upload to replica A took to be answered from by replica B; in seconds."""

    confirmed: float  # from the upload's POST to A's reply that it saved and reloaded it
    reload: float  # A's reload, as its reply says
    answered_by_b: float  # from A's reply to B's first answer quoting the new briefing
    asked: int  # questions B was asked until then (each waits for its answer)


def propagation_lines(runs: list[Propagation]) -> list[str]:
    """Several propagations' figures, as the benchmark prints them: median (worst)."""

    def figure(values: list[float]) -> str:
        return f"{statistics.median(values):.2f} s (worst {max(values):.2f} s)"

    return [
        f"{len(runs)} uploads to replica A, each asked of replica B until answered from:",
        f"  A saved and reloaded in {figure([r.confirmed for r in runs])};"
        f" its reload took {figure([r.reload for r in runs])}",
        f"  B answered from it {figure([r.answered_by_b for r in runs])} after A said so",
    ]


def _replied_to(call: Call) -> int | None:
    if call.method != "sendMessage" or call.status != 200:
        return None
    reply = call.params.get("reply_parameters") or {}
    found = reply.get("message_id")
    return int(found) if found is not None else None


def _leased_unanswered(url: str, pid: int) -> int:
    """How many unfinished updates the process ``pid`` holds a lease on now."""
    with psycopg.connect(url, connect_timeout=2) as db:
        row = db.execute(
            "SELECT COUNT(*) FROM briefing_bot.updates"
            " WHERE done_at IS NULL AND leased_by LIKE %s",
            (f"%:{pid}:%",),
        ).fetchone()
    return int(row[0]) if row else 0


def _most_in_a_second(moments: list[float]) -> int:
    most, start = 0, 0
    for end, moment in enumerate(moments):
        while moment - moments[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


class Replicas:
    """The fake Bot API, the proxy and the two replicas, on one database of ``server``."""

    def __init__(
        self,
        server: PostgresServer,
        knowledge: Path,
        workdir: Path,
        *,
        lease_s: float = 3.0,
        admins: str = "4242",
    ) -> None:
        self.server = server
        self.url = server.create_database(f"replicas_{next(_DATABASES)}")
        self.knowledge = knowledge
        self.workdir = workdir
        self.admins = admins
        self.fake = FakeTelegram()
        self.api = FakeBotApi(self.fake).__enter__()
        self.ports = {"a": free_port(), "b": free_port()}
        self.proxy = RoundRobinProxy([("127.0.0.1", port) for port in self.ports.values()])
        self.proxy.__enter__()
        self.env = {
            "WEBHOOK_URL": f"{self.proxy.url}/tg/hook",
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_SECRET": SECRET,
            "STATE_DB": self.url,
            "UPDATE_LEASE_SECONDS": str(lease_s),
            "SEMANTIC": "false",
            "RATE_LIMIT_PER_MINUTE": "1000",
            "LOG_LEVEL": "INFO",
        }
        self.processes: dict[str, BotProcess] = {}
        self._starts = itertools.count(1)
        # Updates POSTed to one replica directly, numbered apart from those the fake sends.
        self._direct_ids = itertools.count(10_000_000)
        self._direct = UpdateMaker(first_id=5_000_000)

    def start(self, replica: str) -> BotProcess:
        """Start replica ``a`` or ``b`` (again, after a kill) and wait until it serves."""
        name = f"{replica}{next(self._starts)}"
        cache = self.workdir / f"cache-{replica}"
        # Each replica its own knowledge directory: A starts on the knowledge given, and puts
        # it into the store; B starts on an empty one, and takes the store's.
        knowledge = self.knowledge if replica == "a" else self.workdir / f"knowledge-{replica}"
        knowledge.mkdir(parents=True, exist_ok=True)
        process = BotProcess(
            self.api,
            knowledge,
            self.workdir,
            self.admins,
            name=name,
            WEBHOOK_PORT=str(self.ports[replica]),
            CACHE_DIR=str(cache),
            **self.env,
        )
        process.wait_ready()
        self._wait_listening(self.ports[replica], process)
        self.processes[replica] = process
        return process

    def _wait_listening(self, port: int, process: BotProcess) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"replica not listening on {port}:\n{process.log()}")

    def burst(
        self,
        chats: int,
        per_chat: int,
        *,
        kill: bool = True,
        restart_postgres: bool = True,
        timeout: float = 180.0,
    ) -> BurstFigures:
        """Push ``chats * per_chat`` questions at once, kill and restart as said; the figures."""
        make = UpdateMaker()
        updates: list[dict[str, Any]] = []
        for round_ in range(per_chat):
            for chat in range(chats):
                text = QUESTIONS[(chat + round_) % len(QUESTIONS)]
                updates.append(make.message(text, user=10_000 + chat))
        asked = {u["message"]["message_id"] for u in updates}
        before = len(self.fake.calls)
        started = time.monotonic()
        for update in updates:
            self.fake.push(update)
        killed_holding = 0
        if kill:
            killed_holding = self._kill_while_holding("a")
            self.start("a")
        if restart_postgres:
            self._wait_answered(asked, before, len(asked) // 2, timeout)
            self.server.restart()
        self._wait_answered(asked, before, len(asked), timeout)
        time.sleep(float(self.env["UPDATE_LEASE_SECONDS"]) * 1.5)  # late takeovers, if any
        return self._figures(asked, before, started, killed_holding)

    def _kill_while_holding(self, replica: str, timeout: float = 30.0) -> int:
        """SIGKILL ``replica`` at a moment it holds leased, unanswered updates; how many."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes[replica]
            if _leased_unanswered(self.url, process.process.pid) > 0:
                process.kill()
                held = _leased_unanswered(self.url, process.process.pid)  # as the kill left it
                if held:
                    return held
                self.start(replica)  # it finished them in between: try again
            time.sleep(0.005)
        raise AssertionError(f"replica {replica} never held a leased, unanswered update")

    def propagate(
        self, name: str, data: bytes, question: str, expected: str, *, timeout: float = 10.0
    ) -> Propagation:
        """Upload ``name`` to replica A, then ask B ``question`` until it quotes ``expected``."""
        file_id = f"upload-{next(self._direct_ids)}"
        self.fake.add_file(file_id, data)
        admin = int(self.admins.split(",")[0])
        upload = self._direct.document(name, file_id, len(data), user=admin)
        started = time.monotonic()
        reply = self._post_and_wait("a", upload, timeout)
        text = str(reply.params.get("text", ""))
        took = re.search(r"Reloaded in ([0-9.]+)s", text)
        if took is None:
            raise AssertionError(f"replica A did not take the upload: {text}")
        deadline, asked = reply.at + timeout, 0
        while time.monotonic() < deadline:
            asked += 1
            answer = self._post_and_wait("b", self._direct.message(question, user=20_000), timeout)
            if expected in str(answer.params.get("text", "")):
                return Propagation(
                    reply.at - started, float(took.group(1)), answer.at - reply.at, asked
                )
        raise AssertionError(f"replica B did not answer from {name} within {timeout} s")

    def _post_and_wait(self, replica: str, update: dict[str, Any], timeout: float) -> Call:
        """POST ``update`` to one replica's webhook, not through the proxy; the bot's reply."""
        update["update_id"] = next(self._direct_ids)
        message = update["message"]
        before = len(self.fake.calls)
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.ports[replica]}/tg/hook",
            data=json.dumps(update).encode(),
            headers={
                "Content-Type": "application/json",
                "X-Telegram-Bot-Api-Secret-Token": SECRET,
            },
        )
        with urllib.request.urlopen(request, timeout=timeout) as answered:
            answered.read()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for replied, call in self._answers(before):
                if (
                    replied == message["message_id"]
                    and call.params.get("chat_id") == message["chat"]["id"]
                ):
                    return call
            time.sleep(0.01)
        raise AssertionError(f"replica {replica} did not reply within {timeout} s")

    def _answers(self, before: int) -> list[tuple[int, Call]]:
        with self.fake.cond:
            calls = list(self.fake.calls[before:])
        return [(m, c) for c in calls if (m := _replied_to(c)) is not None]

    def _wait_answered(self, asked: set[int], before: int, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len({m for m, _ in self._answers(before)} & asked) >= count:
                return
            time.sleep(0.05)
        logs = "\n".join(f"--- {n}\n{p.log()[-3000:]}" for n, p in self.processes.items())
        raise AssertionError(f"fewer than {count} of {len(asked)} questions answered:\n{logs}")

    def _figures(
        self, asked: set[int], before: int, started: float, killed_holding: int
    ) -> BurstFigures:
        answers = [(m, c) for m, c in self._answers(before) if m in asked]
        per_question = Counter(m for m, _ in answers)
        with self.fake.cond:
            sends = sorted(
                c.at
                for c in self.fake.calls[before:]
                if c.method == "sendMessage" and c.status == 200
            )
        moments = sorted(c.at for _, c in answers)
        gaps = [b - a for a, b in itertools.pairwise([started, *moments])]
        seconds = moments[-1] - started if moments else 0.0
        return BurstFigures(
            questions=len(asked),
            answered=len(per_question),
            lost=len(asked - per_question.keys()),
            duplicated=sum(n - 1 for n in per_question.values()),
            seconds=seconds,
            replies_per_second=len(answers) / seconds if seconds else 0.0,
            longest_gap=max(gaps, default=0.0),
            most_sends_in_a_second=_most_in_a_second(sends),
            killed_holding=killed_holding,
            served_by=dict(Counter(c.client or "?" for _, c in answers)),
        )

    def close(self) -> None:
        """Stop the replicas, the proxy and the fake Bot API."""
        for process in self.processes.values():
            process.stop()
        self.proxy.__exit__(None, None, None)
        self.api.__exit__(None, None, None)

    def __enter__(self) -> Replicas:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
