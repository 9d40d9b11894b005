"""Measure answer quality on a question set, so admins can test their own knowledge base.

Two formats are read, one JSON object a line:

- ``{"q": ..., "accept": [substring, ...]}``: right when the top sentence contains one of the
  substrings; an empty list means the right answer is no answer at all.
- ``{"q": ..., "answers": [text, ...]}`` (SQuAD style): right when a sentence contains one of
  the answers as a whole word or phrase, case-insensitively. Ranks give MRR@10.

A question may name the knowledge ``file`` that answers it. Asking it of the knowledge without
that file (``held_out``) turns an answerable set into an unanswerable one on nearby topics: a
measure of how often the engine quotes something unrelated instead of saying it does not know.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ValidationError, model_validator

from bot.core.answer import Answerer
from bot.core.errors import BriefingBotError
from bot.core.results import Answer

RANK_DEPTH = 10
BANDS = 10  # reliability bands, each a tenth of the probability's range


class EvalCase(BaseModel):
    """One question and what counts as right."""

    q: str
    accept: list[str] | None = None
    answers: list[str] | None = None
    file: str | None = None  # the knowledge file that answers it, as documents name it

    @model_validator(mode="after")
    def _one_kind(self) -> EvalCase:
        if (self.accept is None) == (self.answers is None):
            raise ValueError('give exactly one of "accept" and "answers"')
        return self

    @property
    def answerable(self) -> bool:
        """Whether the knowledge is expected to answer at all."""
        return bool(self.accept if self.accept is not None else self.answers)

    def is_right(self, sentence: str) -> bool:
        """Whether a quoted sentence answers the question."""
        text = " ".join(sentence.split())
        if self.accept is not None:
            return any(" ".join(a.split()) in text for a in self.accept)
        return any(_whole_phrase(a).search(text) for a in self.answers or [])


def _whole_phrase(answer: str) -> re.Pattern[str]:
    phrase = re.escape(" ".join(answer.split())).replace(r"\ ", r"\s+")
    return re.compile(rf"(?<!\w){phrase}(?!\w)", re.IGNORECASE)


class Failure(BaseModel):
    """A question the engine got wrong, with what it said instead."""

    question: str
    expected: list[str]
    got: str | None


class Band(BaseModel):
    """The quotes whose probability of being right fell in one band, and how many were right."""

    low: float
    high: float
    quotes: int
    mean_probability: float
    share_right: float


class Reliability(BaseModel):
    """How well the stated probabilities match how often quotes were right.

    ``error`` is the expected calibration error: the gap between each band's mean probability
    and its share right, weighed by the quotes in it. ``None`` when nothing was quoted.
    """

    quotes: int
    error: float | None
    bands: list[Band]


def reliability(points: list[tuple[float, bool]]) -> Reliability:
    """The reliability of ``points``, each a quote's (probability, right)."""
    inside: list[list[tuple[float, bool]]] = [[] for _ in range(BANDS)]
    for probability, right in points:
        inside[min(int(probability * BANDS), BANDS - 1)].append((probability, right))
    bands = [
        Band(
            low=b / BANDS,
            high=(b + 1) / BANDS,
            quotes=len(band),
            mean_probability=sum(p for p, _ in band) / len(band),
            share_right=sum(r for _, r in band) / len(band),
        )
        for b, band in enumerate(inside)
        if band
    ]
    error = sum(b.quotes * abs(b.mean_probability - b.share_right) for b in bands)
    return Reliability(
        quotes=len(points), error=error / len(points) if points else None, bands=bands
    )


class EvalReport(BaseModel):
    """Quality figures over a question set.

    ``p_at_1`` and ``mrr_at_10`` are ``None`` when no question is answerable: a set of
    questions to refuse says nothing about ranking, and a perfect score would claim it did.
    """

    questions: int
    answerable: int
    p_at_1: float | None
    mrr_at_10: float | None
    abstained_right: int
    abstained_wrong: int
    answered_wrongly_unanswerable: int
    failures: list[Failure]
    reliability: Reliability


