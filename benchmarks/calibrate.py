"""Fit how sure each answer is (``bot.core.confidence``), and check it on unfitted data.

    python -m benchmarks.calibrate TRAIN_DIR EVAL_DIR [--model NAME|words ...] [--cache DIR]
                                   [--squad-limit N] [--selqa-articles N] [--write]

``TRAIN_DIR`` is the shared training folder: ``selqa/`` (its ``ass`` dev and test files,
Apache-2.0) and ``squad-dev-rest.jsonl`` (the SQuAD questions not in the evaluation set, CC
BY-SA 4.0, asked of ``EVAL_DIR/squad-dev/knowledge``). ``EVAL_DIR`` is the shared evaluation
folder.

The fit. Every training question is asked three ways, as the bot asks, and each quote the
abstention rules let through is an example, right or wrong:

- asked of the knowledge as it is (``ASKED``);
- as if the knowledge did not hold its answer: the ranked candidates less those that answer
  it, decided on as the engine decides (``Answerer.decide``); every quote is a near miss on
  the question's own subject, as WikiQA's unanswerable questions get (``NEAR_MISS``);
- without its whole article, for a seeded sample of articles (``ELSEWHERE``).

A logistic regression (Newton's method, a small ridge) over the signals makes the
probability. Every fourth question of each shared evaluation set (the tuning quarter) chooses
how steep the fit's logit is and where its middle lies (``platt``, two numbers folded into the
weights), which makes its scale true to questions asked of such knowledge rather than to the
training sets' mix; and how much each kind weighs (the prior: how often people ask what the
knowledge does not hold), from a small grid, as the one whose fit, so scaled, is best
calibrated on them. On five-fold cross-validation within half of each set, scaling took the
expected calibration error from 0.065 to 0.046 (all-MiniLM-L6-v2); an isotonic map in its
place did as well there (0.048) but checked worse on the other half (0.072, three bands over
0.1 off), its wide flat steps fitted to noise.

The check is the other three quarters of each set, with the project's own sets
(``tests/fixtures``: the dated sets and the yes-or-no questions), used for nothing else: the
reliability table, the expected calibration error (ECE, ten bands), by set and pooled, and
with ``--write`` the diagram ``docs/reliability.svg``, the page ``docs/calibration.md`` and
the fitted weights in ``bot/core/calibrations.py``. Three quarters, not a half: a band of 40
quotes whose probability is right still misses its mean by more than 0.1 one time in five, by
chance alone, so with half of each set to check, a perfect calibration would keep all ten
bands within 0.1 only about one time in three; with 1,000 quotes and more, three times in
four. Also printed, on the whole sets: what each ``min_confidence`` would cost and gain.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.core import KNOWN_MODELS, Answerer, AnswerOptions, EvalCase, read_cases
from bot.core.answer import NEAREST
from bot.core.calibrations import CALIBRATIONS, WORDS
from bot.core.confidence import FEATURES, Calibration, Signals
from bot.core.errors import QuestionError
from bot.core.evaluation import Band, reliability
from bot.core.search.sentence_table import text_key

from .tune import ROOT, QuestionSet, _answerer, _with, load_sets, own_sets

RIDGE = 1.0
SQUAD_LIMIT = 2000
SELQA_ARTICLES = 100  # held out one at a time, each a fresh index: seconds apiece
TUNE_EVERY = 4  # every fourth question of a shared set tunes; the rest check
THRESHOLDS = (0.0, 0.02, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3)
PAGE_HEAD = [
    "# How sure an answer is: the calibration, checked",
    "",
    "Written by `python -m benchmarks.calibrate TRAIN_DIR EVAL_DIR --write` (see its docstring).",
    "Each answer's probability of being right is a logistic fit over the engine's signals",
    "(`bot/core/confidence.py`), fitted on SelQA and the SQuAD development questions outside",
    "the evaluation set. A quarter of each shared evaluation set (every fourth question) chooses",
    "the prior (how much near misses and questions on other subjects weigh, from a grid) and",
    "the scale of the fit's logit (Platt scaling: a slope and an offset). The tables below are",
    "the other three quarters, with the project's own sets (`tests/fixtures`: the dated sets and",
    "the yes-or-no questions), used for nothing else: the briefing's questions, the same in",
    "other words, SQuAD (also with each question's article held out, where every quote is",
    "wrong), WikiQA and ours. A band's share right should be close to its mean probability;",
    "with 40 quotes in a band, chance alone moves it more than 0.1 one time in five.",
    "",
    "![reliability](reliability.svg)",
    "",
]


ASKED, NEAR_MISS, ELSEWHERE = "asked", "near miss", "elsewhere"


@dataclass
class Example:
    """One quote: its signals, whether it was right, and how the question was put.

    ``kind``: ``ASKED`` of the knowledge as it is; ``NEAR_MISS`` as if its answer were not
    there; ``ELSEWHERE`` without its whole article.
    """

    signals: Signals
    right: bool
    kind: str
    question: str


def _right(case: EvalCase, sentence: str) -> bool:
    """Whether a quote answers: as ``eval`` judges, or (SelQA) a part of an answer sentence.

    SelQA's sentences were split by another splitter than ours; a sentence of ours that is a
    long enough piece of one of its answer sentences is that answer.
    """
    if case.is_right(sentence):
        return True
    key = text_key(sentence)
    return len(key) >= 30 and any(key in text_key(a) for a in case.accept or ())


def selqa(train_dir: Path, out: Path) -> list[EvalCase]:
    """SelQA as knowledge (a Markdown file an article, a section a heading) and questions."""
    records = []
    for name in ("selqa-ass-dev.json", "selqa-ass-test.json"):
        records += json.loads((train_dir / "selqa" / name).read_text(encoding="utf-8"))
    articles: dict[str, dict[str, list[str]]] = {}
    cases = []
    for record in records:
        sections = articles.setdefault(record["article"], {})
        sections.setdefault(record["section"], record["candidates"])
        accept = [record["candidates"][i] for i in record["answers"]]
        file = f"{list(articles).index(record['article']) + 1:04d}.md"
        cases.append(EvalCase(q=record["question"], accept=accept, file=file))
    out.mkdir(parents=True, exist_ok=True)
    for number, (article, sections) in enumerate(articles.items(), start=1):
        lines = [f"# {article}", ""]
        for section, sentences in sections.items():
            lines += [f"## {section}", "", " ".join(sentences), ""]
        (out / f"{number:04d}.md").write_text("\n".join(lines), encoding="utf-8")
    return cases


def squad_rest(train_dir: Path, limit: int) -> list[EvalCase]:
    """A seeded sample of the SQuAD questions that are not in the evaluation set."""
    cases = read_cases(train_dir / "squad-dev-rest.jsonl")
    random.Random(0).shuffle(cases)
    return cases[:limit]


def examples(answerer: Answerer, cases: Iterable[EvalCase]) -> Iterator[Example]:
    """Each case's quote, then the quote it would get were its answer not in the knowledge."""
    text = answerer.index.entries.text
    for case in cases:
        try:
            read = answerer.read(case.q)
        except QuestionError:
            continue
        if answerer.meaning is None and not read.terms:
            continue
        reading = answerer.meaning.read(read.text) if answerer.meaning is not None else None
        ranked = answerer.rank(read, 3 * NEAREST, reading)
        answer = answerer.decide(read, ranked[:NEAREST], reading, 1)
        if answer.signals is not None and answer.best is not None:
            yield Example(answer.signals, _right(case, answer.best.text), ASKED, case.q)
        rest = [(i, s) for i, s in ranked if not _right(case, text(i))][:NEAREST]
        answer = answerer.decide(read, rest, reading, 1)
        if answer.signals is not None:
            yield Example(answer.signals, False, NEAR_MISS, case.q)


