"""/start, /help, /sources and unknown commands, through the Application."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from bot.tg.help import help_text
from testkit.fake_bot_api import only_reply
from testkit.telegram_updates import feed
from tests.conftest import ADMIN_ID, GROUP_ID, USER_ID


async def test_sources_lists_documents(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.message("/sources", user=USER_ID, chat=GROUP_ID))
    text = only_reply(fake_telegram)["text"]
    assert "What&#x27;s Next" not in text
    assert "What's Next for Nagorno-Karabakh?</b> \u2014 The Moscow Times, 18 Nov 2025" in text
    assert "Return of territory" in text
    assert "sentences" in text
    assert "href=" in text


@pytest.mark.parametrize(("user", "admin_line"), [(USER_ID, False), (ADMIN_ID, True)])
async def test_help_explains_how_to_ask(tg_app, fake_telegram, updates, user, admin_line):
    await feed(tg_app, updates.message("/start", user=user))
    text = only_reply(fake_telegram)["text"]
    assert "/ask" in text
    assert "@BriefingTestBot" in text
    assert "Nagorno-Karabakh" in text
    assert ("/reload" in text) is admin_line


def test_help_names_the_newest_briefings_first(briefing):
    (document,) = briefing.base.documents
    days = [dt.date(2025, 11, d) for d in (3, 9, 1, 7, 5, 8)]
    documents = tuple(
        replace(
            document,
            path=f"{n}.md",
            meta=document.meta.model_copy(update={"title": f"B{n}", "published": day}),
        )
        for n, day in enumerate(days)
    )
    text = help_text(replace(briefing.base, documents=documents), "bot", is_admin=False)
    shown = [line for line in text.splitlines() if line.startswith("\u2022")]
    assert shown == [f"\u2022 <i>B{n}</i>" for n in (1, 5, 3, 4, 0)]
    assert "\u2026 and 1 more: /sources" in text


async def test_unknown_private_command_gets_a_hint(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.message("/frobnicate", user=USER_ID))
    assert "/ask" in only_reply(fake_telegram)["text"]
