"""Edited questions edit their answers: in place, after a restart, and anew when deleted."""

from __future__ import annotations

import datetime as dt

from testkit.telegram_html import html_problems
from testkit.telegram_updates import feed
from tests.conftest import GROUP_ID, USER_ID, recording_app

KALBAJAR = "whose <b>handover</b> was delayed until November 25"
LACHIN = "<b>Lachin</b> <b>corridor</b>"


async def test_an_edited_question_edits_its_answer_in_place_with_its_buttons(
    tg_app, fake_telegram, updates
):
    asked = updates.message("who guards the Lachin corridor?", user=USER_ID)
    await feed(tg_app, asked)
    (first,) = fake_telegram.sent()
    assert LACHIN in first.params["text"]
    await feed(tg_app, updates.edited(asked, "when is Kalbajar handed over?"))
    assert len(fake_telegram.sent()) == 1  # no new message
    (edit,) = fake_telegram.sent("editMessageText")
    assert edit.params["message_id"] == first.result["message_id"]
    assert KALBAJAR in edit.params["text"]
    assert html_problems(edit.params["text"]) == []
    assert edit.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "More"


async def test_the_same_question_again_is_no_error_and_a_deleted_answer_is_sent_anew(
    tg_app, fake_telegram, updates, caplog
):
    asked = updates.message("when is Kalbajar handed over?", user=USER_ID)
    await feed(tg_app, asked)
    first = fake_telegram.sent()[0].result
    await feed(tg_app, updates.edited(asked, "when is Kalbajar handed over? "))  # a space
    refused = [c for c in fake_telegram.calls if c.method == "editMessageText"]
    assert [c.status for c in refused] == [400]  # "message is not modified"
    assert len(fake_telegram.sent()) == 1
    assert "error" not in caplog.text.lower()

    fake_telegram.delete(USER_ID, first["message_id"])
    await feed(tg_app, updates.edited(asked, "who guards the Lachin corridor?"))
    sent = fake_telegram.sent()
    assert len(sent) == 2  # a new answer, since the old one is gone
    assert LACHIN in sent[1].params["text"]
    assert sent[1].params["reply_parameters"]["message_id"] == asked["message"]["message_id"]
    await feed(tg_app, updates.edited(asked, "when is Kalbajar handed over?"))
    last = fake_telegram.sent("editMessageText")[-1].params
    assert last["message_id"] == sent[1].result["message_id"]  # the new answer is edited
    assert KALBAJAR in last["text"]


async def test_small_talk_and_other_languages_edit_in_place_too(tg_app, fake_telegram, updates):
    asked = updates.message("thanks!", user=USER_ID)
    await feed(tg_app, asked)
    await feed(tg_app, updates.edited(asked, "Wann wird Kalbajar übergeben?"))
    (edit,) = fake_telegram.sent("editMessageText")
    assert edit.params["text"].startswith("Ich lese Briefings auf Englisch")
    assert len(fake_telegram.sent()) == 1


async def test_in_a_group_an_edited_ask_edits_and_other_edits_change_nothing(
    tg_app, fake_telegram, updates
):
    asked = updates.message("/ask who guards the Lachin corridor?", user=USER_ID, chat=GROUP_ID)
    await feed(tg_app, asked)
    answer = fake_telegram.sent()[0].result
    await feed(tg_app, updates.edited(asked, "/ask when is Kalbajar handed over?"))
    (edit,) = fake_telegram.sent("editMessageText")
    assert edit.params["message_id"] == answer["message_id"]
    assert KALBAJAR in edit.params["text"]
    await feed(tg_app, updates.edited(asked, "never mind, lunch?"))  # no longer for the bot
    await feed(tg_app, updates.edited(asked, "/ask"))
    chatter = updates.message("lunch at noon?", user=USER_ID, chat=GROUP_ID)
    await feed(tg_app, updates.edited(chatter, "lunch at one?"))
    assert len(fake_telegram.sent()) == 1
    assert len(fake_telegram.sent("editMessageText")) == 1


async def test_an_edit_of_a_message_never_answered_is_answered(tg_app, fake_telegram, updates):
    unseen = updates.message("who guards the Lachin corridor?", user=USER_ID)
    await feed(tg_app, updates.edited(unseen, "when is Kalbajar handed over?"))
    (sent,) = fake_telegram.sent()
    assert KALBAJAR in sent.params["text"]


async def test_the_link_outlives_a_restart_and_the_log_records_the_edit(
    tg_settings, fake_telegram, updates, live_store
):
    asked = updates.message("wen is kalbajar handed ovr", user=USER_ID)
    first = recording_app(tg_settings, fake_telegram, live_store)
    await first.initialize()
    await feed(first, asked)
    await first.shutdown()
    answer = fake_telegram.sent()[0].result
    again = recording_app(tg_settings, fake_telegram, live_store)  # a restart, same store
    await again.initialize()
    await feed(again, updates.edited(asked, "when is Kalbajar handed over?"))
    await again.shutdown()
    (edit,) = fake_telegram.sent("editMessageText")
    assert edit.params["message_id"] == answer["message_id"]
    assert KALBAJAR in edit.params["text"]
    logged = live_store.questions(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert [q.text for q in logged] == [
        "wen is kalbajar handed ovr",
        "when is Kalbajar handed over?",
    ]
    assert logged[1].edit_of == logged[0].id
    more = edit.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert more == f"more:{logged[1].id}"  # the buttons ask the edited question
