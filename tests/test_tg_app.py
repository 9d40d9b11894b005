"""Application wiring: token required, commands registered, the sending policy in place."""

from __future__ import annotations

import time

import pytest

from bot.config import SettingsError
from bot.tg.app import CONCURRENT_UPDATES, build_application, register_commands, shared_pace
from bot.tg.rate_limiter import RetryingLimiter
from testkit.fake_bot_api import error
from tests.conftest import ADMIN_ID


def test_a_missing_token_names_the_variable(tg_settings, briefing):
    settings = tg_settings.model_copy(update={"telegram_bot_token": None})
    with pytest.raises(SettingsError, match=r"^TELEGRAM_BOT_TOKEN: "):
        build_application(settings, briefing)


def test_sending_is_paced_and_updates_are_concurrent(tg_app):
    assert isinstance(tg_app.bot.rate_limiter, RetryingLimiter)
    assert tg_app.update_processor.max_concurrent_updates == CONCURRENT_UPDATES


async def test_commands_are_registered_for_private_group_and_admin_chats(tg_app, fake_telegram):
    await register_commands(tg_app)
    calls = fake_telegram.sent("setMyCommands")
    scopes = [c.params["scope"] for c in calls]
    assert [s["type"] for s in scopes] == ["all_private_chats", "all_group_chats", "chat"]
    assert scopes[2]["chat_id"] == ADMIN_ID
    names = [[c["command"] for c in call.params["commands"]] for call in calls]
    assert names[:2] == [["ask", "sources", "latest", "subscribe", "help"]] * 2
    assert {"reload", "remove", "feed"} <= set(names[2])


async def test_an_admin_who_never_started_the_bot_does_not_stop_start_up(tg_app, fake_telegram):
    def chat_not_found(method, params):
        scope = params.get("scope") or {}
        return error(400, "Bad Request: chat not found") if scope.get("type") == "chat" else None

    fake_telegram.fault = chat_not_found
    await register_commands(tg_app)
    assert len(fake_telegram.sent("setMyCommands")) == 2


def test_replicas_on_postgresql_share_the_send_pace_and_a_file_keeps_its_own(
    tg_settings, live_store, store_target
):
    pace = shared_pace(live_store, tg_settings)
    if isinstance(store_target, str):  # PostgreSQL: every send reserves its moment there
        assert pace is not None
        first = pace(0.5)
        assert first is not None
        assert abs(first - time.time()) < 0.1  # the first goes at once
        second = pace(0.5)
        assert second is not None
        assert second - first == pytest.approx(0.5)  # an interval on, whichever replica asks
    else:
        assert pace is None
