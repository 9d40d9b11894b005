"""Newer briefings first: the order step, near-duplicates, repeats, and the dated question set."""

import datetime as dt
import functools
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import Answerer, AnswerOptions, build_answerer, evaluate, read_cases
from bot.core.ingest.loading import load_knowledge
from bot.core.ranking.recency import alike, cited_copy, newer_first, recency_order
from bot.core.search.index import SentenceIndex
from bot.core.search.vectors import Meaning, build_vectors
from testkit.fake_encoder import FakeEncoder
from tests.conftest import FIXTURES, MAX_BYTES, REPO_KNOWLEDGE, engine

MON, TUE, WED = (dt.date(2025, 11, d) for d in (17, 18, 19))
DATED = FIXTURES / "dated-briefings"


def _never(count: int) -> np.ndarray:
    return np.zeros((count, count), dtype=bool)


# --- newer_first: the order, from scores, dates and which say the same -----------------------
@given(st.lists(st.floats(-10, 10), max_size=12))
def test_undated_candidates_keep_their_order(scores):
    scores = sorted(scores, reverse=True)
    alike_all = np.ones((len(scores), len(scores)), dtype=bool)
    assert newer_first(scores, [None] * len(scores), alike_all, 1.0) == list(range(len(scores)))


@given(st.lists(st.floats(0, 10), max_size=12), st.sampled_from([None, MON]))
def test_candidates_of_one_day_keep_their_order(scores, day):
    scores = sorted(scores, reverse=True)
    days = [day] * len(scores)
    assert newer_first(scores, days, ~_never(len(scores)), 1.0) == list(range(len(scores)))


def test_a_newer_sentence_scoring_close_goes_first_and_the_older_stays_next():
    assert newer_first([10.0, 9.6, 5.0], [MON, WED, TUE], _never(3), 0.05) == [1, 0, 2]


def test_a_newer_sentence_scoring_well_below_stays_below():
    assert newer_first([10.0, 9.0, 5.0], [MON, WED, TUE], _never(3), 0.05) == [0, 1, 2]


def test_a_newer_sentence_saying_nearly_the_same_goes_first_whatever_its_score():
    same = _never(3)
    same[0, 2] = same[2, 0] = True
    assert newer_first([10.0, 9.0, 2.0], [MON, TUE, WED], same, 0.05) == [2, 0, 1]


def test_a_newer_sentence_that_does_not_answer_stays_where_its_score_puts_it():
    """However alike it reads or close it scores: only an answer is an update."""
    same = ~_never(3)
    assert newer_first([10.0, 9.9, 2.0], [MON, TUE, WED], same, 0.05, [True, False, False]) == [
        0,
        1,
        2,
    ]
    assert newer_first([10.0, 9.9, 2.0], [MON, TUE, WED], same, 0.05, [True, False, True]) == [
        2,
        0,
        1,
    ]


def test_a_newer_close_score_must_speak_to_as_much_of_the_question():
    """A closing date scores close to the opening date, but says nothing of the opening."""
    asked: list[int] = []
    shares = [1.0, 0.5, 1.0]

    def speaks(i: int) -> float:
        asked.append(i)
        return shares[i]

    assert newer_first([10.0, 9.9, 2.0], [MON, TUE, WED], _never(3), 0.05, None, speaks) == [
        0,
        1,
        2,
    ]
    assert 2 not in asked  # far below the margin and unlike: never read
    # Saying nearly the same is a revision, however it is worded.
    same = ~_never(3)
    assert newer_first([10.0, 9.9, 2.0], [MON, TUE, WED], same, 0.05, None, speaks)[0] == 2
    shares[1] = 1.0
    assert newer_first([10.0, 9.9, 2.0], [MON, TUE, WED], _never(3), 0.05, None, speaks) == [
        1,
        0,
        2,
    ]


def test_the_newest_contender_wins_and_a_day_s_best_score_first():
    scores = [10.0, 9.9, 9.8, 9.7]
    assert newer_first(scores, [MON, TUE, WED, WED], _never(4), 0.05) == [2, 3, 1, 0]


