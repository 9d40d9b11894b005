"""A question in another language gets a note in it and in English, never the refusal."""

from __future__ import annotations

from bot.tg.languages import language_note
from bot.tg.render import NO_ANSWER
from testkit.fake_bot_api import only_reply
from testkit.telegram_html import html_problems
from testkit.telegram_updates import feed
from tests.conftest import USER_ID


async def test_a_german_question_gets_the_note_in_german_and_english(
    tg_app, fake_telegram, updates, caplog
):
    caplog.set_level("INFO")
    await feed(tg_app, updates.message("Wann wird Kalbajar übergeben?", user=USER_ID))
    reply = only_reply(fake_telegram)["text"]
    assert reply.startswith("Ich lese Briefings auf Englisch")
    assert "It looks like you wrote in German. I read briefings in English" in reply
    assert "<i>What about " in reply  # a question to ask instead
    assert NO_ANSWER not in reply
    assert html_problems(reply) == []
    assert "other language chat=private language=de" in caplog.text


def test_a_language_without_a_note_of_its_own_gets_english_with_its_name():
    note = language_note("hy", "What about Russian peacekeepers?")
    assert note.startswith("It looks like you wrote in Armenian.")
    assert note.endswith("For example: <i>What about Russian peacekeepers?</i>")
    assert "\n" not in note


def test_without_an_example_the_note_still_reads_whole():
    note = language_note("ru", None)
    assert note.startswith("Я читаю брифинги")
    assert note.endswith("answer questions asked in English.")
