"""Inline mode, through the Application: cited articles, or a button when there are none."""

from __future__ import annotations

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