def test_undated_sentences_neither_move_nor_are_passed_over():
    # An undated best stays first; an undated close one never jumps a dated one.
    assert newer_first([10.0, 9.9, 9.8], [None, MON, WED], _never(3), 0.05) == [0, 2, 1]
    assert newer_first([10.0, 9.9, 9.8], [MON, None, WED], _never(3), 0.05) == [2, 0, 1]


def test_the_margin_is_a_share_of_the_score_in_line_negative_or_not():
    assert newer_first([-1.0, -1.04], [MON, WED], _never(2), 0.05) == [1, 0]
    assert newer_first([-1.0, -1.06], [MON, WED], _never(2), 0.05) == [0, 1]


# --- near-duplicates, recency_order and repeats, on real documents ---------------------------
def _briefing(write, name: str, day: dt.date | None, *sentences: str) -> None:
    published = f"published: {day.isoformat()}\n" if day else ""
    body = "\n\n".join(sentences)
    write(name, f"---\ntitle: Briefing {name}\n{published}---\n\n## News\n\n{body}\n")


@pytest.fixture
def dated_kb(write, tmp_path) -> SentenceIndex:
    _briefing(
        write, "a.md", MON, "The handover is scheduled for November 20.", "Ferries run daily."
    )
    _briefing(write, "b.md", TUE, "Markets were calm.", "FERRIES RUN DAILY.")
    _briefing(write, "c.md", WED, "The handover was delayed to November 25.", "Ferries run daily.")
    _briefing(write, "d.md", None, "Ferries run daily.")
    return SentenceIndex(load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES))


def _find(index: SentenceIndex, text: str, path: str) -> int:
    return next(
        i for i, e in enumerate(index.entries) if e.text == text and e.document.path == path
    )


def test_alike_by_text_whitespace_and_case_aside_and_by_shared_terms(dated_kb):
    ferries = _find(dated_kb, "Ferries run daily.", "a.md")
    shouted = _find(dated_kb, "FERRIES RUN DAILY.", "b.md")
    monday = _find(dated_kb, "The handover is scheduled for November 20.", "a.md")
    wednesday = _find(dated_kb, "The handover was delayed to November 25.", "c.md")
    calm = _find(dated_kb, "Markets were calm.", "b.md")
    rows = [ferries, shouted, monday, wednesday, calm]
    found = alike(dated_kb, None, rows, AnswerOptions(duplicate_terms=0.4))
    assert found[0, 1]
    assert found[2, 3]
    assert not found[0, 2]
    assert not found[3, 4]
    assert not alike(dated_kb, None, rows, AnswerOptions(duplicate_terms=1.01))[2, 3]
    assert alike(dated_kb, None, [], AnswerOptions()).shape == (0, 0)


def test_alike_by_vectors_when_there_are_some(write, tmp_path):
    _briefing(write, "a.md", MON, "Troops burn houses.", "Troops set homes alight.")
    base = load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES)
    encoder = FakeEncoder({"burn": "fire", "alight": "fire", "houses": "home", "homes": "home"})
    vectors = build_vectors(base, encoder)
    index = SentenceIndex(base)
    options = AnswerOptions(duplicate_terms=1.01, duplicate_cosine=0.9)
    assert not alike(index, None, [0, 1], options)[0, 1]
    assert alike(index, vectors, [0, 1], options)[0, 1]


def test_recency_order_is_empty_when_off_or_with_one_date(dated_kb):
    ids = np.arange(len(dated_kb), dtype=np.int64)
    scores = np.linspace(2.0, 1.0, len(dated_kb))
    everyone = np.ones(len(ids), dtype=bool)
    assert recency_order(dated_kb, None, ids, scores, everyone, AnswerOptions()) != []
    assert (
        recency_order(dated_kb, None, ids, scores, everyone, AnswerOptions(recency_margin=0)) == []
    )
    monday = np.array([e.document.path == "a.md" for e in dated_kb.entries])
    assert recency_order(dated_kb, None, ids, scores, monday, AnswerOptions()) == []


