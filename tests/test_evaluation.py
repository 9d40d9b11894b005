from types import SimpleNamespace

import pytest

from bot.core import Answer, BriefingBotError, Match
from bot.core.evaluation import EvalCase, evaluate, held_out, read_cases, reliability


def _answer(question, *texts):
    matches = tuple(
        Match(
            text=t,
            score=1.0,
            title="T",
            section=None,
            publisher=None,
            source=None,
            file="f.md",
            position=i,
            paragraph=1,
            line=1,
        )
        for i, t in enumerate(texts, 1)
    )
    return Answer(question=question, matches=matches)


def test_squad_answers_must_match_whole_words_case_insensitively():
    case = EvalCase(q="q", answers=["gold"])
    assert case.is_right("It was GOLD themed.")
    assert not case.is_right("It was golden.")


def test_accept_substrings_fold_white_space():
    case = EvalCase(q="q", accept=["delayed until November 25"])
    assert case.is_right("was delayed  until\nNovember 25 to")


def test_metrics_count_ranks_and_abstentions():
    cases = [
        EvalCase(q="a", answers=["x"]),
        EvalCase(q="b", answers=["x"]),
        EvalCase(q="c", answers=["x"]),
        EvalCase(q="d", accept=[]),
        EvalCase(q="e", accept=[]),
    ]
    replies = {
        "a": _answer("a", "x here"),
        "b": _answer("b", "nothing", "x second"),
        "c": _answer("c"),
        "d": _answer("d"),
        "e": _answer("e", "something"),
    }
    report = evaluate(cases, replies.__getitem__)
    assert report.answerable == 3
    assert report.p_at_1 == pytest.approx(1 / 3)
    assert report.mrr_at_10 == pytest.approx((1 + 0.5) / 3)
    assert (report.abstained_right, report.abstained_wrong) == (1, 1)
    assert report.answered_wrongly_unanswerable == 1
    assert [f.question for f in report.failures] == ["b", "c", "e"]


def test_a_set_with_no_answerable_question_claims_no_ranking_figures():
    cases = [EvalCase(q="d", accept=[]), EvalCase(q="e", accept=[])]
    replies = {"d": _answer("d"), "e": _answer("e", "something")}
    report = evaluate(cases, replies.__getitem__)
    assert (report.p_at_1, report.mrr_at_10) == (None, None)  # not a perfect 1.0
    assert report.model_dump()["p_at_1"] is None
    assert (report.abstained_right, report.answered_wrongly_unanswerable) == (1, 1)


def test_read_cases_names_the_bad_line(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"q": "a", "accept": []}\n\nnot json\n', encoding="utf-8")
    with pytest.raises(BriefingBotError, match=r"q.jsonl:3"):
        read_cases(path)
    path.write_text('{"q": "a"}\n', encoding="utf-8")
    with pytest.raises(BriefingBotError, match="exactly one"):
        read_cases(path)


def _answerer(files, without):
    """A stand-in answerer over ``files`` whose ``without(file)`` is given."""
    documents = [SimpleNamespace(path=f) for f in sorted(files)]
    return SimpleNamespace(base=SimpleNamespace(documents=documents), without=without)


def test_held_out_counts_answers_from_knowledge_without_the_file():
    cases = [
        EvalCase(q="a1", answers=["x"], file="a.md"),
        EvalCase(q="a2", answers=["x"], file="a.md"),
        EvalCase(q="b1", answers=["x"], file="b.md"),
    ]
    asked_without = []

    def without(file):
        asked_without.append(file)
        # Without a.md, "a2" still gets a (necessarily wrong) answer; nothing else does.
        return SimpleNamespace(ask=lambda q: _answer(q, "unrelated") if q == "a2" else _answer(q))

    report = held_out(cases, _answerer({"a.md", "b.md"}, without))
    assert asked_without == ["a.md", "b.md"]  # one knowledge base per file
    assert (report.questions, report.answered) == (3, 1)
    assert report.answered_share == pytest.approx(1 / 3)
    assert [e.question for e in report.examples] == ["a2"]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (EvalCase(q="q", answers=["x"]), 'no "file"'),
        (EvalCase(q="q", answers=["x"], file="gone.md"), "gone.md is not in the knowledge"),
    ],
)
def test_held_out_needs_each_question_s_file(case, message):
    with pytest.raises(BriefingBotError, match=message):
        held_out([case], _answerer({"a.md"}, lambda file: SimpleNamespace(ask=_answer)))


def _sure(answer: Answer, confidence: float) -> Answer:
    return answer.model_copy(update={"confidence": confidence})


def test_the_reliability_table_sets_each_band_s_probability_against_its_share_right():
    cases = [EvalCase(q=str(n), answers=["x"]) for n in range(4)] + [EvalCase(q="u", accept=[])]
    replies = {
        "0": _sure(_answer("0", "x"), 0.92),
        "1": _sure(_answer("1", "y"), 0.98),
        "2": _sure(_answer("2", "x"), 0.35),
        "3": _answer("3"),  # no answer: no probability
        "u": _sure(_answer("u", "x"), 0.31),  # any quote of the unanswerable is wrong
    }
    table = evaluate(cases, replies.__getitem__).reliability
    assert table.quotes == 4
    assert [(b.low, b.quotes) for b in table.bands] == [(0.3, 2), (0.9, 2)]
    low, high = table.bands
    assert (low.mean_probability, low.share_right) == (pytest.approx(0.33), 0.5)
    assert (high.mean_probability, high.share_right) == (pytest.approx(0.95), 0.5)
    assert table.error == pytest.approx((2 * 0.17 + 2 * 0.45) / 4)


def test_a_probability_of_one_falls_in_the_top_band():
    table = reliability([(1.0, True), (0.0, False)])
    assert [(b.low, b.high) for b in table.bands] == [(0.0, 0.1), (0.9, 1.0)]
    assert table.error == 0.0
    assert reliability([]).error is None
