"""Sweep the answer options of one sentence model over every shared question set at once.

    python -m benchmarks.tune EVAL_DIR [--model NAME] [--cache DIR] [--set NAME=V1,V2 ...]

``EVAL_DIR`` holds the question sets as the shared evaluation folder lays them out:
``dev_questions.jsonl`` and ``paraphrase_questions.jsonl`` (asked of the bundled briefing,
``--knowledge``), and ``squad-dev/`` and ``wikiqa-dev/``, each with its ``questions.jsonl`` and
``knowledge/``. Every combination of the ``--set`` values is asked of all of them, SQuAD also
held out (each question without its own article), and one line a combination prints every
figure, so a setting is chosen on all the sets together, never on one question. The
project's own sets (``tests/fixtures``: the dated briefings and news, the yes-or-no questions)
are asked too.

Each set's knowledge is indexed and embedded once (vectors kept under ``--cache``), and the
model's readings of questions and sentences are remembered across combinations, so a
combination costs only the ranking: seconds, not the minutes of ``python -m bot eval``. The
figures are those ``eval`` prints for the same options (the same ``Answerer``, the same
``evaluate``).
"""

from __future__ import annotations

import argparse
import copy
import itertools
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core import (
    DEFAULT_MODEL,
    KNOWN_MODELS,
    Answerer,
    AnswerOptions,
    EngineConfig,
    EvalCase,
    build_answerer,
    evaluate,
    load_encoder,
    read_cases,
)
from bot.core.analysis.encoder import Progress, SentenceEncoder, TokenStates, Vectors
from bot.core.search.vectors import Meaning
from bot.model_install import default_model_dir

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MAX_FILE_BYTES = 5 * 1024 * 1024
OWN_SETS = (  # the project's own question sets: (name, questions, knowledge)
    ("dated-news", "dated-news/questions.jsonl", "dated-news/knowledge"),
    ("dated-briefings", "dated-briefings/questions.jsonl", "dated-briefings/knowledge"),
    ("polar_questions", "polar_questions.jsonl", None),  # the bundled briefing
)


class RememberingEncoder:
    """The encoder, remembering each text's reading: the same text reads the same each time."""

    def __init__(self, encoder: SentenceEncoder) -> None:
        self._encoder = encoder
        self._tokens: dict[str, TokenStates] = {}
        self.identity = encoder.identity
        self.dimension = encoder.dimension

    def encode_tokens(self, text: str) -> TokenStates:
        """The text's reading, made once."""
        if (known := self._tokens.get(text)) is None:
            known = self._tokens[text] = self._encoder.encode_tokens(text)
        return known

    def encode(self, texts: Sequence[str], *, progress: Progress | None = None) -> Vectors:
        """Sentence vectors, as the encoder makes them (only new documents ask)."""
        return self._encoder.encode(texts, progress=progress)


@dataclass
class QuestionSet:
    """A question set and the answerers that take it (held out: one for each file)."""

    name: str
    cases: list[EvalCase]
    answerer: Answerer
    held_out: dict[str, Answerer]  # file -> the answerer without it; empty: not held out


def _answerer(knowledge: Path, cache: Path, model: str | None) -> Answerer:
    """The knowledge's answerer with ``model`` (``None``: words alone), cached in ``cache``.

    Its options are those the bot runs with (the model's measured ones; words alone, the
    default model's, as ``Settings.engine`` gives them), so a benchmark that asks it directly
    measures what users get.
    """
    config = EngineConfig(
        knowledge_dir=knowledge,
        max_file_bytes=MAX_FILE_BYTES,
        cache_dir=cache,
        options=AnswerOptions.for_model(model or DEFAULT_MODEL),
        model_dir=default_model_dir(model) if model else None,
        known_model=model,
    )
    answerer = build_answerer(config, load_encoder(config))
    if model is None:
        return answerer
    if answerer.meaning is None:
        sys.exit(
            f"the sentence model {model} is not installed: "
            f"python -m bot model install --model {model}"
        )
    meaning = answerer.meaning
    remembering = RememberingEncoder(meaning.encoder)  # type: ignore[arg-type]
    return answerer.with_meaning(Meaning(meaning.vectors, remembering))


