"""Inline mode, through the Application: cited articles, or a button when there are none."""

from __future__ import annotations

from bot.core import Match
from bot.tg.inline import inline_article
from bot.tg.render import DOUBTFUL
from testkit.telegram_html import html_problems
from testkit.telegram_updates import feed
from tests.conftest import USER_ID

KALBAJAR = "whose <b>handover</b> was delayed until November 25"


async def test_inline_query_offers_cited_articles(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.inline("when is Kalbajar handed over", user=USER_ID))
    params = fake_telegram.sent("answerInlineQuery")[0].params
    results = params["results"]
    assert results
    assert KALBAJAR in results[0]["input_message_content"]["message_text"]
    for result in results:
        content = result["input_message_content"]
        assert content["parse_mode"] == "HTML"
        assert html_problems(content["message_text"]) == []
        assert "<" not in result["title"]


async def test_inline_query_without_answer_offers_the_sources_button(
    tg_app, fake_telegram, updates
):
    await feed(tg_app, updates.inline("price of tea in Lisbon", user=USER_ID))
    params = fake_telegram.sent("answerInlineQuery")[0].params
    assert params["results"] == []
    assert params["button"]["start_parameter"] == "sources"


async def test_an_empty_inline_query_offers_help(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.inline("", user=USER_ID))
    params = fake_telegram.sent("answerInlineQuery")[0].params
    assert params["results"] == []
    assert params["button"]["start_parameter"] == "help"


def test_a_doubtful_inline_result_says_so_where_it_is_chosen_and_where_it_is_posted():
    match = Match(
        text="Ferries <may> run.", score=1.0, title="Ferries", section=None, publisher=None,
        source=None, file="f.md", position=1, paragraph=1, line=1,
    )  # fmt: skip
    sure = inline_article(0, match, "ferries?", ())
    doubtful = inline_article(0, match, "ferries?", (), doubtful=True)
    assert DOUBTFUL not in sure.description
    assert doubtful.description.startswith(DOUBTFUL)
    posted = doubtful.input_message_content.message_text
    assert f"<i>{DOUBTFUL}</i>\n<blockquote>Ferries &lt;may&gt; run.</blockquote>" in posted
    assert html_problems(posted) == []