def held_out_examples(
    answerer: Answerer, cases: Sequence[EvalCase], files: int
) -> Iterator[Example]:
    """The quotes of questions asked without their own file (a seeded ``files`` of them).

    Every such quote is wrong, and unlike the near misses of ``examples`` it comes from
    another article on another subject: what a question the knowledge never covered gets.
    """
    by_file: dict[str, list[EvalCase]] = {}
    for case in cases:
        if case.file is not None:
            by_file.setdefault(case.file, []).append(case)
    chosen = sorted(by_file)
    random.Random(0).shuffle(chosen)
    for file in chosen[:files]:
        without = answerer.without(file)
        for case in by_file[file]:
            try:
                answer = without.ask(case.q, 1)
            except QuestionError:
                continue
            if answer.signals is not None:
                yield Example(answer.signals, False, ELSEWHERE, case.q)


Prior = dict[str, float]  # kind of question -> its share of the questions people ask
PRIORS: tuple[Prior, ...] = tuple(
    {ASKED: 1.0, NEAR_MISS: near, ELSEWHERE: elsewhere}
    for near in (0.0, 0.1, 0.2, 0.3, 0.5)
    for elsewhere in (0.25, 0.5, 1.0)
)


def _newton(
    z: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    share: npt.NDArray[np.float64] | float,
    ridge: npt.NDArray[np.float64],
    start: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Weighted logistic regression of ``y`` on ``z`` by Newton's method.

    Each row weighs ``share``; the weights start at ``start`` and ``ridge`` (one a column)
    shrinks them towards it.
    """
    w = start.copy()
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (share * (p - y)) + ridge * (w - start)
        hessian = (z * (share * p * (1 - p))[:, None]).T @ z + np.diag(ridge)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def fit(found: Sequence[Example], prior: Prior, name: str) -> Calibration:
    """L2-regularised logistic regression by Newton's method, on standardised features.

    Each kind of question weighs as ``prior`` says, shared evenly by its quotes: how often
    people ask what the knowledge does not hold is a property of who asks, not of the
    training sets, which hold one near miss for every question.
    """
    x = np.array([e.signals.features() for e in found], dtype=np.float64)
    y = np.array([e.right for e in found], dtype=np.float64)
    quotes: dict[str, int] = {}
    for e in found:
        quotes[e.kind] = quotes.get(e.kind, 0) + 1
    share = np.array([prior[e.kind] / quotes[e.kind] for e in found])
    share *= len(found) / share.sum()
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0  # a signal words alone lack stays 0, and its weight with it
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    ridge = np.full(z.shape[1], RIDGE)
    ridge[-1] = 0.0  # the bias is not shrunk
    w = _newton(z, y, share, ridge, np.zeros(z.shape[1]))
    weights = w[:-1] / scale
    bias = float(w[-1] - (w[:-1] * mean / scale).sum())
    return Calibration(
        weights=tuple(round(float(v), 5) for v in weights),
        bias=round(bias, 5),
        fitted_on=name,
    )


def platt(calibration: Calibration, found: Sequence[tuple[Signals, bool]]) -> Calibration:
    """``calibration`` with its logit scaled and shifted to fit ``found`` (Platt scaling).

    ``found`` are quotes' signals and whether each was right. A logistic regression of
    rightness on the fit's own logit finds the slope and the offset; both fold into the
    weights and the bias, so the result is a logistic fit as before.
    """
    z = np.array([calibration.logit(signals) for signals, _ in found], dtype=np.float64)
    y = np.array([right for _, right in found], dtype=np.float64)
    design = np.stack([z, np.ones_like(z)], axis=1)
    # shrunk towards slope 1 and offset 0: the fit as it stands
    w = _newton(design, y, 1.0, np.array([RIDGE / len(z), 0.0]), np.array([1.0, 0.0]))
    slope, offset = float(w[0]), float(w[1])
    return calibration.model_copy(
        update={
            "weights": tuple(round(slope * v, 5) for v in calibration.weights),
            "bias": round(slope * calibration.bias + offset, 5),
        }
    )


@dataclass
class Outcome:
    """What one question of a check set got: its quote's signals, and whether it was right."""

    answerable: bool
    signals: Signals | None  # None: no quote
    right: bool


def outcomes(question_set: QuestionSet, options: AnswerOptions) -> list[Outcome]:
    """Ask a check set with no confidence floor; the signals do not depend on the fit."""
    found = []
    for case in question_set.cases:
        held = question_set.held_out.get(case.file or "") if question_set.held_out else None
        answer = _with(held or question_set.answerer, options).ask(case.q, 1)
        answerable = case.answerable and held is None
        right = answer.best is not None and answerable and case.is_right(answer.best.text)
        found.append(Outcome(answerable, answer.signals, right))
    return found


def points(found: Iterable[Outcome], calibration: Calibration) -> list[tuple[float, bool]]:
    """Each quote's probability under ``calibration``, and whether it was right."""
    return [(calibration.probability(o.signals), o.right) for o in found if o.signals]


def badly_off(bands: Sequence[Band]) -> int:
    """Bands of 30 quotes or more whose share right is over 0.1 from their mean probability."""
    return sum(b.quotes >= 30 and abs(b.mean_probability - b.share_right) > 0.1 for b in bands)


def at_floor(name: str, found: Sequence[Outcome], calibration: Calibration, floor: float) -> str:
    """A set's figures had quotes below ``floor`` been refused."""
    kept = [o for o in found if o.signals and calibration.probability(o.signals) >= floor]
    answerable = sum(o.answerable for o in found)
    unanswerable = len(found) - answerable
    parts = [name]
    if answerable:
        parts.append(f"P@1 {sum(o.right for o in kept) / answerable:.3f}")
    if unanswerable:
        refused = unanswerable - sum(not o.answerable for o in kept)
        parts.append(f"refused {refused}/{unanswerable} ({refused / unanswerable:.3f})")
    return " ".join(parts)


def table(bands: Sequence[Band]) -> list[str]:
    """The reliability table, as Markdown rows."""
    rows = ["| band | quotes | mean probability | share right |", "|---|---|---|---|"]
    rows += [
        f"| {b.low:.1f}-{b.high:.1f} | {b.quotes} | {b.mean_probability:.3f}"
        f" | {b.share_right:.3f} |"
        for b in bands
    ]
    return rows


def svg(panels: Sequence[tuple[str, list[Band], float]]) -> str:
    """A reliability diagram a panel a configuration: share right against probability."""
    size, pad, gap = 220, 40, 30
    width = len(panels) * (size + pad + gap) + gap
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{size + 2 * pad + 20}"'
        ' font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{size + 2 * pad + 20}" fill="white"/>',
    ]
    for n, (name, bands, error) in enumerate(panels):
        x0, y0 = gap + pad + n * (size + pad + gap), pad
        out.append(f'<text x="{x0}" y="{y0 - 12}" font-weight="bold">{name}</text>')
        out.append(
            f'<rect x="{x0}" y="{y0}" width="{size}" height="{size}" fill="none" stroke="#999"/>'
        )
        out.append(
            f'<line x1="{x0}" y1="{y0 + size}" x2="{x0 + size}" y2="{y0}" stroke="#bbb"'
            ' stroke-dasharray="4 3"/>'
        )
        for tick in range(0, 11, 2):
            t = tick / 10
            out.append(f'<text x="{x0 + t * size - 6}" y="{y0 + size + 14}">{t:.1f}</text>')
            out.append(f'<text x="{x0 - 26}" y="{y0 + size - t * size + 4}">{t:.1f}</text>')
        total = sum(b.quotes for b in bands) or 1
        for b in bands:
            cx, cy = x0 + b.mean_probability * size, y0 + size - b.share_right * size
            r = 2 + 10 * (b.quotes / total) ** 0.5
            out.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="#3465a4"'
                ' fill-opacity="0.6"/>'
            )
        out.append(
            f'<text x="{x0}" y="{y0 + size + 32}">probability (x) vs share right (y);'
            f" ECE {error:.3f}</text>"
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def calibrations_module(fitted: dict[str, Calibration]) -> str:
    """``bot/core/calibrations.py`` holding the fitted weights, as ruff formats it."""
    lines = [
        '"""The fitted calibrations (``confidence``), as ``benchmarks.calibrate`` wrote them.',
        "",
        "Do not edit by hand: run ``python -m benchmarks.calibrate`` again (docs/calibration.md).",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Mapping",
        "from types import MappingProxyType",
        "from typing import Final",
        "",
        "from bot.core.confidence import Calibration",
        "",
        'WORDS: Final = "words"  # the key of the calibration for answering by words alone',
        "",
        "CALIBRATIONS: Final[Mapping[str, Calibration]] = MappingProxyType(",
        "    {",
    ]
    for name, calibration in fitted.items():
        lines += [f"        {json.dumps(name)}: Calibration(", "            weights=("]
        lines += [
            f"                {weight!r},  # {feature}"
            for weight, feature in zip(calibration.weights, FEATURES, strict=True)
        ]
        lines += ["            ),", f"            bias={calibration.bias!r},"]
        lines.append("            fitted_on=(")
        lines += [
            f"                {json.dumps(piece)}"
            for piece in textwrap.wrap(calibration.fitted_on, 70, drop_whitespace=False)
        ]
        lines += ["            ),", "        ),"]
    lines += ["    }", ")", ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.calibrate", description=__doc__)
    parser.add_argument("train_dir", type=Path, help="the shared training folder")
    parser.add_argument("eval_dir", type=Path, help="the shared evaluation folder (checked)")
    parser.add_argument(
        "--model",
        action="append",
        choices=[*KNOWN_MODELS, WORDS],
        help="a sentence model, or words; again for more (default: all)",
    )
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "briefing-bot-tune"
    )
    parser.add_argument("--squad-limit", type=int, default=SQUAD_LIMIT, metavar="N")
    parser.add_argument("--selqa-articles", type=int, default=SELQA_ARTICLES, metavar="N")
    parser.add_argument("--write", action="store_true", help="write the weights and the docs")
    args = parser.parse_args(argv)
    names = args.model or [*KNOWN_MODELS, WORDS]
    selqa_cases = selqa(args.train_dir, args.cache / "selqa-knowledge")
    squad_cases = squad_rest(args.train_dir, args.squad_limit)
    fitted = dict(CALIBRATIONS)  # those not fitted now are written back as they were
    panels, page = [], []
    for name in names:
        model = None if name == WORDS else name
        found: list[Example] = []
        for knowledge, cases, label, files in (
            (args.cache / "selqa-knowledge", selqa_cases, "selqa", args.selqa_articles),
            (
                args.eval_dir / "squad-dev" / "knowledge",
                squad_cases,
                "squad-dev",
                len(squad_cases),
            ),
        ):
            answerer = _answerer(knowledge, args.cache / label, model)
            answerer = _with(
                answerer,
                answerer.options.model_copy(
                    update={"min_confidence": 0, "words_min_confidence": 0}
                ),
            )
            found += examples(answerer, cases)
            found += held_out_examples(answerer, cases, files)
        kinds = {k: sum(e.kind == k for e in found) for k in (ASKED, NEAR_MISS, ELSEWHERE)}
        right = sum(e.right for e in found)
        print(f"{name}: {len(found)} training quotes ({right} right), {kinds}", flush=True)
        base = AnswerOptions() if model is None else AnswerOptions.for_model(model)
        options = base.model_copy(update={"min_confidence": 0.0, "words_min_confidence": 0.0})
        sets = load_sets(args.eval_dir, args.knowledge, args.cache, model)
        asked = {s.name: outcomes(s, options) for s in sets}
        # A quarter of each set chooses the prior and the scaling (four numbers); the rest,
        # and the project's own sets, never used to fit or choose anything, check the result.
        tune = [o for found_ in asked.values() for o in found_[0::TUNE_EVERY]]
        checked = {
            n: [o for i, o in enumerate(found_) if i % TUNE_EVERY] for n, found_ in asked.items()
        }
        for own in own_sets(args.knowledge, args.cache, model):
            checked[own.name] = outcomes(own, options)
        label = f"selqa ass dev+test, squad-dev-rest ({len(found)} quotes)"
        candidates = []
        scaling = [(o.signals, o.right) for o in tune if o.signals]
        for prior in PRIORS:  # each prior as it will be used: fitted, then scaled
            calibration = platt(fit(found, prior, label), scaling)
            table_ = reliability(points(tune, calibration))
            candidates.append((table_.error or 1.0, badly_off(table_.bands), prior, calibration))
        error, _, prior, calibration = min(candidates, key=lambda c: (c[0], c[1]))
        print(f"{name}: prior {prior}, scaled (ECE {error:.3f} on the tuning quarters)")
        calibration = calibration.model_copy(
            update={
                "fitted_on": f"{label}, kinds weighed {prior[NEAR_MISS]:g} near misses"
                f" and {prior[ELSEWHERE]:g} elsewhere to 1 asked, scaled on a quarter of"
                " the shared evaluation sets"
            }
        )
        fitted[name] = calibration
        pooled = reliability([p for f in checked.values() for p in points(f, calibration)])
        error = pooled.error or 0.0
        print(f"{name}: checked on {pooled.quotes} quotes, ECE {error:.3f}")
        print("\n".join(table(pooled.bands)))
        by_set = []
        for set_name, found_ in checked.items():
            one = reliability(points(found_, calibration))
            if one.error is not None:
                by_set.append(f"{set_name} {one.quotes} quotes, ECE {one.error:.3f}")
        print("  " + "; ".join(by_set))
        for floor in THRESHOLDS:
            cells = " | ".join(at_floor(n, f, calibration, floor) for n, f in asked.items())
            print(f"  min_confidence {floor:.2f}: {cells}")
        panels.append((name, pooled.bands, error))
        page += [
            f"### {name}",
            "",
            f"Prior: {prior[NEAR_MISS]:g} near misses and {prior[ELSEWHERE]:g} questions on"
            " other subjects to 1 asked of the knowledge that holds the answer.",
            f"Checked on {pooled.quotes} quotes; ECE {error:.3f}; bands of 30 or more quotes"
            f" over 0.1 off: {badly_off(pooled.bands)}.",
            "",
            *table(pooled.bands),
            "",
            "By set: " + "; ".join(by_set) + ".",
            "",
        ]
    if args.write:
        (ROOT / "bot" / "core" / "calibrations.py").write_text(
            calibrations_module(fitted), encoding="utf-8"
        )
        (ROOT / "docs").mkdir(exist_ok=True)
        (ROOT / "docs" / "reliability.svg").write_text(svg(panels), encoding="utf-8")
        (ROOT / "docs" / "calibration.md").write_text(
            "\n".join([*PAGE_HEAD, *page]), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
