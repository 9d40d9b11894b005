"""What the state store adds to each question, and what its reports cost at 100,000 questions.

    python -m benchmarks.store [--questions N] [--rows N] [--work DIR]

Each question is logged with a vector as the sentence model leaves it (random, 384 float16:
what ``/unanswered`` reads to group questions by meaning). Per question the bot will pay
three calls: ``record_updates`` of the update (committed with
``synchronous = FULL``: one fsync of the WAL), ``log_question`` and ``finish_update`` (committed
with ``NORMAL``: no fsync). They are timed together and apart, on a file in ``--work`` (never
``:memory:``), first on a new store, then on one already holding ``--rows`` logged questions
spread over 30 days with a vote on one in ten; then the reports over those rows, and opening
that file (which checks its pages). fsync costs what the file system makes it cost: the output
names the file system measured, since on tmpfs it is free and the figures flatter the disk.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import tempfile
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from benchmarks.measure import Latency
from benchmarks.run import SQUAD, questions
from bot.store import Citation, QuestionEntry, StateStore, open_store
from testkit.telegram_updates import UpdateMaker

DAYS = 30
MEANING_DIMENSION = 384  # all-MiniLM-L6-v2's: each logged question keeps its vector
BOT = 777000111  # the bot whose updates are recorded (getMe's id)
CITED = Citation(file="energy.md", position=12, text="Gas prices fell by a third." * 3, score=7.5)


class Clock:
    """A clock the benchmark moves, so the rows spread over days as a month of use would."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC) - timedelta(days=DAYS)

    def __call__(self) -> datetime:
        """The time the benchmark has reached."""
        return self.now


def filesystem(path: Path) -> str:
    """The file system holding ``path``, from /proc/mounts (the longest matching mount)."""
    target, best = str(path.resolve()), ("?", "?", "")
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return "unknown (no /proc/mounts)"
    for line in mounts:
        device, point, kind = line.split()[:3]
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best[2]):
            best = (kind, device, point)
    return f"{best[0]} ({best[1]} on {best[2]})"


def meaning(text: str) -> bytes:
    """A question's vector as the sentence model would store it: the same text, the same one."""
    rng = np.random.default_rng(zlib.crc32(text.encode()))
    vector = rng.standard_normal(MEANING_DIMENSION).astype(np.float32)
    return (vector / np.linalg.norm(vector)).astype(np.float16).tobytes()


def entry(text: str, number: int, store: StateStore) -> QuestionEntry:
    """A question as the bot logs it: two in three answered, some in groups, with its vector."""
    return QuestionEntry(
        chat_type="private" if number % 2 else "supergroup",
        text=text,
        group_key=" ".join(sorted(set(text.lower().split()))[:4]),
        citation=CITED if number % 3 else None,
        latency_ms=3.0 + number % 17,
        user_hash=store.user_hash(number % 500),
        meaning=meaning(text),
        meaning_model="all-MiniLM-L6-v2 (random vectors)",
    )


def per_question(store: StateStore, asked: list[str], count: int) -> dict[str, Latency]:
    """Time the three calls of each of ``count`` questions, together and apart."""
    maker = UpdateMaker()
    parts: dict[str, list[float]] = {"record": [], "log": [], "finish": []}
    numbers = itertools.count()

    def one(text: str) -> None:
        update = maker.message(text, user=1001, chat=None)
        payload, logged = json.dumps(update), entry(text, next(numbers), store)  # the bot's work
        for part, call in (
            ("record", lambda: store.record_updates([(update["update_id"], payload)], bot_id=BOT)),
            ("log", lambda: store.log_question(logged)),
            ("finish", lambda: store.finish_update(update["update_id"], bot_id=BOT)),
        ):
            started = time.perf_counter()
            call()
            parts[part].append(time.perf_counter() - started)

    for i in range(count):
        one(asked[i % len(asked)])  # the calls are timed inside, without the bot's own work
    total = Latency([sum(calls) for calls in zip(*parts.values(), strict=True)])
    return {"all three": total, **{name: Latency(s) for name, s in parts.items()}}


def fill(store: StateStore, clock: Clock, asked: list[str], rows: int) -> float:
    """Log ``rows`` questions over ``DAYS`` days, a vote on one in ten; seconds taken."""
    step = timedelta(days=DAYS) / rows
    started = time.perf_counter()
    for number in range(rows):
        question = store.log_question(entry(asked[number % len(asked)], number, store))
        if question is not None and number % 10 == 0:
            store.vote(question, store.user_hash(number), 1 if number % 20 else -1)
        clock.now += step
    return time.perf_counter() - started


def median_ms(call: Callable[[], object], repeat: int = 5) -> float:
    """The median time of ``repeat`` calls, in ms."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def print_latencies(title: str, latencies: dict[str, Latency]) -> None:
    """One line per call."""
    print(title)
    for name, latency in latencies.items():
        print(f"  {name:<10} p50 {latency.p50_ms:6.3f} ms   p99 {latency.p99_ms:6.3f} ms")


def reports(store: StateStore, since: datetime) -> None:
    """The time of each report over every row."""
    for name, call in (
        ("unanswered(20)", lambda: store.unanswered(since, 20)),
        ("stats", lambda: store.stats(since)),
        ("feedback(20)", lambda: store.feedback(20)),
        ("questions (export)", lambda: store.questions(since)),
    ):
        print(f"  {name:<19} {median_ms(call):8.1f} ms")


def measure(work: Path, asked: list[str], count: int, rows: int) -> None:
    """Every figure, on store files in ``work``."""
    print(f"store files in {work}: file system {filesystem(work)}")
    print("synchronous: FULL for record_updates (the WAL is fsynced before Telegram forgets")
    print("the update), NORMAL for everything else (no fsync; safe against a killed process)\n")
    clock = Clock()
    with open_store(work / "new.db", clock=clock) as store:
        latencies = per_question(store, asked, count)
        print_latencies(f"per question, new store ({count:,} questions):", latencies)
        batch = [(10**9 + i, json.dumps({"update_id": i, "text": asked[i]})) for i in range(100)]
        took = median_ms(lambda: store.record_updates(batch, bot_id=BOT), 1)
        print(f"  record_updates of 100 updates (a full getUpdates): {took:.2f} ms")
    path = work / "full.db"
    with open_store(path, clock=clock) as store:
        took = fill(store, clock, asked, rows)
        print(f"\nfilled with {rows:,} questions and {rows // 10:,} votes in {took:.1f} s")
        latencies = per_question(store, asked, count)
        print_latencies(f"per question, store holding {rows:,} questions:", latencies)
        print(f"reports over {rows:,} questions ({DAYS} days), median of 5:")
        reports(store, clock.now - timedelta(days=DAYS + 1))
    started = time.perf_counter()
    open_store(path).close()
    opened = (time.perf_counter() - started) * 1000
    size = path.stat().st_size / 2**20
    print(f"  open_store (checks every page) {opened:6.1f} ms; file {size:.1f} MB")


def main(argv: list[str] | None = None) -> int:
    """Print the store's figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.store", description=__doc__)
    parser.add_argument("--questions", type=int, default=3000, help="questions timed")
    parser.add_argument("--rows", type=int, default=100_000, help="questions already logged")
    parser.add_argument(
        "--work", type=Path, default=None, help="where the store files go (deleted after)"
    )
    args = parser.parse_args(argv)
    asked = questions(SQUAD)
    with tempfile.TemporaryDirectory(prefix="store-bench-", dir=args.work) as scratch:
        measure(Path(scratch), asked, args.questions, args.rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
