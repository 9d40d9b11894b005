"""Updates written down before Telegram forgets them, marked done once answered, replayed."""

from __future__ import annotations

import json

from telegram import Update

from bot.store import StoreWriteError
from bot.tg.durable import MAX_REPLAYS, RecordingQueue, replay_unfinished
from testkit.telegram_updates import feed
from tests.conftest import USER_ID


def _update(app, updates, text: str = "when is Kalbajar handed over?") -> Update:
    return Update.de_json(updates.message(text, user=USER_ID), app.bot)


async def test_an_update_is_recorded_before_it_is_queued(stored_app, updates, live_store):
    queue = stored_app.update_queue
    assert isinstance(queue, RecordingQueue)
    update = _update(stored_app, updates)
    await queue.put(update)
    assert [i for i, _ in live_store.unfinished_updates()] == [update.update_id]
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
    assert live_store.unfinished_updates() == []


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
    assert live_store.unfinished_updates() == []  # never retried forever after a restart


async def test_updates_left_unfinished_are_replayed_first(stored_app, updates, live_store):
    first = updates.message("when is Kalbajar handed over?", user=USER_ID)
    second = updates.message("who guards the Lachin corridor?", user=USER_ID)
    live_store.record_updates([(u["update_id"], json.dumps(u)) for u in (first, second)])
    live_store.finish_update(first["update_id"])
    live_store.record_updates([(99, "{not json")])  # unreadable: skipped, never blocks a start
    queue = stored_app.update_queue
    assert await replay_unfinished(queue, stored_app.bot) == 1
    replayed = queue.get_nowait()
    assert isinstance(replayed, Update)
    assert replayed.update_id == second["update_id"]
    assert replayed.message.text == "who guards the Lachin corridor?"
    assert queue.empty()
    # The unreadable one is marked done; the replayed one is done once it is answered.
    assert [i for i, _ in live_store.unfinished_updates()] == [second["update_id"]]


async def test_an_update_that_keeps_killing_the_bot_is_given_up(stored_app, updates, live_store):
    raw = updates.message("when is Kalbajar handed over?", user=USER_ID)
    live_store.record_updates([(raw["update_id"], json.dumps(raw))])
    queue = stored_app.update_queue
    for _ in range(MAX_REPLAYS):  # each start replays it, and (say) dies answering it
        assert await replay_unfinished(queue, stored_app.bot) == 1
        queue.get_nowait()
    assert await replay_unfinished(queue, stored_app.bot) == 0  # the next start gives up
    assert queue.empty()
    assert live_store.unfinished_updates() == []


class FailingStore:
    """A store whose disk is full: recording raises, as ``SqliteStore`` does then."""

    def record_updates(self, updates):
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
