"""The fitted calibrations (``confidence``), as ``benchmarks.calibrate`` wrote them.

Do not edit by hand: run ``python -m benchmarks.calibrate`` again (docs/calibration.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from bot.core.confidence import Calibration

WORDS: Final = "words"  # the key of the calibration for answering by words alone

CALIBRATIONS: Final[Mapping[str, Calibration]] = MappingProxyType(
    {
        "words": Calibration(
            weights=(
                0.0,  # cosine
                0.0,  # nearest_gap
                7.02832,  # coverage
                -1.2013,  # paragraph_coverage
                0.0,  # aligned
                5.04149,  # lead
                -0.45939,  # fine_missed
                -1.10732,  # names_missing
                1.72711,  # log_terms
                0.24052,  # leads
            ),
            bias=-7.84958,
            fitted_on=(
                "selqa ass dev+test, squad-dev-rest (8651 quotes), kinds weighed 0.2 "
                "near misses and 0.25 elsewhere to 1 asked"
            ),
        ),
        "all-MiniLM-L6-v2": Calibration(
            weights=(
                1.28628,  # cosine
                -6.39464,  # nearest_gap
                3.56725,  # coverage
                -0.84686,  # paragraph_coverage
                3.74959,  # aligned
                6.628,  # lead
                -0.11975,  # fine_missed
                -1.32945,  # names_missing
                1.56713,  # log_terms
                0.64055,  # leads
            ),
            bias=-8.97409,
            fitted_on=(
                "selqa ass dev+test, squad-dev-rest (7789 quotes), kinds weighed 0.1 "
                "near misses and 0.25 elsewhere to 1 asked"
            ),
        ),
        "all-mpnet-base-v2": Calibration(
            weights=(
                0.72616,  # cosine
                -10.72404,  # nearest_gap
                5.00681,  # coverage
                -1.0686,  # paragraph_coverage
                5.12205,  # aligned
                7.03209,  # lead
                -0.14836,  # fine_missed
                -0.7849,  # names_missing
                1.35106,  # log_terms
                0.59405,  # leads
            ),
            bias=-10.68518,
            fitted_on=(
                "selqa ass dev+test, squad-dev-rest (8870 quotes), kinds weighed 0.2 "
                "near misses and 0.25 elsewhere to 1 asked"
            ),
        ),
    }
)
