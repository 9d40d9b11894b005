import math

import pytest
from pydantic import ValidationError

from bot.core.calibrations import CALIBRATIONS, WORDS
from bot.core.catalogue import KNOWN_MODELS
from bot.core.confidence import FEATURES, Calibration, Signals, lead


def signals(**fields) -> Signals:
    base = {"coverage": 0.5, "paragraph_coverage": 0.6, "lead": 0.2, "terms": 3}
    return Signals(**{**base, **fields})


def test_lead_is_the_share_of_the_best_score_the_runner_up_lacks():
    assert lead([4.0, 3.0]) == pytest.approx(0.25)
    assert lead([4.0, 4.0]) == 0.0
    assert lead([4.0]) == 1.0  # nothing else came close
    assert lead([]) == 0.0
    assert lead([0.0, 0.0]) == 0.0


def test_features_follow_the_declared_order():
    values = signals(cosine=0.7, aligned=0.4, fine_missed=True, leads=True).features()
    assert len(values) == len(FEATURES)
    named = dict(zip(FEATURES, values, strict=True))
    assert named["cosine"] == 0.7
    assert named["aligned"] == 0.4
    assert named["fine_missed"] == 1.0
    assert named["names_missing"] == 0.0
    assert named["log_terms"] == pytest.approx(math.log1p(3))
    assert named["leads"] == 1.0


def test_probability_is_a_logistic_of_the_weighed_signals():
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("coverage")] = 4.0
    calibration = Calibration(weights=tuple(weights), bias=-2.0, fitted_on="test")
    assert calibration.probability(signals(coverage=0.5)) == pytest.approx(0.5)
    assert calibration.probability(signals(coverage=1.0)) == pytest.approx(1 / (1 + math.e**-2))
    # far out on either side it stays a probability, without overflow
    far = Calibration(weights=tuple(w * 1000 for w in weights), bias=0, fitted_on="test")
    assert far.probability(signals(coverage=1.0)) == 1.0
    assert 0.0 <= far.probability(signals(coverage=0.0)) <= 0.5


def test_a_calibration_needs_one_weight_a_feature():
    with pytest.raises(ValidationError, match="one a feature"):
        Calibration(weights=(1.0, 2.0), bias=0.0, fitted_on="test")


def test_every_model_and_words_alone_have_a_fitted_calibration():
    assert set(CALIBRATIONS) == {WORDS, *KNOWN_MODELS}
    for calibration in CALIBRATIONS.values():
        assert calibration.fitted_on != "none"


def test_the_fitted_calibrations_rank_a_strong_match_above_a_weak_one():
    strong = signals(cosine=0.8, coverage=1.0, paragraph_coverage=1.0, aligned=1.0, lead=0.5)
    weak = signals(
        cosine=0.3,
        nearest_gap=0.2,
        coverage=0.3,
        paragraph_coverage=0.3,
        aligned=0.3,
        lead=0.0,
        names_missing=True,
    )
    for calibration in CALIBRATIONS.values():
        assert calibration.probability(strong) > 0.7 > 0.3 > calibration.probability(weak)
