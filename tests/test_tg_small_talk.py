"""Small talk through the Application: a friendly reply with questions the knowledge answers."""

from __future__ import annotations

import pytest

from bot.tg.render import NO_ANSWER
from bot.tg.state import get_state
from testkit.fake_bot_api import only_reply
from testkit.telegram_html import html_problems
from testkit.telegram_updates import feed
from tests.conftest import GROUP_ID, USER_ID

KALBAJAR = "whose <b>handover</b> was delayed until November 25"


def examples_in(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("\u2022 <i>")]


@pytest.mark.parametrize(
    ("text", "opening"),
    [
        ("hi", "Hello!"),
        ("thanks!", "You are welcome!"),
        ("who are you?", "I am a bot that reads news briefings"),
        ("ok", "Anything else?"),
    ],
)
async def test_small_talk_gets_a_reply_and_examples_never_the_refusal(
    tg_app, fake_telegram, updates, text, opening
):
    await feed(tg_app, updates.message(text, user=USER_ID))
    reply = only_reply(fake_telegram)["text"]
    assert reply.startswith(opening)
    assert NO_ANSWER not in reply
    assert html_problems(reply) == []
    shown = examples_in(reply)
    assert 2 <= len(shown) <= 3
    assert all(line.startswith("\u2022 <i>What about ") for line in shown)


async def test_each_example_is_answered_when_asked(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.message("hello", user=USER_ID))
    questions = [
        line[len("\u2022 <i>") : -len("</i>")]
        for line in examples_in(only_reply(fake_telegram)["text"])
    ]
    for question in questions:
        answer = get_state(tg_app).answerer.ask(question.replace("&#x27;", "'"))
        assert answer.best is not None
        assert not answer.doubtful


async def test_in_a_group_examples_are_ask_commands_and_help_is_the_help_page(
    tg_app, fake_telegram, updates
):
    await feed(tg_app, updates.message("/ask hi", user=USER_ID, chat=GROUP_ID))
    shown = examples_in(only_reply(fake_telegram)["text"])
    assert shown
    assert all(line.startswith("\u2022 <i>/ask What about ") for line in shown)
    fake_telegram.calls.clear()
    await feed(tg_app, updates.message("help", user=USER_ID))
    reply = only_reply(fake_telegram)["text"]
    assert "<b>Private chat:</b>" in reply
    assert examples_in(reply)


async def test_goodbye_has_no_examples_and_a_greeting_before_a_question_is_answered(
    tg_app, fake_telegram, updates
):
    await feed(tg_app, updates.message("bye!", user=USER_ID))
    assert only_reply(fake_telegram)["text"] == "Goodbye! Ask me again any time."
    fake_telegram.calls.clear()
    await feed(tg_app, updates.message("Hi! When is Kalbajar handed over?", user=USER_ID))
    assert KALBAJAR in only_reply(fake_telegram)["text"]


async def test_small_talk_is_not_logged_as_a_question(tg_app, fake_telegram, updates, caplog):
    caplog.set_level("INFO")
    await feed(tg_app, updates.message("thanks!", user=USER_ID))
    assert "small talk chat=private kind=thanks" in caplog.text
    assert "question chat=" not in caplog.text
