"""/remove through the Application: confirmed by a button, all or nothing, admins only."""

from __future__ import annotations

import time

from bot.removing import TRASH, Pending
from bot.tg.admin import REFUSAL
from bot.tg.removal import EXPIRED, PENDING_SECONDS, USAGE
from bot.tg.state import get_state
from testkit.telegram_html import html_problems
from testkit.telegram_updates import feed
from tests.conftest import ADMIN_ID, GROUP_ID, LITHIUM, USER_ID


def buttons(params) -> list[tuple[str, str]]:
    rows = params["reply_markup"]["inline_keyboard"]
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


async def ask_to_remove(tg_app, fake, updates, text: str):
    await feed(tg_app, updates.message(text, user=ADMIN_ID))
    sent = fake.sent()[-1]
    assert html_problems(sent.params["text"]) == []
    return sent


async def test_an_admin_confirms_and_the_briefing_goes_for_a_week(
    tg_app, fake_telegram, updates, tg_settings
):
    (tg_settings.knowledge_dir / "lithium.md").write_text(LITHIUM)
    await feed(tg_app, updates.message("/reload", user=ADMIN_ID))
    asked = await ask_to_remove(tg_app, fake_telegram, updates, "/remove lithium.md")
    assert asked.params["text"].startswith(
        "Remove <b>lithium.md</b> (\u201cLithium briefing\u201d"
    )
    (remove, confirm), (cancel, _) = buttons(asked.params)
    assert remove == "Remove lithium.md"
    assert cancel == "Cancel"
    assert len(get_state(tg_app).answerer.base.documents) == 2  # nothing yet
    await feed(tg_app, updates.callback(confirm, asked.result, user=ADMIN_ID))
    edit = fake_telegram.sent("editMessageText")[-1].params
    assert edit["message_id"] == asked.result["message_id"]
    assert edit["text"].startswith("1 briefing removed: lithium.md (\u201cLithium briefing\u201d,")
    assert "1 sentence), kept in .trash/" in edit["text"]
    assert "1 document" in edit["text"]
    assert "Removed: lithium.md" in edit["text"]
    assert not (tg_settings.knowledge_dir / "lithium.md").exists()
    assert list((tg_settings.knowledge_dir / TRASH).rglob("lithium.md"))
    assert [d.path for d in get_state(tg_app).answerer.base.documents] == ["nagorno-karabakh.md"]
    await feed(tg_app, updates.callback(confirm, asked.result, user=ADMIN_ID))  # twice
    assert fake_telegram.sent("editMessageText")[-1].params["text"] == EXPIRED


async def test_cancel_keeps_it_and_others_may_not_press(
    tg_app, fake_telegram, updates, tg_settings
):
    asked = await ask_to_remove(tg_app, fake_telegram, updates, "/remove nagorno-karabakh.md")
    (_, confirm), (_, cancel) = buttons(asked.params)
    await feed(tg_app, updates.callback(confirm, asked.result, user=USER_ID))
    (alert,) = fake_telegram.sent("answerCallbackQuery")
    assert alert.params["text"] == REFUSAL
    assert (tg_settings.knowledge_dir / "nagorno-karabakh.md").is_file()
    await feed(tg_app, updates.callback(cancel, asked.result, user=ADMIN_ID))
    assert fake_telegram.sent("editMessageText")[-1].params["text"] == (
        "Kept <b>nagorno-karabakh.md</b>."
    )
    assert (tg_settings.knowledge_dir / "nagorno-karabakh.md").is_file()


async def test_removing_the_last_briefing_fails_and_changes_nothing(
    tg_app, fake_telegram, updates, tg_settings
):
    before = get_state(tg_app).answerer
    asked = await ask_to_remove(tg_app, fake_telegram, updates, "/remove nagorno-karabakh.md")
    (_, confirm), _ = buttons(asked.params)
    await feed(tg_app, updates.callback(confirm, asked.result, user=ADMIN_ID))
    text = fake_telegram.sent("editMessageText")[-1].params["text"]
    assert "<b>Removing nagorno-karabakh.md failed.</b>" in text
    assert "Nothing changed: I still answer from 1 document." in text
    assert (tg_settings.knowledge_dir / "nagorno-karabakh.md").is_file()
    assert get_state(tg_app).answerer is before
    assert not any((tg_settings.knowledge_dir / TRASH).rglob("*.md"))


async def test_unknown_names_usage_strangers_and_old_confirmations(
    tg_app, fake_telegram, updates, tg_settings
):
    close = await ask_to_remove(tg_app, fake_telegram, updates, "/remove nagorno.md")
    assert "Did you mean nagorno-karabakh.md?" in close.params["text"]
    assert "reply_markup" not in close.params
    usage = await ask_to_remove(tg_app, fake_telegram, updates, "/remove")
    assert usage.params["text"].startswith(USAGE)
    assert "\u2022 nagorno-karabakh.md" in usage.params["text"]
    await feed(tg_app, updates.message("/remove nagorno-karabakh.md", user=USER_ID, chat=GROUP_ID))
    assert fake_telegram.sent()[-1].params["text"] == REFUSAL
    state = get_state(tg_app)
    state.removals["0123abcd"] = Pending(
        "nagorno-karabakh.md", time.monotonic() - PENDING_SECONDS - 1
    )
    await feed(tg_app, updates.callback("rm:0123abcd", usage.result, user=ADMIN_ID))
    assert fake_telegram.sent("editMessageText")[-1].params["text"] == EXPIRED
    assert (tg_settings.knowledge_dir / "nagorno-karabakh.md").is_file()
