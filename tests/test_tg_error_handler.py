"""The error handler: the log gets the update and the traceback, the user an apology."""

from __future__ import annotations

import logging

from bot.tg.error_handler import APOLOGY
from bot.tg.state import get_state
from testkit.telegram_updates import feed
from tests.conftest import USER_ID


async def test_error_handler_logs_update_and_apologises(
    tg_app, fake_telegram, updates, caplog, monkeypatch
):
    def broken(question, answer_count=None):
        raise RuntimeError("index exploded <secret detail>")

    monkeypatch.setattr(get_state(tg_app).answerer, "ask", broken)
    with caplog.at_level(logging.ERROR):
        await feed(tg_app, updates.message("when is Kalbajar handed over?", user=USER_ID))
    assert fake_telegram.sent()[0].params["text"] == APOLOGY
    record = next(r for r in caplog.records if r.name == "bot.tg.error_handler")
    assert "when is Kalbajar handed over?" in record.getMessage()
    assert record.exc_info is not None
