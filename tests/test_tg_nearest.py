"""The nearest sections under "not found": buttons that show how each section begins."""

from __future__ import annotations

from bot.tg.more_button import EXPIRED
from bot.tg.render import NEAREST, NO_ANSWER
from testkit.telegram_html import html_problems
from testkit.telegram_updates import feed
from tests.conftest import USER_ID

UNANSWERED = "How many tanks did Armenia lose?"  # near the briefing, not in it


def buttons(params: dict) -> list[tuple[str, str]]:
    rows = params["reply_markup"]["inline_keyboard"]
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


async def test_a_refusal_offers_the_nearest_sections_and_shows_how_one_begins(
    tg_app, fake_telegram, updates
):
    await feed(tg_app, updates.message(UNANSWERED, user=USER_ID))
    refusal = fake_telegram.sent()[0]
    assert NO_ANSWER in refusal.params["text"]
    assert NEAREST in refusal.params["text"]
    offered = buttons(refusal.params)
    assert 1 <= len(offered) <= 3
    labels = [label for label, _ in offered]
    assert len(set(labels)) == len(labels)  # each section once
    assert all(data.startswith("near:") for _, data in offered)
    label, data = offered[-1]
    await feed(tg_app, updates.callback(data, refusal.result, user=USER_ID))
    edit = fake_telegram.sent("editMessageText")[0].params
    assert edit["message_id"] == refusal.result["message_id"]
    assert NO_ANSWER in edit["text"]
    assert "<blockquote>" in edit["text"]
    assert label in edit["text"]  # the section's citation
    assert buttons(edit) == offered  # another can still be read
    assert html_problems(edit["text"]) == []
    assert len(fake_telegram.sent()) == 1  # edited in place


async def test_a_section_button_of_a_forgotten_refusal_says_it_expired(
    tg_app, fake_telegram, updates
):
    stranger = updates.raw_message("an old refusal", user=USER_ID, chat=USER_ID)
    await feed(tg_app, updates.callback("near:0", stranger, user=USER_ID))
    assert fake_telegram.sent("answerCallbackQuery")[0].params["text"] == EXPIRED
    assert fake_telegram.sent("editMessageText") == []


async def test_a_section_beyond_those_offered_now_says_it_expired(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.message(UNANSWERED, user=USER_ID))
    refusal = fake_telegram.sent()[0].result
    await feed(tg_app, updates.callback("near:9", refusal, user=USER_ID))
    assert fake_telegram.sent("answerCallbackQuery")[0].params["text"] == EXPIRED


async def test_a_refusal_with_nothing_near_has_no_buttons(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.message("qwxz vbnm", user=USER_ID))
    refusal = fake_telegram.sent()[0].params
    assert refusal["text"] == NO_ANSWER
    assert refusal.get("reply_markup") is None
