"""``GET /healthz``: 200 with the index and a store that answers, 503 without, never a crash."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import urllib.request
from collections.abc import AsyncIterator

import pytest

import bot.tg.health as health_module
from bot.store import StoreError
from bot.tg.app import BotApp, shut_down, start_up
from bot.tg.health import HealthServerError, start_health, stop_health
from bot.tg.state import STATE_KEY, BotState
from testkit.ports import free_port
from tests.conftest import recording_app


async def ask(port: int, raw: bytes) -> tuple[int, bytes, bytes]:
    """Send ``raw`` as it is; the status, the head and the body of the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    await writer.wait_closed()
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), head, body


async def get(port: int, path: str = "/healthz") -> tuple[int, dict[str, object]]:
    status, _, body = await ask(port, f"GET {path} HTTP/1.1\r\nHost: lb\r\n\r\n".encode())
    return status, json.loads(body)


@pytest.fixture
def health_settings(tg_settings):
    return tg_settings.model_copy(
        update={"health_listen": "127.0.0.1", "health_port": free_port()}
    )


@pytest.fixture
async def started(health_settings, fake_telegram, live_store) -> AsyncIterator[BotApp]:
    """The bot on a state store, started as ``run`` starts it (``start_up``), health on."""
    app = recording_app(health_settings, fake_telegram, live_store)
    await app.initialize()
    await start_up(app)
    yield app
    await shut_down(app)
    await app.shutdown()


@pytest.fixture
async def state(health_settings, briefing, live_store) -> AsyncIterator[BotState]:
    """A bot's state on a live store, its health endpoint listening."""
    built = BotState(settings=health_settings, answerer=briefing, store=live_store)
    await start_health(built)
    yield built
    await stop_health(built)


async def test_a_started_bot_with_its_index_and_store_is_ready(started, health_settings):
    documents = len(started.bot_data[STATE_KEY].answerer.base.documents)
    url = f"http://127.0.0.1:{health_settings.health_port}/healthz"
    with await asyncio.to_thread(urllib.request.urlopen, url, timeout=10) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"] == "application/json"
        body = json.loads(answer.read())
    assert body == {"ready": True, "documents": documents, "store": "ok"}
    assert documents > 0


async def test_shut_down_stops_the_endpoint(health_settings, fake_telegram, live_store):
    app = recording_app(health_settings, fake_telegram, live_store)
    await app.initialize()
    await start_up(app)
    assert (await get(health_settings.health_port))[0] == 200
    await shut_down(app)
    await app.shutdown()
    assert app.bot_data[STATE_KEY].health is None
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", health_settings.health_port)


async def test_a_store_that_cannot_be_reached_is_503_saying_so(state, live_store, monkeypatch):
    def unreachable() -> None:
        raise StoreError("postgresql://bot@db/briefing", "cannot read: connection refused")

    monkeypatch.setattr(live_store, "ping", unreachable)
    status, body = await get(state.settings.health_port)
    assert status == 503
    assert body["ready"] is False
    assert body["store"] == (
        "unreachable: state store postgresql://bot@db/briefing: cannot read: connection refused"
    )
    monkeypatch.undo()  # the store is back: so is the replica
    assert (await get(state.settings.health_port))[0] == 200


async def test_a_store_that_hangs_is_503_within_the_ping_timeout(state, live_store, monkeypatch):
    release = threading.Event()
    calls = []

    def hangs() -> None:
        calls.append(1)
        release.wait(10)

    monkeypatch.setattr(live_store, "ping", hangs)
    monkeypatch.setattr(health_module, "PING_TIMEOUT", 0.2)
    try:
        first, second = await asyncio.gather(
            get(state.settings.health_port), get(state.settings.health_port)
        )
        assert first == second == (503, first[1])
        assert first[1]["store"] == "unreachable: no answer within 0.2 s"
        assert len(calls) == 1  # one ping in flight however many checks wait on it
    finally:
        release.set()


async def test_a_bot_without_a_store_still_answers_so_it_is_ready(health_settings, briefing):
    state = BotState(settings=health_settings, answerer=briefing)
    await start_health(state)
    try:
        status, body = await get(health_settings.health_port)
    finally:
        await stop_health(state)
    assert (status, body["store"], body["ready"]) == (200, "none", True)


async def test_other_paths_methods_and_garbage_are_refused_and_it_keeps_answering(state):
    port = state.settings.health_port
    assert (await get(port, "/"))[0] == 404
    assert (await get(port, "/healthz/extra"))[0] == 404
    status, head, _ = await ask(port, b"POST /healthz HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
    assert status == 405
    assert b"Allow: GET, HEAD" in head
    for garbage in (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\r\n\r\n", b"hello\r\n\r\n"):
        status, _, body = await ask(port, garbage)
        assert (status, json.loads(body)) == (400, {"error": "bad request"})
    status, _, body = await ask(port, b"GET /healthz HTTP/1.1\r\n" + b"X: y\r\n" * 200 + b"\r\n")
    assert status == 400
    status, head, body = await ask(port, b"HEAD /healthz?probe=1 HTTP/1.0\r\n\r\n")
    assert (status, body) == (200, b"")
    assert b"Content-Length: " in head
    assert (await get(port))[0] == 200


async def test_a_client_that_hangs_up_or_never_finishes_breaks_nothing(state, monkeypatch):
    port = state.settings.health_port
    monkeypatch.setattr(health_module, "READ_TIMEOUT", 0.2)
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /healthz HTTP/1.1\r\n")  # and hangs up mid-head
    writer.close()
    await writer.wait_closed()
    status, _, _ = await ask(port, b"GET /healthz HTTP/1.1\r\n")  # never ends its head
    assert status == 400
    assert (await get(port))[0] == 200


async def test_a_port_taken_stops_the_start_in_one_line(health_settings, briefing):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = health_settings.model_copy(update={"health_port": port})
        state = BotState(settings=settings, answerer=briefing)
        with pytest.raises(HealthServerError, match=rf"^HEALTH_PORT: cannot listen on .*:{port}"):
            await start_health(state)
    assert state.health is None


async def test_health_port_0_listens_nowhere(tg_settings, briefing):
    assert tg_settings.health_port == 0
    state = BotState(settings=tg_settings, answerer=briefing)
    await start_health(state)
    assert state.health is None
    await stop_health(state)
