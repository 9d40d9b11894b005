"""Per-user pacing and the memory of recent answers."""

from __future__ import annotations

from bot.tg.state import RecentQuestions, UserThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_allows_the_limit_per_sliding_minute():
    clock = Clock()
    throttle = UserThrottle(3, clock=clock)
    assert [throttle.allow(1) for _ in range(4)] == [True, True, True, False]
    assert throttle.allow(2)  # other users are unaffected
    assert throttle.retry_in(1) == 60
    clock.now += 59.9
    assert not throttle.allow(1)
    clock.now += 0.2
    assert throttle.allow(1)


def test_throttle_warns_once_per_window():
    clock = Clock()
    throttle = UserThrottle(1, clock=clock)
    assert throttle.should_warn(1)
    assert not throttle.should_warn(1)
    clock.now += 61
    assert throttle.should_warn(1)


def test_recent_questions_forget_the_oldest():
    recent = RecentQuestions(capacity=2)
    recent.remember(1, 10, "a")
    recent.remember(1, 11, "b")
    recent.remember(1, 10, "a again")  # refreshed, so 11 is now the oldest
    recent.remember(2, 10, "c")
    assert recent.get(1, 11) is None
    assert recent.get(1, 10) == "a again"
    assert recent.get(2, 10) == "c"
