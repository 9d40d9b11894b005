"""The served index against rank-bm25 scoring every sentence: agreement, and faults found."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from bot.core import (
    Answerer,
    ExhaustiveAnswerer,
    build_answerer,
    made_questions,
    same_first,
    same_up_to_ties,
    served_answerer,
    verify,
)
from bot.core.search import cache
from bot.core.verification import TOP, logged_sample
from testkit.fake_encoder import FakeEncoder
from tests.conftest import REPO_KNOWLEDGE, engine

KALBAJAR = "when is Kalbajar handed over?"


@pytest.fixture
def knowledge(write, tmp_path):
    """A small knowledge directory of two briefings, with sections, numbers and dates."""
    write(
        "ports.md",
        "---\ntitle: Ports\n---\n\n# Ports\n\n## Grain\n\n"
        "The grain ship left Odesa in July. It carried 26,000 tonnes of corn.\n\n"
        "Insurers raised premiums. The harbour stayed open at night.\n\n"
        "## Weather\n\nSnow fell early in the port. Ships waited two days.\n",
    )
    write(
        "bread.md",
        "# Bread\n\nRye bread is baked at dawn. The bakers' union met in 2021.\n\n"
        "Flour prices rose by a third. Bakers blamed the grain ship delays.\n",
    )
    return tmp_path / "kb"


def _answerer(directory) -> Answerer:
    return build_answerer(engine(directory))


def test_the_served_index_agrees_with_rank_bm25_on_a_small_knowledge(knowledge):
    report = verify(_answerer(knowledge), sample=60, seed=3)
    assert report.questions == report.made == 60
    assert (report.top1, report.top10) == (60, 60)
    assert report.disagreements == []
    assert report.exact


def test_the_bundled_briefing_agrees_with_logged_and_made_questions(briefing):
    logged = [KALBAJAR, "who guards Lachin?", KALBAJAR, "thanks!"]
    report = verify(briefing, sample=20, logged=logged)
    assert report.logged == 2  # distinct, and each with a term to rank by
    assert report.made == 18
    assert report.exact


def test_a_corrupted_index_is_found_and_its_question_named(knowledge):
    answerer = _answerer(knowledge)
    assert verify(answerer, sample=10, logged=["when did the grain ship leave?"]).exact
    # The fast index's precomputed scores of one term, in the sentence field, go wrong.
    term = answerer.index.term_id("grain")
    assert term is not None
    start, end = answerer.index.arrays.sentences.indptr[term : term + 2]
    answerer.index.arrays.sentences.scores[start:end] *= 3.0
    report = verify(answerer, sample=10, logged=["when did the grain ship leave?"])
    assert not report.exact
    assert report.top1 < report.questions
    first = report.disagreements[0]
    assert first.question == "when did the grain ship leave?"
    assert first.served is not None
    assert first.reference is not None
    assert first.served.score != first.reference.score


def test_only_the_bm25_stage_is_compared_when_the_answerer_has_meaning(knowledge):
    answerer = build_answerer(engine(knowledge), FakeEncoder())
    assert answerer.semantic
    assert verify(answerer, sample=20).exact


def test_made_questions_are_seeded_and_come_from_the_sentences(knowledge):
    answerer = _answerer(knowledge)
    reference = ExhaustiveAnswerer(answerer).reference
    made = made_questions(reference, 30, seed=1)
    assert made == made_questions(reference, 30, seed=1)
    assert made != made_questions(reference, 30, seed=2)
    assert len(made) == len(set(made)) == 30  # more than the sentences: drawn again
    for question in made:
        terms = set(answerer.read(question).terms)
        assert terms
        assert any(terms <= held for held in reference.sentences.tokens), question


def test_made_questions_use_rare_and_common_words(knowledge):
    reference = ExhaustiveAnswerer(_answerer(knowledge)).reference
    made = made_questions(reference, 200, seed=0)
    words = {w for q in made for w in q.split()}
    assert {"grain", "ship"} <= words  # in several sentences
    assert {"rye", "insurers"} <= words  # in one
    assert {"when", "how"} & words  # some ask for an answer type


def test_no_question_is_made_when_none_is_asked_for(knowledge):
    reference = ExhaustiveAnswerer(_answerer(knowledge)).reference
    assert made_questions(reference, 0) == []


def test_logged_questions_are_sampled_with_a_seed():
    questions = [f"is there news about port {n}?" for n in range(40)]
    answerer = build_answerer(engine(REPO_KNOWLEDGE))
    first = logged_sample(answerer, questions, 5, seed=7)
    assert first == logged_sample(answerer, questions, 5, seed=7)
    assert len(first) == len(set(first)) == 5


@pytest.mark.parametrize(
    ("a", "b", "first", "ten"),
    [
        ([(1, 2.0), (2, 1.0)], [(1, 2.0), (2, 1.0)], True, True),
        ([(1, 2.0), (2, 2.0)], [(2, 2.0), (1, 2.0)], False, True),  # a tie, in either order
        ([(1, 2.0), (2, 1.0)], [(1, 2.0), (2, 1.5)], True, False),
        ([(1, 2.0)], [(1, 2.0000001)], False, False),  # exact numbers, not close ones
        ([], [], True, True),
    ],
)
def test_agreement_is_the_benchmark_s(a, b, first, ten):
    assert same_first(a, b) is first
    assert same_up_to_ties(a, b) is ten


def test_the_reference_ranks_as_deep_as_the_fast_index(briefing):
    reference = ExhaustiveAnswerer(briefing)
    question = briefing.read("Russian peacekeepers in the region")
    assert len(reference.rank(question, TOP)) == len(briefing.rank(question, TOP)) == TOP


def test_served_answerer_reads_a_fresh_cache_and_writes_nothing(knowledge, tmp_path):
    cache_dir = tmp_path / "cache"
    config = engine(knowledge).model_copy(update={"cache_dir": cache_dir})
    answerer, path = served_answerer(config)
    assert path is None
    assert not cache_dir.exists()
    build_answerer(config)  # as the bot does: builds and saves the cache
    served, path = served_answerer(config)
    assert path == cache_dir / cache.FILE_NAME
    assert np.array_equal(
        served.index.arrays.sentences.scores, answerer.index.arrays.sentences.scores
    )
    (knowledge / "bread.md").write_text("# Bread\n\nNo bread today.\n", encoding="utf-8")
    assert served_answerer(config)[1] is None  # stale: the files are read instead


def test_answering_never_imports_rank_bm25():
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        import bot.cli
        from bot.core import EngineConfig, build_answerer
        config = EngineConfig(knowledge_dir=Path({str(REPO_KNOWLEDGE)!r}), max_file_bytes=10**6)
        assert build_answerer(config).ask({KALBAJAR!r}).best is not None
        assert "rank_bm25" not in sys.modules, "imported by the answering path"
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
