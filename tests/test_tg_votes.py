"""👍 and 👎 under an answer, through the Application: counted once per user, never a message."""

from __future__ import annotations

from bot.tg.votes import TOO_OLD
from testkit.telegram_updates import feed
from tests.conftest import ADMIN_ID, USER_ID, stored_bytes


def _buttons(call) -> list[str]:
    return [b["callback_data"] for b in call.params["reply_markup"]["inline_keyboard"][0]]


async def _answer(app, fake, updates) -> tuple[dict, int]:
    await feed(app, updates.message("when is Kalbajar handed over?", user=USER_ID))
    sent = fake.sent()[-1]
    more, up, down = _buttons(sent)
    question_id = int(up.split(":")[1])
    assert (more, up, down) == (f"more:{question_id}", f"up:{question_id}", f"down:{question_id}")
    return sent.result, question_id


async def test_a_vote_is_counted_once_per_user_and_can_change(
    stored_app, fake_telegram, updates, live_store
):
    answer, question_id = await _answer(stored_app, fake_telegram, updates)
    await feed(stored_app, updates.callback(f"up:{question_id}", answer, user=USER_ID))
    await feed(stored_app, updates.callback(f"up:{question_id}", answer, user=USER_ID))
    assert live_store.logged_question(question_id).votes.up == 1  # the same user, once
    await feed(stored_app, updates.callback(f"down:{question_id}", answer, user=ADMIN_ID))
    await feed(stored_app, updates.callback(f"down:{question_id}", answer, user=USER_ID))
    votes = live_store.logged_question(question_id).votes
    assert (votes.up, votes.down) == (0, 2)  # USER_ID changed their mind
    notices = [c.params["text"] for c in fake_telegram.sent("answerCallbackQuery")]
    assert notices[-1] == "Thanks! This answer has \U0001f44d 0 \u00b7 \U0001f44e 2."
    assert len(fake_telegram.sent()) == 1  # the answer only: votes post no message
    assert fake_telegram.sent("editMessageText") == []


async def test_a_vote_keeps_no_user_id(
    stored_app, fake_telegram, updates, live_store, store_target
):
    answer, question_id = await _answer(stored_app, fake_telegram, updates)
    await feed(stored_app, updates.callback(f"down:{question_id}", answer, user=987654321))
    live_store.close()
    assert b"987654321" not in stored_bytes(store_target)


async def test_a_vote_on_an_answer_no_longer_logged_is_too_old(stored_app, fake_telegram, updates):
    stranger = updates.raw_message("an old answer", user=USER_ID, chat=USER_ID)
    await feed(stored_app, updates.callback("up:999", stranger, user=USER_ID))
    assert fake_telegram.sent("answerCallbackQuery")[0].params["text"] == TOO_OLD


async def test_without_a_store_answers_offer_only_more(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.message("when is Kalbajar handed over?", user=USER_ID))
    assert _buttons(fake_telegram.sent()[0]) == ["more"]
