"""The fitted calibrations (``confidence``): written by ``benchmarks.calibrate``.

Do not edit by hand: run ``python -m benchmarks.calibrate`` again (see docs/calibration.md).
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
            weights=(0.0, 0.0, 2.0, 1.0, 0.0, 1.0, -1.0, -1.0, 0.0, 0.0),
            bias=-1.0,
            fitted_on="none",
        ),
        "all-MiniLM-L6-v2": Calibration(
            weights=(3.0, -3.0, 1.0, 1.0, 1.0, 1.0, -1.0, -1.0, 0.0, 0.0),
            bias=-2.0,
            fitted_on="none",
        ),
        "all-mpnet-base-v2": Calibration(
            weights=(3.0, -3.0, 1.0, 1.0, 1.0, 1.0, -1.0, -1.0, 0.0, 0.0),
            bias=-2.0,
            fitted_on="none",
        ),
    }
)
