"""Application wiring: token required, commands registered, the core kept free of Telegram."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.config import SettingsError
from bot.tg.app import CONCURRENT_UPDATES, build_application, register_commands
from bot.tg.rate_limiter import RetryingLimiter
from testkit.fake_bot_api import error
from tests.conftest import ADMIN_ID

CORE = Path(__file__).resolve().parent.parent / "bot" / "core"
ADAPTER = CORE.parent / "tg"


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
    assert names[:2] == [["ask", "sources", "help"]] * 2
    assert "reload" in names[2]


async def test_an_admin_who_never_started_the_bot_does_not_stop_start_up(tg_app, fake_telegram):
    def chat_not_found(method, params):
        scope = params.get("scope") or {}
        return error(400, "Bad Request: chat not found") if scope.get("type") == "chat" else None

    fake_telegram.fault = chat_not_found
    await register_commands(tg_app)
    assert len(fake_telegram.sent("setMyCommands")) == 2


def test_the_core_never_imports_telegram():
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] == "telegram" for n in names), path


def test_no_adapter_module_imports_another_s_private_names():
    for path in ADAPTER.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot."):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert private == [], f"{path.name} imports {private} from {node.module}"
