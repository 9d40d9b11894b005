"""How the bot sends: the More/Less button and multi-message replies."""

from __future__ import annotations

from telegram import Update

from bot.tg.replies import LESS, MORE, more_button, reply_all
from tests.conftest import USER_ID


def test_the_button_toggles_between_more_and_less():
    assert more_button().inline_keyboard[0][0].callback_data == MORE
    assert more_button(expanded=True).inline_keyboard[0][0].text == "Less"
    assert more_button(expanded=True).inline_keyboard[0][0].callback_data == LESS


async def test_reply_all_sends_in_order_the_first_as_a_reply(tg_app, fake_telegram, updates):
    update = Update.de_json(updates.message("/sources", user=USER_ID), tg_app.bot)
    assert update.message is not None
    await reply_all(update.message, ["<b>one</b>", "two", "three"])
    sent = fake_telegram.sent()
    assert [c.params["text"] for c in sent] == ["<b>one</b>", "two", "three"]
    assert "reply_parameters" in sent[0].params
    assert all("reply_parameters" not in c.params for c in sent[1:])
    assert all(c.params["parse_mode"] == "HTML" for c in sent)
