from types import SimpleNamespace

import pytest

from bot.core import Answer, BriefingBotError, Match
from bot.core.evaluation import EvalCase, evaluate, held_out, read_cases


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
