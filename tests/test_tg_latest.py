"""/latest and "what's new?": the newest briefings, in private and in groups, never the refusal."""

from __future__ import annotations

import shutil

import pytest

from bot.core import build_answerer, day_text
from bot.tg.app import build_application
from bot.tg.state import STATE_KEY
from testkit.fake_bot_api import RecordingRequest
from testkit.telegram_updates import feed
from tests.conftest import FIXTURES, GROUP_ID, USER_ID, last_text


@pytest.fixture
async def news_app(tg_settings, fake_telegram, tmp_path):
    knowledge = tmp_path / "news"
    shutil.copytree(FIXTURES / "dated-news" / "knowledge", knowledge)
    settings = tg_settings.model_copy(update={"knowledge_dir": knowledge})
    app = build_application(
        settings, build_answerer(settings.engine()), request=RecordingRequest(fake_telegram)
    )
    await app.initialize()
    yield app
    await app.shutdown()


async def test_latest_lists_the_newest_briefings_newest_first(news_app, fake_telegram, updates):
    await feed(news_app, updates.message("/latest", user=USER_ID))
    text = last_text(fake_telegram)
    assert text.startswith("<b>The newest briefings</b> (3 of 7):")
    days = [
        line.rsplit(", ", 1)[-1] for line in text.splitlines() if line[:2] in ("1.", "2.", "3.")
    ]
    base = news_app.bot_data[STATE_KEY].answerer.base
    newest = sorted((d.meta.published for d in base.documents), reverse=True)[:3]
    assert days == [day_text(day) for day in newest]
    assert text.count("Sections: ") + text.count("<blockquote>") == 1  # the newest only
    assert text.endswith("Ask me about any of them: your question; /sources lists them all.")


@pytest.mark.parametrize("asked", ["what's new?", "Hi! Any news?", "catch me up"])
async def test_asking_what_is_new_gets_the_digest_and_is_not_logged(
    news_app, fake_telegram, updates, asked, caplog
):
    with caplog.at_level("INFO"):
        await feed(news_app, updates.message(asked, user=USER_ID))
    assert last_text(fake_telegram).startswith("<b>The newest briefings</b>")
    assert "whats new chat=private" in caplog.text
    assert "question chat=" not in caplog.text


async def test_in_a_group_ask_what_is_new_and_a_subject_is_still_a_question(
    news_app, fake_telegram, updates
):
    await feed(news_app, updates.message("/ask what's new?", user=USER_ID, chat=GROUP_ID))
    assert "Ask me about any of them: /ask your question" in last_text(fake_telegram)
    await feed(news_app, updates.message("what's the latest on the bus strike?", user=USER_ID))
    assert "<blockquote>" in last_text(fake_telegram)  # answered from a briefing
    assert not last_text(fake_telegram).startswith("<b>The newest briefings</b>")


async def test_one_briefing_is_the_newest_briefing(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.message("/latest", user=USER_ID))
    text = last_text(fake_telegram)
    assert text.startswith("<b>The newest briefing</b>:\n\n1. <b>After Military Defeat")
    assert "Sections: " in text
    assert "/sources lists them all" not in text


async def test_a_day_named_lists_its_briefing_or_the_nearest_days(
    news_app, fake_telegram, updates
):
    await feed(news_app, updates.message("what did it say on 9 March?", user=USER_ID))
    text = last_text(fake_telegram)
    assert text.startswith(
        "<b>The briefing of 9 Mar 2026</b>:\n\n1. <b>Kestrel Bay briefing, Monday"
    )
    await feed(news_app, updates.message("what was new on 7 March?", user=USER_ID))
    assert last_text(fake_telegram) == (
        "I have no briefing of 7 Mar 2026. The nearest: 9 Mar 2026, 6 Mar 2026, 5 Mar 2026."
    )


async def test_a_question_narrowed_to_a_day_or_a_briefing_is_answered_from_it(
    news_app, fake_telegram, updates
):
    asked = "what did the 5 March briefing say about the bus strike?"
    await feed(news_app, updates.message(asked, user=USER_ID))
    text = last_text(fake_telegram)
    assert "agreed on Thursday to end the <b>strike</b>" in text
    assert "5 Mar 2026" in text
    asked = "in the Monday 2 March briefing, who leads the drivers' union?"
    await feed(news_app, updates.message(asked, user=USER_ID))
    assert "Ana Voss" in last_text(fake_telegram)
    await feed(
        news_app, updates.message("in the Syunik briefing, how many lost power?", user=USER_ID)
    )
    assert (
        last_text(fake_telegram)
        == "I have no briefing called \u201cSyunik\u201d. /sources lists them."
    )
