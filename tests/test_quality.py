"""Quality bars on the briefing's question set (a copy of ../shared/eval, see fixtures/)."""

import json

import pytest

from bot.core.evaluation import EvalCase
from tests.conftest import DEV_QUESTIONS

CASES = [
    EvalCase.model_validate(json.loads(line))
    for line in DEV_QUESTIONS.read_text(encoding="utf-8").splitlines()
    if line.strip()
]


@pytest.mark.parametrize("case", CASES, ids=[c.q for c in CASES])
def test_briefing_question(briefing, case):
    best = briefing.ask(case.q).best
    if case.answerable:
        assert best is not None
        assert case.is_right(best.text), best.text
    else:
        assert best is None, best
