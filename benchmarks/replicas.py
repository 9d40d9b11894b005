"""Two webhook replicas on one PostgreSQL store under a burst, a SIGKILL and a server restart.

    python -m benchmarks.replicas [--chats N] [--per-chat N] [--lease SECONDS] [--no-reference]

The real ``python -m bot run`` twice, in webhook mode behind a round-robin proxy, on a
PostgreSQL server of its own (its binaries: Debian's ``postgresql`` package, or ``PG_BINDIR``)
and the fake Bot API, which delivers each update to the webhook as Telegram does
(``testkit.replicas``). A burst of ``--chats`` x ``--per-chat`` questions (600 from 60 chats
by default); replica A is SIGKILLed at a moment it holds leased, unanswered updates and started
again; the server is restarted once half the questions are answered. Prints the questions
lost and answered twice, the replies a second, the longest gap between two replies, and the
most sends in any one second (Telegram's cap is per bot: about 30). Then knowledge: five
uploads to A, each asked of B (which started on an empty knowledge directory and took the
store's) until it answers from it: how long after A said it had reloaded.

The reference, in the same run: the same burst on one replica with no fault, so the price of
the faults reads as a ratio.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from testkit.postgres_server import PostgresServer, find_binaries
from testkit.replicas import BurstFigures, Propagation, Replicas, propagation_lines

ROOT = Path(__file__).resolve().parent.parent


UPLOADS = 5
PLACES = ("Baku", "Yerevan", "Tbilisi", "Ganja", "Stepanakert", "Shusha", "Goris", "Agdam")


def _note(number: int) -> tuple[str, bytes, str, str]:
    """An upload of its own: a file name, its bytes, a question only it answers, the answer."""
    place = PLACES[number % len(PLACES)]
    hour = f"{number + 1} o'clock"
    body = f"The ferry number {number} to {place} leaves at {hour}."
    text = f"---\ntitle: Ferry {number}\n---\n\n{body}\n"
    return (
        f"ferry-{number}.md",
        text.encode(),
        f"when does ferry number {number} to {place} leave?",
        hour,
    )


def _run(
    server: PostgresServer, work: Path, args: argparse.Namespace, *, faults: bool
) -> tuple[BurstFigures, list[Propagation]]:
    knowledge = work / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    with Replicas(server, knowledge, work, lease_s=args.lease) as replicas:
        replicas.start("a")
        if faults:
            replicas.start("b")
        figures = replicas.burst(
            args.chats, args.per_chat, kill=faults, restart_postgres=faults, timeout=300
        )
        uploads = [replicas.propagate(*_note(n)) for n in range(UPLOADS)] if faults else []
        return figures, uploads


def main(argv: Sequence[str] | None = None) -> int:
    """Run the burst (and the reference) and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.replicas", description=__doc__)
    parser.add_argument("--chats", type=int, default=60)
    parser.add_argument("--per-chat", type=int, default=10)
    parser.add_argument("--lease", type=float, default=3.0, help="UPDATE_LEASE_SECONDS")
    parser.add_argument("--no-reference", action="store_true", help="skip the one-replica run")
    args = parser.parse_args(argv)
    binaries = find_binaries()
    if binaries is None:
        print("no PostgreSQL server binaries: install Debian's postgresql or set PG_BINDIR")
        return 2
    with PostgresServer(binaries) as server, tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        print(f"two replicas, {args.chats} chats x {args.per_chat} questions, lease {args.lease}s")
        print("replica A SIGKILLed holding leased updates and restarted; PostgreSQL restarted")
        figures, uploads = _run(server, work / "replicas", args, faults=True)
        for line in figures.lines() + propagation_lines(uploads):
            print(f"  {line}")
        if not args.no_reference:
            print("reference: one replica, no fault")
            reference, _ = _run(server, work / "reference", args, faults=False)
            for line in reference.lines()[:1] + reference.lines()[3:6]:
                print(f"  {line}")
            ratio = figures.replies_per_second / reference.replies_per_second
            print(f"replies a second, with the faults against without: {ratio:.2f}x")
    ok = figures.lost == 0 and figures.duplicated == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
