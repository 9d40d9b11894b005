"""Updates written down before Telegram forgets them, marked done once answered, replayed."""

from __future__ import annotations

import json
import logging

from telegram import Update

from bot.store import StoreWriteError, open_store
from bot.tg.durable import MAX_REPLAYS, RecordingQueue, replay_unfinished
from testkit.fake_bot_api import BOT_USER, only_reply
from testkit.telegram_updates import feed
from tests.conftest import USER_ID, expire_leases, recording_app

BOT = BOT_USER["id"]  # getMe's id, which the fake Bot API gives the bot (not the token's prefix)


def _update(app, updates, text: str = "when is Kalbajar handed over?") -> Update:
    return Update.de_json(updates.message(text, user=USER_ID), app.bot)


async def test_an_update_is_recorded_before_it_is_queued(stored_app, updates, live_store):
    queue = stored_app.update_queue
    assert isinstance(queue, RecordingQueue)
    update = _update(stored_app, updates)
    await queue.put(update)
    assert [i for i, _ in live_store.unfinished_updates(bot_id=BOT)] == [update.update_id]
    assert queue.get_nowait() is update


async def test_a_redelivered_update_is_answered_once(stored_app, updates, live_store):
    queue = stored_app.update_queue
    update = _update(stored_app, updates)
    await queue.put(update)
    await queue.put(Update.de_json(json.loads(update.to_json()), stored_app.bot))  # again
    assert queue.qsize() == 1


async def test_an_answered_update_is_marked_done(stored_app, fake_telegram, updates, live_store):
    raw = updates.message("when is Kalbajar handed over?", user=USER_ID)
    await stored_app.update_queue.put(Update.de_json(raw, stored_app.bot))
    await feed(stored_app, raw)  # the handlers, as the Application runs them
    assert len(fake_telegram.sent()) == 1
    assert live_store.unfinished_updates(bot_id=BOT) == []


async def test_a_failed_handler_still_marks_its_update_done(
    stored_app, fake_telegram, updates, live_store
):
    fake_telegram.fault = lambda method, params: (
        (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
        if method == "sendMessage"
        else None
    )
    raw = updates.message("when is Kalbajar handed over?", user=USER_ID)
    await stored_app.update_queue.put(Update.de_json(raw, stored_app.bot))
    await feed(stored_app, raw)
    assert live_store.unfinished_updates(bot_id=BOT) == []  # never retried forever after a restart


async def test_updates_left_unfinished_are_replayed_first(
    stored_app, updates, live_store, last_run
):
    first = updates.message("when is Kalbajar handed over?", user=USER_ID)
    second = updates.message("who guards the Lachin corridor?", user=USER_ID)
    last_run.record_updates([(u["update_id"], json.dumps(u)) for u in (first, second)], bot_id=BOT)
    last_run.finish_update(first["update_id"], bot_id=BOT)
    last_run.record_updates([(99, "{not json")], bot_id=BOT)  # unreadable: never blocks a start
    queue = stored_app.update_queue
    assert await replay_unfinished(queue, stored_app.bot) == 1
    replayed = queue.get_nowait()
    assert isinstance(replayed, Update)
    assert replayed.update_id == second["update_id"]
    assert replayed.message.text == "who guards the Lachin corridor?"
    assert queue.empty()
    # The unreadable one is marked done; the replayed one is done once it is answered.
    assert [i for i, _ in live_store.unfinished_updates(bot_id=BOT)] == [second["update_id"]]


async def test_an_update_that_keeps_killing_the_bot_is_given_up(stored_app, updates, live_store):
    raw = updates.message("when is Kalbajar handed over?", user=USER_ID)
    live_store.record_updates([(raw["update_id"], json.dumps(raw))], bot_id=BOT)
    queue = stored_app.update_queue
    for _ in range(MAX_REPLAYS):  # each start replays it, and (say) dies answering it
        expire_leases(live_store)
        assert await replay_unfinished(queue, stored_app.bot) == 1
        queue.get_nowait()
    expire_leases(live_store)
    assert await replay_unfinished(queue, stored_app.bot) == 0  # the next start gives up
    assert queue.empty()
    assert live_store.unfinished_updates(bot_id=BOT) == []


class FailingStore:
    """A store whose disk is full: recording raises, as ``SqliteStore`` does then."""

    def record_updates(self, updates, *, bot_id):
        raise StoreWriteError("state.db", "database or disk is full")


async def test_an_update_the_store_cannot_record_is_still_answered(updates, stored_app):
    queue = RecordingQueue(FailingStore())  # type: ignore[arg-type]
    update = _update(stored_app, updates)
    await queue.put(update)
    assert queue.get_nowait() is update


async def test_without_a_store_the_queue_is_a_queue(stored_app, updates):
    queue = RecordingQueue(None)
    update = _update(stored_app, updates)
    await queue.put(update)
    await queue.put("not an update")  # PTB puts its own objects through the queue too
    assert queue.get_nowait() is update
    assert queue.get_nowait() == "not an update"


async def test_two_bots_on_one_store_both_answer_the_same_update_id(
    stored_app, fake_telegram, second_stored_app, updates, live_store
):
    """A test bot and the production bot on one STATE_DB: each numbers its updates from 1."""
    second_app, second_telegram = second_stored_app
    assert second_app.bot.id != stored_app.bot.id
    raw = updates.message("when is Kalbajar handed over?", user=USER_ID)
    for app in (stored_app, second_app):  # the same update_id, delivered to each bot
        update = Update.de_json(json.loads(json.dumps(raw)), app.bot)
        await app.update_queue.put(update)
        assert app.update_queue.get_nowait() is update  # recorded as new, not dropped
        await feed(app, raw)
    assert "Kalbajar" in only_reply(fake_telegram)["text"]
    assert "Kalbajar" in only_reply(second_telegram)["text"]
    for bot_id in (stored_app.bot.id, second_app.bot.id):
        assert live_store.unfinished_updates(bot_id=bot_id) == []
        assert live_store.record_updates([(raw["update_id"], "{}")], bot_id=bot_id) == []


async def test_an_update_the_old_release_left_unfinished_is_answered_once(
    tg_settings, fake_telegram, updates, tmp_path, old_store
):
    """After the upgrade to updates kept per bot, the bot answers it and drops redeliveries."""
    raw = updates.message("when is Kalbajar handed over?", user=USER_ID)
    path = old_store(tmp_path / "old.db", [(raw["update_id"], json.dumps(raw), False, 0)])
    with open_store(path) as store:
        app = recording_app(tg_settings, fake_telegram, store)
        await app.initialize()
        try:
            queue = app.update_queue
            assert await replay_unfinished(queue, app.bot) == 1
            replayed = queue.get_nowait()
            assert replayed.update_id == raw["update_id"]
            await feed(app, raw)
            assert "Kalbajar" in only_reply(fake_telegram)["text"]
            await queue.put(Update.de_json(raw, app.bot))  # Telegram delivers it again
            assert queue.empty()
            assert store.unfinished_updates(bot_id=BOT) == []
        finally:
            await app.shutdown()


async def test_each_update_is_logged_at_debug_as_json_after_its_user(stored_app, updates, caplog):
    """docs/telegram.md: an admin reads their id after ``received from user`` in the log."""
    update = _update(stored_app, updates)
    with caplog.at_level(logging.DEBUG, logger="bot.tg.durable"):
        await stored_app.update_queue.put(update)
    start = f"update {update.update_id} received from user {USER_ID}: "
    (line,) = [m for m in caplog.messages if m.startswith(start)]
    assert json.loads(line.removeprefix(start)) == update.to_dict()