def test_recency_order_takes_only_sentences_that_may_be_quoted(dated_kb):
    ids = np.arange(len(dated_kb), dtype=np.int64)
    scores = np.full(len(ids), 1.0)
    eligible = np.ones(len(ids), dtype=bool)
    eligible[0] = False
    scores[1] = 0.0
    order = recency_order(dated_kb, None, ids, scores, eligible, AnswerOptions(min_score=0.0))
    assert order
    assert 0 not in order
    assert 1 not in order


def test_a_repeated_sentence_is_cited_from_the_newest_with_the_others_counted(dated_kb):
    monday = _find(dated_kb, "Ferries run daily.", "a.md")
    sentence, also_in = cited_copy(dated_kb, monday)
    assert dated_kb.entries[sentence].document.path == "c.md"
    assert also_in == 3  # Monday's, Tuesday's (in capitals) and the undated one
    undated = _find(dated_kb, "Ferries run daily.", "d.md")
    assert cited_copy(dated_kb, undated) == (undated, 3)  # no date: nothing is newer
    alone = _find(dated_kb, "Markets were calm.", "b.md")
    assert cited_copy(dated_kb, alone) == (alone, 0)


def test_an_answer_quotes_a_repeat_once_from_the_newest_briefing(dated_kb):
    answerer = Answerer(dated_kb.base)
    answer = answerer.ask("Do ferries run daily?", answer_count=5)
    assert answer.best is not None
    assert (answer.best.file, answer.best.published, answer.best.also_in) == ("c.md", WED, 3)
    assert [m.text.casefold() for m in answer.matches].count("ferries run daily.") == 1


def test_the_update_wins_and_the_older_sentence_is_next(dated_kb):
    answer = Answerer(dated_kb.base).ask("When is the handover?", answer_count=3)
    assert [m.file for m in answer.matches[:2]] == ["c.md", "a.md"]
    off = Answerer(dated_kb.base, AnswerOptions(recency_margin=0))
    assert off.ask("When is the handover scheduled?").best.file == "a.md"


# --- the dated question set: right with recency, wrong without ------------------------------
@pytest.fixture(scope="module")
def dated_briefings() -> Answerer:
    return build_answerer(engine(DATED / "knowledge"))


def _report(answerer: Answerer):
    cases = read_cases(DATED / "questions.jsonl")
    return evaluate(cases, functools.partial(answerer.ask, answer_count=10))


def test_every_dated_question_is_answered_from_the_newest_briefing(dated_briefings):
    report = _report(dated_briefings)
    assert report.failures == []
    assert report.p_at_1 == 1.0


def test_without_recency_the_older_sentences_win(dated_briefings):
    off = Answerer(dated_briefings.base, AnswerOptions(recency_margin=0))
    report = _report(off)
    assert len(report.failures) >= 5
    assert report.p_at_1 <= 0.6


def test_with_vectors_too(dated_briefings):
    base = dated_briefings.base
    encoder = FakeEncoder()
    meaning = Meaning(build_vectors(base, encoder), encoder)
    on = Answerer(base, AnswerOptions(min_meaning=0.3), meaning=meaning)
    off = Answerer(base, AnswerOptions(min_meaning=0.3, recency_margin=0), meaning=meaning)
    assert _report(on).p_at_1 > _report(off).p_at_1


def test_the_dated_set_s_briefings_are_dated_by_front_matter_and_by_link(dated_briefings):
    days = {Path(d.path).name: d.meta.published for d in dated_briefings.base.documents}
    assert days == {
        "2025-11-17-elling-briefing.md": MON,
        "2025-11-18-elling-briefing.md": TUE,
        "2025-11-19-elling-briefing.md": WED,
        "2025-11-20-elling-briefing.md": dt.date(2025, 11, 20),  # from its source link
    }


