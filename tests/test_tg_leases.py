"""Replicas on one PostgreSQL store take over a dead replica's updates, once; SQLite has none."""

from __future__ import annotations

import asyncio
import json

from telegram import Update

from bot.tg.leases import keep_leases, schedule_leases, stop_leases
from bot.tg.state import STATE_KEY
from testkit.fake_bot_api import BOT_USER
from tests.conftest import USER_ID

BOT = BOT_USER["id"]


async def test_a_dead_replica_s_update_is_taken_over_once(
    stored_app, updates, live_store, last_run, store_target
):
    raw = updates.message("when is Kalbajar handed over?", user=USER_ID)
    last_run.record_updates([(raw["update_id"], json.dumps(raw))], bot_id=BOT)  # then it died
    queue = stored_app.update_queue
    keeper = asyncio.create_task(keep_leases(queue, stored_app.bot, every=0.02))
    await asyncio.sleep(0.3)  # about fifteen rounds
    keeper.cancel()
    taken = []
    while not queue.empty():
        taken.append(queue.get_nowait())
    if isinstance(store_target, str):  # PostgreSQL: leased, so taken over, by one round only
        assert [u.update_id for u in taken if isinstance(u, Update)] == [raw["update_id"]]
        assert taken[0].message.text == "when is Kalbajar handed over?"
    else:  # SQLite: a file is one process's; what it left is answered at its next start
        assert taken == []


async def test_the_keeper_runs_only_where_the_store_leases(stored_app, live_store, store_target):
    state = stored_app.bot_data[STATE_KEY]
    schedule_leases(state, stored_app.update_queue, stored_app.bot)
    assert (state.leases_task is not None) == isinstance(store_target, str)
    await stop_leases(state)
    assert state.leases_task is None
