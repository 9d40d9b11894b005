"""The More/Less button, through the Application: answers expanded and collapsed in place."""

from __future__ import annotations

from bot.tg.more_button import EXPIRED
from testkit.telegram_html import html_problems
from testkit.telegram_updates import feed
from tests.conftest import USER_ID

KALBAJAR = "whose <b>handover</b> was delayed until November 25"


async def test_more_expands_and_less_collapses_by_editing(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.message("when is Kalbajar handed over?", user=USER_ID))
    answer = fake_telegram.sent()[0].result
    await feed(tg_app, updates.callback("more", answer, user=USER_ID))
    edit = fake_telegram.sent("editMessageText")[0].params
    assert edit["message_id"] == answer["message_id"]
    assert "Also relevant" in edit["text"]
    assert KALBAJAR in edit["text"]
    assert edit["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "less"
    assert html_problems(edit["text"]) == []
    await feed(tg_app, updates.callback("less", answer, user=USER_ID))
    collapsed = fake_telegram.sent("editMessageText")[1].params
    assert collapsed["text"] == fake_telegram.sent()[0].params["text"]
    assert len(fake_telegram.sent()) == 1  # edited in place, never a new message
    assert len(fake_telegram.sent("answerCallbackQuery")) == 2


async def test_more_on_a_forgotten_answer_says_it_expired(tg_app, fake_telegram, updates):
    stranger = updates.raw_message("an old answer", user=USER_ID, chat=USER_ID)
    await feed(tg_app, updates.callback("more", stranger, user=USER_ID))
    assert fake_telegram.sent("answerCallbackQuery")[0].params["text"] == EXPIRED
    assert fake_telegram.sent("editMessageText") == []


async def test_a_double_tap_is_harmless(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.message("when is Kalbajar handed over?", user=USER_ID))
    answer = fake_telegram.sent()[0].result
    fake_telegram.fault = lambda method, params: (
        (
            400,
            {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: message is not modified",
            },
        )
        if method == "editMessageText"
        else None
    )
    await feed(tg_app, updates.callback("less", answer, user=USER_ID))
    assert len(fake_telegram.sent()) == 1  # no apology: nothing went wrong for the user


async def test_more_works_on_an_answer_sent_before_a_restart(
    stored_app, tg_settings, fake_telegram, updates, live_store
):
    from bot.core import build_answerer
    from bot.tg.app import build_application
    from testkit.fake_bot_api import RecordingRequest

    await feed(stored_app, updates.message("when is Kalbajar handed over?", user=USER_ID))
    sent = fake_telegram.sent()[0]
    more = sent.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    answer = dict(sent.result)
    answer.pop("reply_to_message", None)  # the question itself cannot be read from it
    restarted = build_application(  # nothing remembered in memory: only the store
        tg_settings,
        build_answerer(tg_settings.engine()),
        store=live_store,
        request=RecordingRequest(fake_telegram),
    )
    await restarted.initialize()
    try:
        await feed(restarted, updates.callback(more, answer, user=USER_ID))
    finally:
        await restarted.shutdown()
    edit = fake_telegram.sent("editMessageText")[0].params
    assert KALBAJAR in edit["text"]
    assert "Also relevant" in edit["text"]
    buttons = [b["callback_data"] for b in edit["reply_markup"]["inline_keyboard"][0]]
    question_id = more.split(":")[1]
    assert buttons == [f"less:{question_id}", f"up:{question_id}", f"down:{question_id}"]