DATED_NEWS = FIXTURES / "dated-news"


def test_the_dated_news_set_asks_what_its_briefings_say():
    """The evaluation set for recency, as issue 17 asks for it.

    40 or more questions over 6 or more briefings, each on a day of its own; every accepted
    text a sentence's own words; some questions unanswerable.
    """
    base = load_knowledge(DATED_NEWS / "knowledge", max_bytes=MAX_BYTES)
    days = {d.meta.published for d in base.documents}
    assert None not in days
    assert len(days) == len(base.documents) >= 6
    cases = read_cases(DATED_NEWS / "questions.jsonl")
    assert len(cases) >= 40
    sentences = [e.text for e in SentenceIndex(base).entries]
    for case in cases:
        for accepted in case.accept or []:
            assert any(accepted in s for s in sentences), (case.q, accepted)
    assert sum(not c.answerable for c in cases) >= 6
    assert len({c.q for c in cases}) == len(cases)


NEWER_OTHER_DISTRICT = """---
title: Nagorno-Karabakh, a week on
publisher: Example Briefings
published: 2025-11-25
---

# Nagorno-Karabakh, a week on

## Return of territory

AFP journalists have seen thousands leave the Lachin district, whose handover to Azerbaijan \
was delayed until December 1 to give the Armenians there more time.
"""


def test_a_newer_briefing_on_another_district_leaves_the_headline_answer_alone(tmp_path):
    """A week-newer sentence on another district's handover is no update on Kalbajar's."""
    knowledge = tmp_path / "kb"
    shutil.copytree(REPO_KNOWLEDGE, knowledge)
    (knowledge / "a-week-on.md").write_text(NEWER_OTHER_DISTRICT, encoding="utf-8")
    answerer = build_answerer(engine(knowledge))
    best = answerer.ask("when is Kalbajar handed over?").best
    assert best is not None
    assert "delayed until November 25" in best.text
    lachin = answerer.ask("when is Lachin handed over?").best
    assert lachin is not None
    assert "delayed until December 1" in lachin.text  # the newer one, where it answers


SUMMIT_MONDAY = """---
title: Monday briefing
published: 2025-11-24
---

# Monday briefing

## Summit

The summit will open in Tbilisi on March 3.
Delegations from nine countries are expected.
"""

SUMMIT_THURSDAY = """---
title: Thursday briefing
published: 2025-11-27
---

# Thursday briefing

## Summit

Organisers have moved the start of the summit to March 10 because of the storm.
The summit's final communique will be signed on March 12.
"""


def test_a_revision_in_other_words_wins_and_another_moment_does_not(write, tmp_path):
    """Issue 17's own case: "the start" revises "will open", "the communique" is another day."""
    write("monday.md", SUMMIT_MONDAY)
    write("thursday.md", SUMMIT_THURSDAY)
    answerer = Answerer(load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES))
    for question in ("When does the summit open?", "When will the summit start?"):
        best = answerer.ask(question).best
        assert best is not None
        assert "March 10" in best.text, question
    closing = answerer.ask("When will the summit's communique be signed?").best
    assert closing is not None
    assert "March 12" in closing.text


def test_revisions_in_other_words_win_and_look_alikes_do_not_on_the_dated_news_set():
    """By words alone, the measured margin with the answering test: 34 of 46 (26 before).

    34 since an answer must hold the fine kind asked for and no opposite of what was asked,
    and not be about another month, and a sentence naming the moment asked for is favoured.
    """
    base = load_knowledge(DATED_NEWS / "knowledge", max_bytes=MAX_BYTES)
    cases = read_cases(DATED_NEWS / "questions.jsonl")
    on = Answerer(base)
    off = Answerer(base, AnswerOptions(recency_margin=0))
    right = [
        round(r.p_at_1 * r.answerable) + r.abstained_right
        for r in (evaluate(cases, functools.partial(a.ask, answer_count=10)) for a in (on, off))
    ]
    assert right[0] >= 34
    assert right[0] - right[1] >= 8
