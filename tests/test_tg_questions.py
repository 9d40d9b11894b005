"""Question handlers driven through a real PTB Application with real Update objects."""

from __future__ import annotations

import logging

import pytest

from bot.core import MAX_QUESTION_CHARS
from bot.tg import questions
from bot.tg.questions import ASK_USAGE
from bot.tg.render import NO_ANSWER
from bot.tg.state import get_state
from testkit.fake_bot_api import only_reply
from testkit.telegram_updates import feed
from tests.conftest import GROUP_ID, USER_ID

KALBAJAR = "whose <b>handover</b> was delayed until November 25"
TOO_LONG = "why " * (MAX_QUESTION_CHARS // 4 + 1)  # longer than the engine reads


async def test_private_question_quotes_marks_and_cites(tg_app, fake_telegram, updates):
    update = updates.message("when is Kalbajar handed over?", user=USER_ID)
    await feed(tg_app, update)
    params = only_reply(fake_telegram)
    assert KALBAJAR in params["text"]
    assert "<b>Kalbajar</b>" in params["text"]
    assert params["text"].startswith("<b>November 25</b>\n<blockquote>")  # the fact first
    assert "The Moscow Times" in params["text"]
    assert 'href="https://www.themoscowtimes.com/' in params["text"]
    assert params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "more"


async def test_no_answer_says_so_and_points_to_sources(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.message("What is the price of tea in Lisbon?", user=USER_ID))
    params = only_reply(fake_telegram)
    assert params["text"] == NO_ANSWER
    assert "/sources" in params["text"]
    assert "reply_markup" not in params


@pytest.mark.parametrize(
    "text",
    ["/ask when is Kalbajar handed over?", "/ask@BriefingTestBot when is Kalbajar handed over?"],
)
async def test_group_ask_replies_to_the_asker(tg_app, fake_telegram, updates, text):
    update = updates.message(text, user=USER_ID, chat=GROUP_ID)
    await feed(tg_app, update)
    params = only_reply(fake_telegram)
    assert params["chat_id"] == GROUP_ID
    assert KALBAJAR in params["text"]
    assert params["reply_parameters"]["message_id"] == update["message"]["message_id"]


async def test_group_ask_for_another_bot_and_chatter_get_nothing(tg_app, fake_telegram, updates):
    await feed(
        tg_app,
        updates.message("/ask@OtherBot when is Kalbajar handed over?", user=1, chat=GROUP_ID),
    )
    await feed(
        tg_app, updates.message("when is Kalbajar handed over?", user=USER_ID, chat=GROUP_ID)
    )
    other = updates.raw_message("lunch?", user=7, chat=GROUP_ID)
    await feed(
        tg_app, updates.message("yes, at noon", user=USER_ID, chat=GROUP_ID, reply_to=other)
    )
    assert fake_telegram.sent() == []


async def test_bare_ask_gets_usage_and_ask_as_reply_asks_that_message(
    tg_app, fake_telegram, updates
):
    await feed(tg_app, updates.message("/ask", user=USER_ID, chat=GROUP_ID))
    assert fake_telegram.sent()[0].params["text"] == ASK_USAGE
    asked = updates.raw_message("When is Kalbajar handed over?", user=7, chat=GROUP_ID)
    command = updates.message("/ask", user=USER_ID, chat=GROUP_ID, reply_to=asked)
    await feed(tg_app, command)
    reply = fake_telegram.sent()[1].params
    assert KALBAJAR in reply["text"]
    assert reply["reply_parameters"]["message_id"] == command["message"]["message_id"]


async def test_reply_to_the_bots_answer_is_a_follow_up(tg_app, fake_telegram, updates):
    await feed(
        tg_app, updates.message("/ask when is Kalbajar handed over?", user=USER_ID, chat=GROUP_ID)
    )
    answer = fake_telegram.sent()[0].result
    follow = updates.message(
        "who guards the Lachin corridor?", user=7, chat=GROUP_ID, reply_to=answer
    )
    await feed(tg_app, follow)
    reply = fake_telegram.sent()[1].params
    assert "<b>guard</b> the strategic <b>Lachin</b> <b>corridor</b>" in reply["text"]
    assert reply["reply_parameters"]["message_id"] == follow["message"]["message_id"]


async def test_per_user_rate_limit_warns_once(tg_app, fake_telegram, updates):
    get_state(tg_app).throttle.per_minute = 2
    for _ in range(4):
        await feed(tg_app, updates.message("when is Kalbajar handed over?", user=USER_ID))
    await feed(tg_app, updates.message("when is Kalbajar handed over?", user=USER_ID + 1))
    texts = [c.params["text"] for c in fake_telegram.sent()]
    assert len(texts) == 4
    assert "asking quickly" in texts[2]
    assert KALBAJAR in texts[3]  # another user is not affected


async def test_too_long_question_is_refused_politely(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.message(TOO_LONG, user=USER_ID))
    assert "I cannot look that up" in only_reply(fake_telegram)["text"]


async def test_one_info_line_per_question(tg_app, updates, caplog):
    with caplog.at_level(logging.INFO, logger="bot.tg.questions"):
        await feed(tg_app, updates.message("when is Kalbajar handed over?", user=USER_ID))
        await feed(tg_app, updates.message("/ask price of tea?", user=USER_ID, chat=GROUP_ID))
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.tg.questions"]
    assert len(lines) == 2
    assert lines[0].startswith("question chat=private latency_ms=")
    assert "answered=yes top_score=" in lines[0]
    assert "chat=supergroup" in lines[1]
    assert "answered=no top_score=-" in lines[1]


async def test_a_terse_follow_up_leans_on_the_question_it_replies_to(
    tg_app, fake_telegram, updates
):
    await feed(
        tg_app, updates.message("/ask when is Kalbajar handed over?", user=USER_ID, chat=GROUP_ID)
    )
    answer = fake_telegram.sent()[0].result
    await feed(tg_app, updates.message("why so late?", user=7, chat=GROUP_ID, reply_to=answer))
    assert KALBAJAR in fake_telegram.sent()[1].params["text"]


async def test_a_private_reply_to_an_answer_is_a_follow_up_too(
    tg_app, fake_telegram, updates, monkeypatch
):
    await feed(tg_app, updates.message("when is Kalbajar handed over?", user=USER_ID))
    answer = fake_telegram.sent()[0].result
    await feed(tg_app, updates.message("why so late?", user=USER_ID, reply_to=answer))
    assert KALBAJAR in fake_telegram.sent()[1].params["text"]
    # Without replying, within a few minutes of the answer: still read after it.
    await feed(tg_app, updates.message("why so late?", user=USER_ID))
    assert KALBAJAR in fake_telegram.sent()[2].params["text"]
    # Long after it, the same words are a question of their own, which the briefing lacks.
    monkeypatch.setattr(questions, "FOLLOW_UP_SECONDS", -1.0)
    await feed(tg_app, updates.message("why so late?", user=USER_ID))
    assert fake_telegram.sent()[3].params["text"] == NO_ANSWER


async def test_a_private_follow_up_leans_on_the_last_answer_and_a_new_question_does_not(
    tg_app, fake_telegram, updates
):
    await feed(tg_app, updates.message("Which districts must be returned?", user=USER_ID))
    await feed(tg_app, updates.message("by when?", user=USER_ID))
    assert "completion deadline of Dec. 1" in fake_telegram.sent()[1].params["text"]
    await feed(tg_app, updates.message("When is Kalbajar handed over?", user=USER_ID))
    assert KALBAJAR in fake_telegram.sent()[2].params["text"]
