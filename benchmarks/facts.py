"""How often a reply's leading fact (``bot.core.facts``) is given, and how often it is right.

    python -m benchmarks.facts EVAL_DIR [--model NAME | --words] [--cache DIR]

Asks the shared sets (the briefing's questions, the same in other words, SQuAD; from
``EVAL_DIR``) and the project's own, and for each prints: questions answered, answers that
lead with a fact, how many of those are right answers, and of those how often the fact is
right. A fact is right when it and an accepted answer overlap: SQuAD's answer spans, or, for
sets that accept sentences by a substring, when the fact is inside the substring the quote
matched ("November 25" inside "delayed until November 25"). A fact on a wrong answer is
counted apart: it can only be as right as its quote.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bot.core import DEFAULT_MODEL, KNOWN_MODELS, Answerer

from .tune import FIXTURES, ROOT, _answerer


def _folded(text: str) -> str:
    return " ".join(text.lower().split())


def fact_is_right(fact: str, sentence: str, case: dict[str, object]) -> bool | None:
    """Whether ``fact`` agrees with the case's answers; ``None`` if the quote is wrong."""
    spans = [str(a) for a in case.get("answers", [])]  # type: ignore[attr-defined]
    accept = [str(a) for a in case.get("accept", [])]  # type: ignore[attr-defined]
    folded, quoted = _folded(fact), _folded(sentence)
    if spans:
        if not any(_folded(a) in quoted for a in spans):
            return None
        return any(_folded(a) in folded or folded in _folded(a) for a in spans)
    matched = [a for a in accept if _folded(a) in quoted]
    if not matched:
        return None
    return any(folded in _folded(a) or _folded(a) in folded for a in matched)


def measure(name: str, answerer: Answerer, cases: list[dict[str, object]]) -> str:
    answered = with_fact = right_answers = right_facts = 0
    wrong: list[str] = []
    for case in cases:
        answer = answerer.ask(str(case["q"]))
        if answer.best is None:
            continue
        answered += 1
        if not answer.fact or answer.doubtful:
            continue
        with_fact += 1
        verdict = fact_is_right(answer.fact, answer.best.text, case)
        if verdict is None:
            continue
        right_answers += 1
        right_facts += verdict
        if not verdict:
            wrong.append(f"    {case['q']} -> {answer.fact}")
    lines = [
        f"{name}: {answered} answered, {with_fact} lead with a fact; of those {right_answers}"
        f" quote a right sentence, and there the fact is right {right_facts} times,"
        f" wrong {right_answers - right_facts}"
    ]
    return "\n".join(lines + wrong[:12])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.facts", description=__doc__)
    parser.add_argument("eval_dir", type=Path)
    parser.add_argument("--model", choices=list(KNOWN_MODELS), default=DEFAULT_MODEL)
    parser.add_argument("--words", action="store_true", help="answer by words alone")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "briefing-bot-tune"
    )
    args = parser.parse_args(argv)
    model = None if args.words else args.model

    def read(path: Path) -> list[dict[str, object]]:
        return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]

    briefing = _answerer(ROOT / "knowledge", args.cache / "briefing", model)
    for name in ("dev_questions", "paraphrase_questions"):
        print(measure(name, briefing, read(args.eval_dir / f"{name}.jsonl")), flush=True)
    for folder in ("squad-dev",):
        answerer = _answerer(args.eval_dir / folder / "knowledge", args.cache / folder, model)
        print(measure(folder, answerer, read(args.eval_dir / folder / "questions.jsonl")))
    for name in ("dated-news", "dated-briefings"):
        answerer = _answerer(FIXTURES / name / "knowledge", args.cache / f"own-{name}", model)
        print(measure(name, answerer, read(FIXTURES / name / "questions.jsonl")), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
