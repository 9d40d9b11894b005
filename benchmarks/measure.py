"""Timing and memory helpers: latency percentiles, resident memory now and at peak."""

from __future__ import annotations

import contextlib
import resource
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_CLEAR_REFS = Path("/proc/self/clear_refs")
_STATUS = Path("/proc/self/status")


def reset_peak_rss() -> None:
    """Start a new peak-RSS measurement (Linux: writing 5 to clear_refs resets VmHWM)."""
    with contextlib.suppress(OSError):
        _CLEAR_REFS.write_text("5")


def peak_rss_mb() -> float:
    """Peak resident memory since the last reset (or since start), in MB."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Resident memory now, in MB (Linux; elsewhere the peak, the nearest there is)."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


@dataclass(frozen=True)
class Latency:
    """Per-call latencies of one method over a set of questions."""

    seconds: list[float]

    @property
    def p50_ms(self) -> float:
        """Median latency in milliseconds."""
        return float(np.percentile(self.seconds, 50)) * 1000

    @property
    def p99_ms(self) -> float:
        """99th-percentile latency in milliseconds."""
        return float(np.percentile(self.seconds, 99)) * 1000

    @property
    def qps(self) -> float:
        """Questions per second, one after the other on one thread."""
        return len(self.seconds) / sum(self.seconds)


def time_each(call: Callable[[str], object], questions: Iterable[str]) -> Latency:
    """Call ``call`` on each question in turn, single-threaded, timing each call."""
    seconds = []
    for question in questions:
        started = time.perf_counter()
        call(question)
        seconds.append(time.perf_counter() - started)
    return Latency(seconds)
