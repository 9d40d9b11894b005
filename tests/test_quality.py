"""Quality bars on the briefing's question set (a copy of ../shared/eval, see fixtures/)."""

import json

import pytest

from bot.core.evaluation import EvalCase, evaluate, read_cases
from tests.conftest import DEV_QUESTIONS, FIXTURES

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


POLAR_QUESTIONS = FIXTURES / "polar_questions.jsonl"


def test_yes_or_no_questions_quote_what_states_or_denies_them(briefing):
    """A denial answers too: "Did Azerbaijan win?" by "sealing its defeat to ... Azerbaijan".

    By words alone 9 of the 16 answerable are right (8 before), 3 of 4 unanswerable refused;
    with either model 13 (README, step 5).
    """
    report = evaluate(read_cases(POLAR_QUESTIONS), briefing.ask)
    assert round(report.p_at_1 * report.answerable) >= 9
    assert report.abstained_right >= 3
    won = briefing.ask("Did Azerbaijan win?").best
    assert won is not None
    assert "sealing its defeat to longtime rival Azerbaijan" in won.text
