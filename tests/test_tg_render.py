"""Rendering: escaped, marked, cited, and never over Telegram's 4096 characters."""

from __future__ import annotations

from pathlib import Path

from bot.core.knowledge import KnowledgeBase
from bot.core.models import Answer, Document, DocumentMeta, Match, Paragraph
from hypothesis import given
from hypothesis import strategies as st

from bot.tg.render import (
    ELLIPSIS,
    MAX_MESSAGE,
    fit,
    length,
    marked,
    render_answer,
    render_more,
    render_sources,
)
from testkit.telegram_html import html_problems


def match(text: str, **fields) -> Match:
    values = {
        "score": 1.0, "title": "Title", "section": "Section", "publisher": "Wire",
        "source": "https://example.org/a?b=1&c=2", "file": "a.md", "position": 1,
        "paragraph": 1, "line": 1,
    }  # fmt: skip
    return Match(text=text, **(values | fields))


def test_knowledge_and_question_text_is_escaped():
    hit = match("Profits <rose> 5% & more at AT&T.", title="<Bold> & co", section="A<B")
    html = render_answer(Answer(question="why did AT&T profits rise?", matches=(hit,)))
    assert "&lt;rose&gt;" in html
    assert "&lt;Bold&gt; &amp; co" in html
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html
    assert html_problems(html) == []


def test_question_words_are_marked_in_bold():
    assert marked("The handover was delayed.", "when is the handover?") == (
        "The <b>handover</b> was delayed."
    )


def test_no_answer_is_plain_and_points_to_sources():
    html = render_answer(Answer(question="tea?"))
    assert "/sources" in html
    assert "<" not in html


@given(st.text(min_size=1, max_size=6000), st.text(max_size=200))
def test_fit_always_fits_and_stays_well_formed(text, question):
    html = fit(text, 500, question)
    assert length(html) <= 500
    assert html_problems(html) == []


def test_a_long_sentence_is_cut_at_a_word_with_an_ellipsis():
    html = fit("word " * 2000, 300)
    assert html.endswith(f"word{ELLIPSIS}")
    assert length(html) <= 300


def test_length_counts_utf16_units():
    assert length("a\U0001f600") == 3


def test_expanded_answer_keeps_whole_sentences_within_the_limit():
    sentences = [f"Sentence number {n} talks about the handover in detail." for n in range(400)]
    context = " ".join(sentences)
    answer = Answer(question="handover", matches=(match(sentences[0]), match(sentences[1])))
    html = render_more(answer, context)
    assert length(html) <= MAX_MESSAGE
    assert html_problems(html) == []
    assert html.rstrip().endswith("in detail.")


def knowledge(count: int) -> KnowledgeBase:
    docs = []
    for n in range(count):
        meta = DocumentMeta(
            title=f"Briefing {n} <draft>", publisher="Wire", source=f"https://e.org/{n}"
        )
        paragraph = Paragraph(sentences=("One sentence.",), section=f"Part {n}", line=1)
        docs.append(Document(path=f"{n}.md", meta=meta, paragraphs=(paragraph,), digest=str(n)))
    return KnowledgeBase(directory=Path("k"), documents=tuple(docs))


def test_sources_split_into_messages_at_document_boundaries():
    messages = render_sources(knowledge(150))
    assert len(messages) > 1
    for html in messages:
        assert length(html) <= MAX_MESSAGE
        assert html_problems(html) == []
    joined = "\n".join(messages)
    assert all(f"Briefing {n} &lt;draft&gt;" in joined for n in range(150))


def test_sources_of_an_empty_base():
    assert render_sources(knowledge(0)) == ["I have no briefings loaded yet."]