def load_sets(
    eval_dir: Path, knowledge: Path, cache: Path, model: str | None
) -> list[QuestionSet]:
    """The shared sets found in ``eval_dir``, each with its answerer built once.

    ``model`` ``None`` answers by words alone.
    """
    sets: list[QuestionSet] = []
    briefing = None
    for name in ("dev_questions", "paraphrase_questions"):
        path = eval_dir / f"{name}.jsonl"
        if path.is_file():
            briefing = briefing or _answerer(knowledge, cache / "briefing", model)
            sets.append(QuestionSet(name, read_cases(path), briefing, {}))
    for name in ("squad-dev", "wikiqa-dev"):
        folder = eval_dir / name
        if not (folder / "questions.jsonl").is_file():
            continue
        answerer = _answerer(folder / "knowledge", cache / name, model)
        cases = read_cases(folder / "questions.jsonl")
        sets.append(QuestionSet(name, cases, answerer, {}))
        if name == "squad-dev":
            files = sorted({c.file for c in cases if c.file})
            without = {f: answerer.without(f) for f in files}
            sets.append(QuestionSet("squad-held-out", cases, answerer, without))
    return sets


def own_sets(knowledge: Path, cache: Path, model: str | None) -> list[QuestionSet]:
    """The project's own question sets (``tests/fixtures``), each with its answerer.

    ``knowledge`` is the bundled briefing's folder, which the yes-or-no questions are asked of.
    """
    return [
        QuestionSet(
            name,
            read_cases(FIXTURES / questions),
            _answerer(FIXTURES / folder if folder else knowledge, cache / f"own-{name}", model),
            {},
        )
        for name, questions, folder in OWN_SETS
    ]


def _with(answerer: Answerer, options: AnswerOptions) -> Answerer:
    changed = copy.copy(answerer)
    changed.options = options
    return changed


def figures(question_set: QuestionSet, options: AnswerOptions) -> str:
    """One set's figures under ``options``, as short as a table cell."""
    if question_set.held_out:
        answered = sum(
            _with(question_set.held_out[c.file], options).ask(c.q).best is not None
            for c in question_set.cases
            if c.file
        )
        return f"held-out {answered / len(question_set.cases):.3f}"
    answerer = _with(question_set.answerer, options)
    report = evaluate(question_set.cases, lambda q: answerer.ask(q, 10))
    unanswerable = report.questions - report.answerable
    refused = f" refused {report.abstained_right}/{unanswerable}" if unanswerable else ""
    return (
        f"{question_set.name} P@1 {report.p_at_1:.3f} MRR {report.mrr_at_10:.3f}{refused}"
        f" lost {report.abstained_wrong}"
    )


def grid(settings: Sequence[str]) -> list[dict[str, float]]:
    """Every combination of ``NAME=V1,V2`` settings."""
    axes: list[list[tuple[str, float]]] = []
    for setting in settings:
        name, _, values = setting.partition("=")
        if name not in AnswerOptions.model_fields:
            sys.exit(f"{name} is not an answer option")
        axes.append([(name, float(v)) for v in values.split(",")])
    return [dict(combination) for combination in itertools.product(*axes)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tune", description=__doc__)
    parser.add_argument("eval_dir", type=Path, help="folder of the shared question sets")
    parser.add_argument("--model", choices=list(KNOWN_MODELS), default=DEFAULT_MODEL)
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "briefing-bot-tune"
    )
    parser.add_argument("--set", action="append", default=[], metavar="NAME=V1,V2")
    args = parser.parse_args(argv)
    sets = load_sets(args.eval_dir, args.knowledge, args.cache, args.model)
    sets += own_sets(args.knowledge, args.cache, args.model)
    for chosen in grid(args.set):
        options = AnswerOptions.for_model(args.model, **chosen)
        cells = [figures(s, options) for s in sets]
        label = " ".join(f"{k}={v:g}" for k, v in chosen.items()) or "as measured"
        print(f"{label} | " + " | ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
