"""The calibration fit that ships its weights: it must recover what it is given."""

from __future__ import annotations

import ast
import math
import random
import xml.etree.ElementTree as ET

import pytest

from benchmarks.calibrate import (
    ASKED,
    ELSEWHERE,
    NEAR_MISS,
    Example,
    badly_off,
    calibrations_module,
    fit,
    platt,
    svg,
)
from bot.core.confidence import FEATURES, Signals
from bot.core.evaluation import reliability

EVEN = {ASKED: 1.0, NEAR_MISS: 1.0, ELSEWHERE: 1.0}


def _examples(count: int, kind: str = ASKED, seed: int = 0) -> list[Example]:
    """Quotes right with probability sigmoid(6 x coverage - 3), the rest of the signals noise."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        coverage = rng.random()
        signals = Signals(
            coverage=coverage,
            paragraph_coverage=rng.random(),
            lead=rng.random(),
            terms=rng.randint(1, 6),
        )
        right = rng.random() < 1 / (1 + math.exp(-(6 * coverage - 3)))
        found.append(Example(signals, right, kind, "q"))
    return found


def test_the_fit_recovers_a_known_logistic():
    calibration = fit(_examples(6000), EVEN, "synthetic")
    weights = dict(zip(FEATURES, calibration.weights, strict=True))
    assert weights["coverage"] == pytest.approx(6.0, abs=0.6)
    assert calibration.bias + 0.5 * weights["coverage"] == pytest.approx(0.0, abs=0.5)
    assert abs(weights["lead"]) < 0.5  # noise stays near nothing
    assert weights["cosine"] == 0.0  # a signal that never varies gets no weight


def test_the_prior_weighs_kinds_of_question_not_their_number_of_quotes():
    asked = _examples(2000)
    wrong = [Example(e.signals, False, NEAR_MISS, "q") for e in _examples(2000, seed=1)]
    middle = Signals(coverage=0.5, paragraph_coverage=0.5, lead=0.5, terms=3)
    light = fit(asked + wrong, {ASKED: 1.0, NEAR_MISS: 0.1, ELSEWHERE: 1.0}, "x")
    heavy = fit(asked + wrong, {ASKED: 1.0, NEAR_MISS: 1.0, ELSEWHERE: 1.0}, "x")
    assert light.probability(middle) > heavy.probability(middle) + 0.1


def test_a_fit_checked_on_its_own_kind_of_data_is_calibrated():
    calibration = fit(_examples(4000), EVEN, "synthetic")
    held = [(calibration.probability(e.signals), e.right) for e in _examples(4000, seed=7)]
    table = reliability(held)
    assert table.error is not None
    assert table.error < 0.03
    assert badly_off(table.bands) == 0


def test_the_written_module_holds_the_weights_it_was_given():
    calibration = fit(_examples(500), EVEN, "synthetic")
    source = calibrations_module({"words": calibration})
    namespace: dict[str, object] = {}
    exec(compile(ast.parse(source), "calibrations", "exec"), namespace)
    assert namespace["CALIBRATIONS"]["words"] == calibration  # type: ignore[index]


def test_the_reliability_diagram_is_well_formed_svg():
    table = reliability([(0.05, False), (0.5, True), (0.95, True)])
    drawing = svg([("words", table.bands, table.error or 0.0)])
    root = ET.fromstring(drawing)
    assert root.tag.endswith("svg")
    assert len(root.findall("{http://www.w3.org/2000/svg}circle")) == 3


def test_platt_scaling_makes_an_overconfident_fit_true_and_stays_a_logistic():
    calibration = fit(_examples(4000), EVEN, "synthetic")
    # Quotes of the same signals, but half as sure as the fit believes: a flatter logit.
    rng = random.Random(5)
    found = []
    for example in _examples(4000, seed=9):
        p = 1 / (1 + math.exp(-0.5 * calibration.logit(example.signals)))
        found.append((example.signals, rng.random() < p))
    before = reliability([(calibration.probability(s), r) for s, r in found])
    scaled = platt(calibration, found)
    after = reliability([(scaled.probability(s), r) for s, r in found])
    assert before.error is not None
    assert after.error is not None
    assert after.error < 0.03 < before.error
    assert badly_off(after.bands) == 0
    ratio = [a / b for a, b in zip(scaled.weights, calibration.weights, strict=True) if b]
    assert ratio == pytest.approx([ratio[0]] * len(ratio), rel=1e-3)  # one slope for all
    assert ratio[0] == pytest.approx(0.5, abs=0.1)
