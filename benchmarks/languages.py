"""How well questions in other languages are told from English ones (``bot.core.language``).

    python -m benchmarks.languages [ENGLISH_SET.jsonl ...]

Prints, for the project's set of questions in other languages
(``tests/fixtures/other_languages.jsonl``), how many of each language were told from English
and how many named rightly; then, for each English question set given (the shared ones, say)
and the project's own, how many of its questions were taken for another language (the false
alarms, which cost an English question its answer), with each one, and the time a question.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bot.core import LanguageReader, read_cases

from .tune import FIXTURES, OWN_SETS

OTHER_LANGUAGES = FIXTURES / "other_languages.jsonl"
OWN_ENGLISH = (
    FIXTURES / "dev_questions.jsonl",
    FIXTURES / "paraphrase_questions.jsonl",
    FIXTURES / "squad-dev" / "questions.jsonl",
    *(FIXTURES / questions for _, questions, _ in OWN_SETS),
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.languages", description=__doc__)
    parser.add_argument("english", nargs="*", type=Path, help="English question sets (JSON lines)")
    args = parser.parse_args(argv)
    reader = LanguageReader()
    reader.foreign("warm up: the model loads on the first question")
    items = [json.loads(line) for line in OTHER_LANGUAGES.read_text("utf-8").splitlines()]
    told, named, asked = Counter[str](), Counter[str](), Counter[str]()
    for item in items:
        found = reader.foreign(item["q"])
        asked[item["lang"]] += 1
        told[item["lang"]] += found is not None
        named[item["lang"]] += found == item["lang"]
        if found != item["lang"]:
            print(f"  {item['lang']}: {found or 'English'} <- {item['q']}")
    for language in sorted(asked, key=lambda k: -asked[k]):
        print(f"{language}: {told[language]}/{asked[language]} told, {named[language]} named")
    total = len(items)
    print(f"all: {sum(told.values())}/{total} told, {sum(named.values())}/{total} named")
    for path in [*args.english, *OWN_ENGLISH]:
        questions = [c.q for c in read_cases(path)]
        started = time.perf_counter()
        alarms = [(q, found) for q in questions if (found := reader.foreign(q))]
        each = (time.perf_counter() - started) / max(1, len(questions)) * 1000
        print(
            f"{path}: {len(alarms)} of {len(questions)} taken for another language"
            f" ({each:.2f} ms a question)"
        )
        for question, found in alarms:
            print(f"  {found} <- {question}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
