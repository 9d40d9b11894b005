"""Follow-up questions with and without the conversation before them (``bot.core.follow_up``).

    python -m benchmarks.follow_ups [--model NAME | --words] [--knowledge DIR] [SET.jsonl]

Each line of the set (``tests/fixtures/follow_ups.jsonl`` by default) is a pair: ``first``, a
question, then ``then``, asked next, with the sentences that answer it (``accept``, empty: none
does). ``complete`` marks a ``then`` that is a whole question of its own, which context must
not spoil. Prints how many of each kind are right asked alone and asked after ``first`` (with
the sentence that answered it), and every pair whose outcome context changes.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from bot.core import DEFAULT_MODEL, KNOWN_MODELS, Answer, answer_follow_up

from .tune import FIXTURES, ROOT, _answerer

FOLLOW_UPS = FIXTURES / "follow_ups.jsonl"


def right(answer: Answer, accept: list[str]) -> bool:
    """Whether the answer quotes an accepted sentence, or, with none accepted, declines."""
    best = answer.best
    if not accept:
        return best is None
    return best is not None and any(a.lower() in best.text.lower() for a in accept)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.follow_ups", description=__doc__)
    parser.add_argument("set", nargs="?", type=Path, default=FOLLOW_UPS)
    parser.add_argument("--model", choices=list(KNOWN_MODELS), default=DEFAULT_MODEL)
    parser.add_argument("--words", action="store_true", help="answer by words alone")
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/briefing-bot-follow-ups"))
    args = parser.parse_args(argv)
    answerer = _answerer(args.knowledge, args.cache, None if args.words else args.model)
    pairs = [json.loads(line) for line in args.set.read_text("utf-8").splitlines() if line]
    counts = {kind: [0, 0, 0] for kind in ("follow-up", "complete")}  # alone, after, asked
    for pair in pairs:
        first = answerer.ask(pair["first"])
        sentence = first.best.text if first.best is not None else None
        alone = right(answerer.ask(pair["then"]), pair["accept"])
        followed = answer_follow_up(answerer, pair["then"], pair["first"], sentence)
        after = right(followed, pair["accept"])
        kind = "complete" if pair.get("complete") else "follow-up"
        counts[kind][0] += alone
        counts[kind][1] += after
        counts[kind][2] += 1
        if alone != after:
            got = followed.best.text[:70] if followed.best else "(no answer)"
            print(f"  {'gained' if after else 'LOST'}: {pair['first']} / {pair['then']} -> {got}")
    mode = "words alone" if args.words else args.model
    for kind, (alone_right, after_right, asked) in counts.items():
        print(f"{mode}, {kind}: {alone_right}/{asked} right alone, {after_right}/{asked} after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
