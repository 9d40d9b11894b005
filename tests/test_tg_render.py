"""Rendering: escaped, marked, cited, and never over Telegram's 4096 characters."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import Answer, Answerer, DocumentMeta, KnowledgeBase, Match, load_file
from bot.tg.render import (
    DOUBTFUL,
    ELLIPSIS,
    MAX_MESSAGE,
    NEAREST,
    fit,
    length,
    marked,
    render_answer,
    render_more,
    render_section,
    render_sources,
    section_label,
)
from testkit.telegram_html import html_problems

PEACEKEEPERS = "How many Russian peacekeepers will be deployed, and for how long?"


def match(text: str, **fields) -> Match:
    values = {
        "score": 1.0, "title": "Title", "section": "Section", "publisher": "Wire",
        "source": "https://example.org/a?b=1&c=2", "file": "a.md", "position": 1,
        "paragraph": 1, "line": 1,
    }  # fmt: skip
    return Match(text=text, **(values | fields))


@pytest.fixture(scope="module")
def handover_terms(briefing: Answerer) -> tuple[str, ...]:
    """What the engine searches for "when is Kalbajar handed over?" (it meets "handover")."""
    terms = briefing.ask("when is Kalbajar handed over?").terms
    assert terms
    return terms


def test_knowledge_and_question_text_is_escaped():
    hit = match("Profits <rose> 5% & more at AT&T.", title="<Bold> & co", section="A<B")
    html = render_answer(Answer(question="why did AT&T profits rise?", matches=(hit,)))
    assert "&lt;rose&gt;" in html
    assert "&lt;Bold&gt; &amp; co" in html
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html
    assert html_problems(html) == []


def test_a_citation_gives_publisher_and_date():
    day = dt.date(2025, 11, 18)
    html = render_answer(Answer(question="q", matches=(match("Text.", published=day),)))
    assert "<i>Title</i> \u00b7 Section \u00b7 Wire, 18 Nov 2025\n<a href=" in html
    undated = render_answer(Answer(question="q", matches=(match("Text."),)))
    assert "Section \u00b7 Wire\n<a href=" in undated
    unsigned = match("Text.", publisher=None, source=None, published=day)
    assert render_answer(Answer(question="q", matches=(unsigned,))).endswith(
        "<i>Title</i> \u00b7 Section \u00b7 18 Nov 2025"
    )


@pytest.mark.parametrize(
    ("also_in", "published", "line"),
    [
        (3, dt.date(2025, 11, 20), "Also in 3 earlier briefings"),
        (1, dt.date(2025, 11, 20), "Also in 1 earlier briefing"),
        (2, None, "Also in 2 other briefings"),  # undated: no telling which is earlier
    ],
)
def test_a_repeated_sentence_says_how_many_briefings_also_hold_it(also_in, published, line):
    repeat = match("Ferries run daily.", also_in=also_in, published=published)
    html = render_answer(Answer(question="ferries?", matches=(repeat,)))
    assert f"\n{line}\n<a href=" in html
    assert html_problems(html) == []
    assert "Also in" not in render_answer(Answer(question="q", matches=(match("Text."),)))


def test_runners_up_show_their_date():
    older = match("The handover is on November 20.", published=dt.date(2025, 11, 17))
    newer = match("The handover was delayed to November 25.", published=dt.date(2025, 11, 19))
    html = render_more(Answer(question="handover?", matches=(newer, older)), (newer.text,))
    assert "<i>Title \u00b7 Section \u00b7 17 Nov 2025</i>" in html


def test_searched_terms_are_marked_in_bold(handover_terms):
    assert marked("The handover was delayed.", handover_terms) == (
        "The <b>handover</b> was delayed."
    )


def test_only_what_was_searched_is_bold_not_the_question_as_typed(briefing):
    """The question asks "how many" and "how long" but searches neither word: both stay plain."""
    searched = briefing.ask(PEACEKEEPERS)
    assert searched.best is not None
    sentence = "Many of the Russian peacekeepers will stay as long as the deal holds."
    runner = "The peacekeepers' mandate is long, many say."
    answer = searched.model_copy(update={"matches": (match(sentence), match(runner))})
    short = render_answer(answer)
    assert "<b>Russian</b> <b>peacekeepers</b>" in short
    assert "Many of the" in short
    assert "as long as" in short
    expanded = render_more(answer, (sentence, "Many stayed for long."))
    assert "<b>Many</b>" not in expanded
    assert "<b>long</b>" not in expanded
    assert "<b>many</b>" not in expanded
    assert "\u2022 The <b>peacekeepers</b>' mandate is long, many say." in expanded


def test_no_answer_is_plain_and_points_to_sources():
    html = render_answer(Answer(question="tea?"))
    assert "/sources" in html
    assert "<" not in html


def test_a_doubtful_answer_says_it_is_only_the_closest_the_briefings_come():
    sure = Answer(question="q", matches=(match("It <rained>."),), confidence=0.9)
    doubtful = sure.model_copy(update={"confidence": 0.3, "doubtful": True})
    assert DOUBTFUL not in render_answer(sure)
    html = render_answer(doubtful)
    assert html.startswith(f"<i>{DOUBTFUL}</i>\n<blockquote>It &lt;rained&gt;.</blockquote>")
    assert html_problems(html) == []


def test_a_sure_answer_leads_with_its_fact_in_bold_a_doubtful_one_does_not():
    sure = Answer(
        question="when?", matches=(match("It rained on <May 4>."),), confidence=0.9, fact="<May 4>"
    )
    html = render_answer(sure)
    assert html.startswith("<b>&lt;May 4&gt;</b>\n<blockquote>It rained on &lt;May 4&gt;.")
    assert html_problems(html) == []
    doubtful = sure.model_copy(update={"confidence": 0.3, "doubtful": True})
    assert render_answer(doubtful).startswith(f"<i>{DOUBTFUL}</i>\n<blockquote>")


def test_a_refusal_with_nearest_sections_shows_one_s_first_sentence_cited():
    nearest = (
        match("Ferries run daily.", section="Ferries"),
        match("Rail <closed>.", section=None),
    )
    refusal = Answer(question="q", nearest=nearest)
    assert render_answer(refusal).endswith(NEAREST)
    shown = render_section(refusal, 1)
    assert "<blockquote>Rail &lt;closed&gt;.</blockquote>" in shown
    assert "Ferries run daily" not in shown
    assert html_problems(shown) == []
    assert [section_label(m) for m in nearest] == ["Ferries", "Title"]  # no heading: the title
    assert section_label(match("x", section="S" * 80)) == "S" * 59 + ELLIPSIS


@given(st.text(min_size=1, max_size=6000), st.data())
def test_fit_always_fits_and_stays_well_formed(text, data):
    words = [w.lower() for w in text.split()] or ["x"]
    terms = data.draw(st.frozensets(st.sampled_from(words) | st.text(max_size=10), max_size=5))
    html = fit(text, 500, terms)
    assert length(html) <= 500
    assert html_problems(html) == []


def test_a_long_sentence_is_cut_at_a_word_with_an_ellipsis():
    html = fit("word " * 2000, 300)
    assert html.endswith(f"word{ELLIPSIS}")
    assert length(html) <= 300


def test_length_counts_utf16_units():
    assert length("a\U0001f600") == 3


def test_expanded_answer_keeps_whole_sentences_within_the_limit(handover_terms):
    sentences = [f"Sentence number {n} talks about the handover in detail." for n in range(400)]
    answer = Answer(
        question="handover",
        matches=(match(sentences[0]), match(sentences[1])),
        terms=handover_terms,
    )
    html = render_more(answer, tuple(sentences))
    assert length(html) <= MAX_MESSAGE
    assert html_problems(html) == []
    assert html.rstrip().endswith("in detail.")
    assert "<b>handover</b>" in html


def test_a_one_sentence_paragraph_adds_no_context():
    best = match("The ferry leaves at noon.")
    html = render_more(Answer(question="ferry?", matches=(best,)), (best.text,))
    assert "Around it" not in html
    assert html == render_answer(Answer(question="ferry?", matches=(best,)))


def knowledge(tmp_path: Path, count: int) -> KnowledgeBase:
    template = tmp_path / "template.md"
    template.write_text("---\ntitle: Template\n---\n\n## Part\n\nOne sentence.\n")
    document = load_file(template, max_bytes=10_000)
    docs = []
    for n in range(count):
        meta = DocumentMeta(
            title=f"Briefing {n} <draft>", publisher="Wire", source=f"https://e.org/{n}"
        )
        docs.append(replace(document, path=f"{n}.md", meta=meta, digest=str(n)))
    return KnowledgeBase(directory=Path("k"), documents=tuple(docs))


def test_sources_split_into_messages_at_document_boundaries(tmp_path):
    messages = render_sources(knowledge(tmp_path, 150))
    assert len(messages) > 1
    for html in messages:
        assert length(html) <= MAX_MESSAGE
        assert html_problems(html) == []
    joined = "\n".join(messages)
    assert all(f"Briefing {n} &lt;draft&gt;" in joined for n in range(150))


def test_sources_are_listed_newest_first_with_dates_undated_last_in_order(tmp_path):
    base = knowledge(tmp_path, 5)
    days = [dt.date(2025, 11, 17), None, dt.date(2025, 11, 19), None, dt.date(2025, 11, 18)]
    documents = tuple(
        replace(d, meta=d.meta.model_copy(update={"published": day}))
        for d, day in zip(base.documents, days, strict=True)
    )
    (html,) = render_sources(replace(base, documents=documents))
    titles = [line.split(" &lt;")[0] for line in html.split("\n") if line.startswith("<b>")]
    assert titles[1:] == [f"<b>{n}. Briefing {d}" for n, d in enumerate([2, 4, 0, 1, 3], 1)]
    assert "Briefing 2 &lt;draft&gt;</b> \u2014 Wire, 19 Nov 2025" in html
    assert "Briefing 1 &lt;draft&gt;</b> \u2014 Wire\n" in html


def test_sources_of_an_empty_base(tmp_path):
    assert render_sources(knowledge(tmp_path, 0)) == ["I have no briefings loaded yet."]


def test_sources_count_one_briefing_and_one_sentence_in_the_singular(tmp_path):
    (html,) = render_sources(knowledge(tmp_path, 1))  # one document of one sentence
    assert html.startswith("<b>I have read 1 briefing:</b>")
    assert "\n1 sentence \u00b7 <a href=" in html
    (two,) = render_sources(knowledge(tmp_path, 2))
    assert two.startswith("<b>I have read 2 briefings:</b>")
