"""How well "what's new?" requests are told from questions (``bot.core.news_request``).

    python -m benchmarks.news_requests [REQUESTS.jsonl ...] [--english SET.jsonl ...]

For each set of requests and near misses (``{"q", "whats_new"}`` a line; the project's own,
``tests/fixtures/whats_new.jsonl``, by default), prints how many requests were told and how
many near misses taken for requests, with each mistake; then, for each English question set
given with ``--english`` (the shared ones, say), how many of its questions were taken for a
request: every one is a question that would get the digest instead of its answer.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from bot.core import asks_whats_new, read_cases

from .tune import FIXTURES


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.news_requests", description=__doc__
    )
    parser.add_argument("requests", nargs="*", type=Path, default=[FIXTURES / "whats_new.jsonl"])
    parser.add_argument("--english", nargs="*", type=Path, default=[], metavar="SET")
    args = parser.parse_args(argv)
    for path in args.requests:
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
        wanted = [r["q"] for r in rows if r["whats_new"]]
        others = [r["q"] for r in rows if not r["whats_new"]]
        missed = [q for q in wanted if not asks_whats_new(q)]
        alarms = [q for q in others if asks_whats_new(q)]
        print(
            f"{path}: {len(wanted) - len(missed)} of {len(wanted)} requests told,"
            f" {len(alarms)} of {len(others)} near misses taken for one"
        )
        for q in missed:
            print(f"  missed: {q}")
        for q in alarms:
            print(f"  false alarm: {q}")
    for path in args.english:
        questions = [c.q for c in read_cases(path)]
        taken = [q for q in questions if asks_whats_new(q)]
        print(f"{path}: {len(taken)} of {len(questions)} questions taken for a request")
        for q in taken:
            print(f"  {q}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