def read_cases(path: Path) -> list[EvalCase]:
    """Read a question set, naming the line of any malformed entry."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BriefingBotError(f"{path}: cannot read question set: {exc}") from None
    cases = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            cases.append(EvalCase.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            reason = (
                str(exc).splitlines()[0]
                if isinstance(exc, json.JSONDecodeError)
                else (exc.errors()[0]["msg"])
            )
            raise BriefingBotError(f"{path}:{number}: not a question entry: {reason}") from None
    if not cases:
        raise BriefingBotError(f"{path}: no questions")
    return cases


def evaluate(cases: list[EvalCase], ask: Callable[[str], Answer]) -> EvalReport:
    """Ask every question; ``ask`` should return up to ``RANK_DEPTH`` matches."""
    hits = reciprocal = 0.0
    abstained_right = abstained_wrong = answered_unanswerable = 0
    failures = []
    points: list[tuple[float, bool]] = []
    for case in cases:
        answer = ask(case.q)
        best = answer.best
        expected = case.accept if case.accept is not None else case.answers or []
        if answer.confidence is not None and best is not None:
            points.append((answer.confidence, case.answerable and case.is_right(best.text)))
        if not case.answerable:
            if best is None:
                abstained_right += 1
            else:
                answered_unanswerable += 1
                failures.append(Failure(question=case.q, expected=[], got=best.text))
            continue
        ranks = [i for i, m in enumerate(answer.matches[:RANK_DEPTH], 1) if case.is_right(m.text)]
        if best is None:
            abstained_wrong += 1
        if ranks:
            reciprocal += 1 / ranks[0]
            hits += ranks[0] == 1
        if not ranks or ranks[0] != 1:
            failures.append(
                Failure(question=case.q, expected=expected, got=best.text if best else None)
            )
    answerable = sum(c.answerable for c in cases)
    return EvalReport(
        questions=len(cases),
        answerable=answerable,
        p_at_1=hits / answerable if answerable else None,
        mrr_at_10=reciprocal / answerable if answerable else None,
        abstained_right=abstained_right,
        abstained_wrong=abstained_wrong,
        answered_wrongly_unanswerable=answered_unanswerable,
        failures=failures,
        reliability=reliability(points),
    )


class HeldOutReport(BaseModel):
    """How often questions were answered by knowledge that lacks their own file."""

    questions: int
    answered: int
    examples: list[Failure]  # the first few questions answered anyway
    reliability: Reliability  # every quote here is wrong: its probabilities should be low

    @property
    def answered_share(self) -> float:
        """Share of questions answered anyway; every one of them is a wrong answer."""
        return self.answered / self.questions if self.questions else 0.0


def held_out(cases: list[EvalCase], answerer: Answerer, examples: int = 10) -> HeldOutReport:
    """Ask each question of the knowledge without its ``file``; any answer is a wrong one.

    The knowledge less a file is indexed once for all the questions that name it.
    """
    files = {d.path for d in answerer.base.documents}
    by_file: dict[str, list[EvalCase]] = {}
    for number, case in enumerate(cases, start=1):
        if case.file is None:
            raise BriefingBotError(f'question {number} has no "file" to hold out')
        if case.file not in files:
            raise BriefingBotError(f"question {number}: {case.file} is not in the knowledge")
        by_file.setdefault(case.file, []).append(case)
    answered: list[Failure] = []
    points: list[tuple[float, bool]] = []
    for file, group in by_file.items():
        without = answerer.without(file)
        for case in group:
            answer = without.ask(case.q)
            if answer.best is not None:
                answered.append(Failure(question=case.q, expected=[], got=answer.best.text))
                points.append((answer.confidence or 0.0, False))
    return HeldOutReport(
        questions=len(cases),
        answered=len(answered),
        examples=answered[:examples],
        reliability=reliability(points),
    )
