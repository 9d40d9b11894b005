"""Arbitrary text never crashes loading or answering."""

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import Answerer, BriefingBotError, QuestionError
from bot.core.analysis.terms import term_spans, tokenize
from bot.core.ingest.loading import load_knowledge
from bot.core.ingest.splitting import split_sentences

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400) | st.lists(
    st.sampled_from(
        [
            "Dec.",
            "U.S.",
            "2,000",
            "3.5",
            "\u201c",
            "\u201d",
            "...",
            "-\n",
            "\n\n",
            " ",
            "Word",
            "word.",
            "https://x.y/z",
            "30 YEARS",
            "---",
            "# T",
            "## S",
        ]
    ),
    max_size=60,
).map("".join)


@given(TEXT)
def test_splitting_keeps_every_word(text):
    assert " ".join(split_sentences(text)).split() == text.split()


@given(TEXT, TEXT)
def test_term_spans_lie_inside_the_text(text, question):
    for start, end in term_spans(text, set(tokenize(question))):
        assert 0 <= start < end <= len(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=TEXT, suffix=st.sampled_from([".md", ".txt"]), question=TEXT)
def test_any_file_loads_or_fails_cleanly_and_any_question_is_answered_or_refused(
    content, suffix, question
):
    root = Path(tempfile.mkdtemp())
    try:
        (root / f"doc{suffix}").write_text(content, encoding="utf-8")
        try:
            base = load_knowledge(root, max_bytes=1_000_000)
        except BriefingBotError:
            return
        try:
            answer = Answerer(base).ask(question)
        except QuestionError:
            assert not question.strip() or len(question) > 1000
            return
        for match in answer.matches:
            assert match.text in {
                s for d in base.documents for p in d.paragraphs for s in p.sentences
            }
    finally:
        shutil.rmtree(root)
