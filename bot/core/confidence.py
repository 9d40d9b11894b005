"""How likely a quote is to be right: a probability, not a score.

A BM25 score or a cosine says how well a sentence matches, on a scale that moves with the
knowledge and the question; people need to know how often such a quote is actually right. So
the signals the engine already has about its best sentence (``Signals``) go through a logistic
fit (``Calibration``), one for each sentence model and one for words alone, fitted on training
questions, its scale set on a quarter of the evaluation sets, and checked on the rest and on
sets that were never fitted (``benchmarks.calibrate``, ``docs/calibration.md``). A probability
near 0.8 then means about four quotes in five at that level were right on questions it never
saw.

The signals, each something a wrong quote tends to lack:

- ``cosine``: the sentence's meaning against the question's (0 by words alone);
- ``nearest_gap``: how far it is from the nearest sentence of all, in meaning: a best sentence
  that words pulled up ahead of closer ones is a doubt;
- ``coverage``, ``paragraph_coverage``: the share of the question's term weight the sentence
  (with its headings) and its paragraph hold;
- ``aligned``: the share of the question's words it speaks to in meaning (``alignment``);
- ``lead``: the share of its score the runner-up lacks: two near-equal candidates mean the
  engine could as well have quoted the other;
- ``fine_missed``: the question asks for a particular thing ("how many farms") the sentence
  does not hold (``answer_types``);
- ``names_missing``: a name the question gives that its paragraph never mentions;
- ``terms``: how many terms the question has (long questions match more by chance);
- ``leads``: the sentence opens its section, where writers say what the section is about
  (a briefing's lead, an article's definition).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, model_validator

FEATURES = (
    "cosine",
    "nearest_gap",
    "coverage",
    "paragraph_coverage",
    "aligned",
    "lead",
    "fine_missed",
    "names_missing",
    "log_terms",
    "leads",
)


class Signals(BaseModel):
    """What the engine knows about its best sentence, beyond its rank."""

    model_config = ConfigDict(frozen=True)

    cosine: float = 0.0
    nearest_gap: float = 0.0
    coverage: float = Field(ge=0.0, le=1.0)
    paragraph_coverage: float = Field(ge=0.0, le=1.0)
    aligned: float = Field(default=0.0, ge=0.0, le=1.0)
    lead: float = Field(ge=0.0, le=1.0)
    fine_missed: bool = False
    names_missing: bool = False
    terms: int = Field(ge=0)
    leads: bool = False

    def features(self) -> tuple[float, ...]:
        """The values ``Calibration`` weighs, in the order of ``FEATURES``."""
        return (
            self.cosine,
            self.nearest_gap,
            self.coverage,
            self.paragraph_coverage,
            self.aligned,
            self.lead,
            float(self.fine_missed),
            float(self.names_missing),
            math.log1p(self.terms),
            float(self.leads),
        )


def lead(scores: Sequence[float]) -> float:
    """The share of the best score the runner-up lacks (1 when there is no runner-up)."""
    if not scores or scores[0] <= 0:
        return 0.0
    if len(scores) < 2:
        return 1.0
    return min(1.0, max(0.0, (scores[0] - scores[1]) / scores[0]))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


class Calibration(BaseModel):
    """A logistic fit from ``Signals`` to the probability that a quote is right."""

    model_config = ConfigDict(frozen=True)

    weights: tuple[float, ...]
    bias: float
    fitted_on: str = Field(description="what it was fitted on, for the record")

    @model_validator(mode="after")
    def _one_weight_a_feature(self) -> Calibration:
        if len(self.weights) != len(FEATURES):
            raise ValueError(f"a calibration has {len(FEATURES)} weights, one a feature")
        return self

    def logit(self, signals: Signals) -> float:
        """The weighed signals plus the bias: the log-odds that the quote is right."""
        return self.bias + sum(
            w * x for w, x in zip(self.weights, signals.features(), strict=True)
        )

    def probability(self, signals: Signals) -> float:
        """The probability that the sentence with these signals answers the question."""
        return _sigmoid(self.logit(signals))
