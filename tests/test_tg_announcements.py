"""Subscriptions: who may subscribe, and new briefings announced once to each subscriber."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.tg.announcements import NO_STORE, start_announcing, stop_announcing
from bot.tg.app import BotApp
from bot.tg.state import STATE_KEY
from testkit.fake_bot_api import error
from testkit.telegram_updates import feed
from tests.conftest import ADMIN_ID, GROUP_ID, LITHIUM, USER_ID, last_text, recording_app

READERS = (2001, 2002, 2003)


@pytest.fixture
async def app(tg_settings, fake_telegram, live_store) -> AsyncIterator[BotApp]:
    started = recording_app(tg_settings, fake_telegram, live_store)
    await started.initialize()
    start_announcing(started.bot_data[STATE_KEY], started.bot)
    yield started
    await stop_announcing(started.bot_data[STATE_KEY])
    await started.shutdown()


async def announced(fake, count: int, within: float = 10.0) -> list:
    """The announcements sent, once there are ``count`` of them."""
    for _ in range(int(within / 0.05)):
        found = [c for c in fake.sent() if c.params.get("text", "").startswith("\U0001f195")]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} announcements")


async def test_a_private_chat_subscribes_and_unsubscribes(app, fake_telegram, updates):
    await feed(app, updates.message("/subscribe", user=USER_ID))
    assert last_text(fake_telegram).startswith("Subscribed: this chat gets a message")
    await feed(app, updates.message("/subscribe", user=USER_ID))
    assert last_text(fake_telegram).startswith("This chat is already subscribed that way.")
    await feed(app, updates.message("/unsubscribe", user=USER_ID))
    assert last_text(fake_telegram).startswith("Unsubscribed: no more messages")
    await feed(app, updates.message("/unsubscribe", user=USER_ID))
    assert last_text(fake_telegram).startswith("This chat was not subscribed.")


async def test_in_a_group_only_its_admins_subscribe_it(app, fake_telegram, updates):
    await feed(app, updates.message("/subscribe", user=USER_ID, chat=GROUP_ID))
    assert last_text(fake_telegram) == "Only this group's admins can change its subscription."
    fake_telegram.chat_admins[GROUP_ID] = {USER_ID}
    await feed(app, updates.message("/subscribe", user=USER_ID, chat=GROUP_ID))
    assert last_text(fake_telegram).startswith("Subscribed: this group gets a message")
    state = app.bot_data[STATE_KEY]
    assert state.store.subscribers(bot_id=app.bot.id) == [GROUP_ID]


async def test_a_new_briefing_is_announced_once_to_each_and_a_blocked_reader_dropped(
    app, fake_telegram, updates
):
    for reader in READERS:
        await feed(app, updates.message("/subscribe", user=reader))
    blocked = READERS[1]

    def blocked_by(method, params):
        if method == "sendMessage" and int(params["chat_id"]) == blocked:
            return error(403, "Forbidden: bot was blocked by the user")
        return None

    fake_telegram.fault = blocked_by
    fake_telegram.add_file("doc-1", LITHIUM.encode())
    await feed(app, updates.document("lithium.md", "doc-1", len(LITHIUM), user=ADMIN_ID))
    found = await announced(fake_telegram, 2)
    await asyncio.sleep(0.3)  # nothing more comes
    assert sorted(int(c.params["chat_id"]) for c in found) == [READERS[0], READERS[2]]
    assert len(await announced(fake_telegram, 2)) == 2
    text = found[0].params["text"]
    assert text.startswith("\U0001f195 <b>New briefing</b>\n\n1. <b>Lithium briefing</b>")
    assert '<a href="https://example.org/lithium">Read the source</a>' in text
    button = found[0].params["reply_markup"]["inline_keyboard"][0][0]
    assert button["url"].endswith("?start=ask")
    state = app.bot_data[STATE_KEY]
    assert state.store.subscribers(bot_id=app.bot.id) == [READERS[0], READERS[2]]
    assert state.store.delivery_counts(bot_id=app.bot.id) == {"sent": 2, "dropped": 1}


async def test_ask_about_it_opens_with_example_questions(app, fake_telegram, updates):
    await feed(app, updates.message("/start ask", user=USER_ID))
    text = last_text(fake_telegram)
    assert text.startswith("Ask me anything about the briefings")
    assert "What about " in text


async def test_without_a_store_subscriptions_say_so(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.message("/subscribe", user=USER_ID))
    assert last_text(fake_telegram) == NO_STORE


async def test_a_store_failure_pauses_the_sender_and_it_goes_on_after(
    app, fake_telegram, updates, monkeypatch
):
    import bot.tg.announcements as announcements
    from bot.store import StoreError

    state = app.bot_data[STATE_KEY]
    monkeypatch.setattr(announcements, "RETRY_SECONDS", 0.01)
    real, failures = state.store.take_delivery, []

    def flaky(*, bot_id):
        if len(failures) < 2:
            failures.append(1)
            raise StoreError(state.store.path, "cannot read: disk I/O error")
        return real(bot_id=bot_id)

    await feed(app, updates.message("/subscribe", user=READERS[0]))
    monkeypatch.setattr(state.store, "take_delivery", flaky)
    fake_telegram.add_file("doc-1", LITHIUM.encode())
    await feed(app, updates.document("lithium.md", "doc-1", len(LITHIUM), user=ADMIN_ID))
    (sent,) = await announced(fake_telegram, 1)
    assert int(sent.params["chat_id"]) == READERS[0]
    assert len(failures) == 2
    assert not state.announcer.task.done()  # still sending


async def test_a_daily_subscriber_gets_one_digest_a_day_of_what_arrived_since(
    app, fake_telegram, updates
):
    import datetime as dt

    from bot.tg.announcements import plan_due_digests

    state = app.bot_data[STATE_KEY]
    await feed(app, updates.message("/subscribe daily 25", user=READERS[0]))
    assert last_text(fake_telegram) == "The hour is 0 to 23 (UTC): /subscribe daily 8 for 08:00."
    await feed(app, updates.message("/subscribe daily 0", user=READERS[0]))
    assert last_text(fake_telegram).startswith(
        "Subscribed: this chat gets one message a day at 00:00 UTC"
    )
    await feed(app, updates.message("/subscribe", user=READERS[1]))  # each, as it comes
    fake_telegram.add_file("doc-1", LITHIUM.encode())
    await feed(app, updates.document("lithium.md", "doc-1", len(LITHIUM), user=ADMIN_ID))
    (each,) = await announced(fake_telegram, 1)
    assert int(each.params["chat_id"]) == READERS[1]  # the daily one waits for its hour
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert await plan_due_digests(state, state.announcer, tomorrow) == 1
    found = await announced(fake_telegram, 2)
    daily = [c for c in found if int(c.params["chat_id"]) == READERS[0]]
    assert (
        daily[0]
        .params["text"]
        .startswith(
            "\U0001f195 <b>Your daily digest: new briefing</b>\n\n1. <b>Lithium briefing</b>"
        )
    )
    assert await plan_due_digests(state, state.announcer, tomorrow) == 0  # once a day
