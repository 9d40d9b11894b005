"""/add URL and bare links from admins: fetched, made a briefing, reloaded, answered at once."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.adding import ORIGINALS
from bot.core import build_answerer
from bot.tg.admin import REFUSAL
from bot.tg.app import BotApp, build_application
from testkit.fake_bot_api import RecordingRequest
from testkit.telegram_updates import feed
from tests.conftest import ADMIN_ID, USER_ID, last_text

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ADDED = "harbour-talks-resume-in-valdora.md"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    """The fixtures folder served on 127.0.0.1, stopped after the test."""
    handler = partial(_Quiet, directory=str(FIXTURES))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
async def linked_app(tg_settings, fake_telegram) -> AsyncIterator[BotApp]:
    """The bot, allowed to fetch from 127.0.0.1 (the test's web server)."""
    settings = tg_settings.model_copy(update={"allow_private_links": True})
    app = build_application(
        settings, build_answerer(settings.engine()), request=RecordingRequest(fake_telegram)
    )
    await app.initialize()
    yield app
    await app.shutdown()


async def test_an_admin_adds_a_page_and_it_is_answered_at_once(
    linked_app, fake_telegram, updates, site, tg_settings
):
    await feed(linked_app, updates.message(f"/add {site}/saved-news-page.html", user=ADMIN_ID))
    reply = last_text(fake_telegram)
    assert reply.startswith(f"Added \u201cHarbour Talks Resume in Valdora\u201d as {ADDED}.")
    assert (tg_settings.knowledge_dir / ADDED).is_file()
    original = tg_settings.knowledge_dir / ORIGINALS / ADDED.replace(".md", ".html")
    assert original.read_bytes() == (FIXTURES / "saved-news-page.html").read_bytes()
    await feed(linked_app, updates.message("how many lorries use the customs post?", user=USER_ID))
    assert "4,000 <b>lorries</b>" in last_text(fake_telegram)


async def test_a_bare_link_is_added_for_an_admin_and_asked_for_anyone_else(
    linked_app, fake_telegram, updates, site, tg_settings
):
    link = f"{site}/saved-news-page.html"
    await feed(linked_app, updates.message(link, user=USER_ID))
    assert not last_text(fake_telegram).startswith("Added")
    assert not (tg_settings.knowledge_dir / ADDED).exists()
    await feed(linked_app, updates.message(link, user=ADMIN_ID))
    assert last_text(fake_telegram).startswith("Added")


async def test_add_is_refused_to_others_and_local_links_to_everyone_by_default(
    tg_app, fake_telegram, updates, site, tg_settings
):
    await feed(tg_app, updates.message(f"/add {site}/saved-news-page.html", user=USER_ID))
    assert last_text(fake_telegram) == REFUSAL
    await feed(tg_app, updates.message(f"/add {site}/saved-news-page.html", user=ADMIN_ID))
    failed = last_text(fake_telegram)
    assert "failed" in failed
    assert "private or local address" in failed
    assert "Nothing changed" in failed
    await feed(tg_app, updates.message("/add", user=ADMIN_ID))
    assert "Send /add and a link" in last_text(fake_telegram)
    assert not (tg_settings.knowledge_dir / ADDED).exists()  # nothing was saved
