"""The fake Bot API keeps Telegram's getUpdates rules, and outlives a client killed mid-poll.

An update stays pending, and is delivered again by every call, until ``getUpdates`` is called
with an offset above its id; such an offset confirms (forgets) every update below it, delivered
or not; at most ``limit`` (default and at most 100) come at once, oldest first.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from testkit.fake_bot_api import (
    BOT_USER,
    DROP,
    MAX_LIMIT,
    SECOND_BOT_USER,
    SECOND_TOKEN,
    TOKEN,
    FakeBotApi,
    FakeTelegram,
)
from testkit.telegram_updates import UpdateMaker

pytestmark = pytest.mark.timeout(30)


def push(fake: FakeTelegram, count: int) -> list[int]:
    """Push ``count`` messages; their update ids."""
    make = UpdateMaker()
    return [fake.push(make.message(f"question {n}", user=1000 + n)) for n in range(count)]


def poll(fake: FakeTelegram, **params: Any) -> list[int]:
    """The update ids one ``getUpdates`` call answers."""
    status, body = fake.handle("getUpdates", params)
    assert status == 200
    assert body["ok"]
    return [u["update_id"] for u in body["result"]]


# --- offsets ------------------------------------------------------------------------------------
def test_an_update_is_delivered_again_until_an_offset_confirms_it():
    fake = FakeTelegram()
    ids = push(fake, 3)
    assert poll(fake) == ids
    assert poll(fake) == ids  # delivering is not confirming
    assert poll(fake, offset=ids[0]) == ids  # an offset equal to an id confirms nothing
    assert poll(fake, offset=ids[1]) == ids[1:]  # the first is confirmed, forgotten
    assert poll(fake) == ids[1:]  # even when the next call has no offset
    assert poll(fake, offset=ids[2] + 1) == []
    assert fake.pending == []


def test_an_offset_confirms_every_update_below_it_delivered_or_not():
    fake = FakeTelegram()
    ids = push(fake, 5)
    assert poll(fake, offset=ids[3]) == ids[3:]  # 0-2 never delivered, confirmed all the same
    later = push(fake, 2)
    assert poll(fake, offset=ids[3]) == ids[3:] + later


def test_an_offset_above_every_update_confirms_all_and_later_ones_still_come():
    fake = FakeTelegram()
    ids = push(fake, 4)
    assert poll(fake, offset=ids[-1] + 50) == []
    later = push(fake, 1)
    assert poll(fake, offset=ids[-1] + 1) == later


# --- limit --------------------------------------------------------------------------------------
def test_limit_defaults_to_100_and_the_oldest_come_first():
    fake = FakeTelegram()
    ids = push(fake, 150)
    assert poll(fake) == ids[:MAX_LIMIT] == ids[:100]
    assert poll(fake, offset=ids[99] + 1) == ids[100:]


def test_limit_is_honoured_and_capped_at_100():
    fake = FakeTelegram()
    ids = push(fake, 150)
    assert poll(fake, limit=7) == ids[:7]
    assert poll(fake, offset=ids[7], limit=3) == ids[7:10]
    assert poll(fake, limit=1000) == ids[7:107]
    assert poll(fake, limit=0) == ids[7:107]  # 0 or missing: the default, 100


def test_limit_and_offset_walk_through_a_backlog_without_loss_or_repeat():
    fake = FakeTelegram()
    ids = push(fake, 250)
    seen: list[int] = []
    offset = 0
    while batch := poll(fake, offset=offset, limit=40):
        assert len(batch) <= 40
        seen += batch
        offset = batch[-1] + 1
    assert seen == ids


# --- long polling -------------------------------------------------------------------------------
def test_a_long_poll_returns_as_soon_as_an_update_arrives():
    fake = FakeTelegram()
    pushed: list[int] = []
    timer = threading.Timer(0.2, lambda: pushed.extend(push(fake, 1)))
    timer.start()
    started = time.monotonic()
    assert poll(fake, timeout=10) == pushed
    assert time.monotonic() - started < 5
    timer.join()


def test_a_long_poll_with_nothing_pending_ends_empty_after_its_timeout():
    fake = FakeTelegram()
    started = time.monotonic()
    assert poll(fake, timeout=0.3) == []
    assert 0.25 <= time.monotonic() - started < 5


def test_close_ends_a_long_poll():
    fake = FakeTelegram()
    threading.Timer(0.2, fake.close).start()
    started = time.monotonic()
    assert poll(fake, timeout=20) == []
    assert time.monotonic() - started < 5


def test_confirmed_updates_wait_for_nothing_but_unconfirmed_ones_answer_at_once():
    fake = FakeTelegram()
    ids = push(fake, 2)
    started = time.monotonic()
    assert poll(fake, timeout=10) == ids  # pending: no wait
    assert poll(fake, offset=ids[-1] + 1, timeout=0.2) == []  # all confirmed: waits it out
    assert time.monotonic() - started < 5


# --- over HTTP: a client killed mid long-poll ---------------------------------------------------
@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as served:
        yield served


def _port(api: FakeBotApi) -> int:
    return int(api.server.server_address[1])


def http_call(api: FakeBotApi, method: str, **params: Any) -> dict[str, Any]:
    """One Bot API call over HTTP, as JSON; the decoded answer."""
    request = urllib.request.Request(
        f"{api.base_url}{TOKEN}/{method}",
        data=json.dumps(params).encode(),
        headers={"Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 only
    with opener.open(request, timeout=10) as answer:
        result: dict[str, Any] = json.loads(answer.read())
    return result


def start_then_vanish(api: FakeBotApi, method: str, reset: bool = False, **params: Any) -> None:
    """Send a call and hang up without reading the answer, as a process killed mid-call.

    The socket is closed with a FIN, or with a RST if ``reset`` (SO_LINGER 0), which is what
    the server sees of a killed process with unread data.
    """
    body = json.dumps(params).encode()
    head = (
        f"POST /bot{TOKEN}/{method} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", _port(api)), timeout=5) as client:
        client.sendall(head + body)
        time.sleep(0.2)  # the server is now inside the call
        if reset:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def polls(api: FakeBotApi) -> list[Any]:
    return [c for c in api.fake.calls if c.method == "getUpdates"]


@pytest.mark.parametrize("reset", [False, True], ids=["fin", "rst"])
def test_a_client_killed_mid_long_poll_frees_the_server_and_loses_nothing(api, reset):
    start_then_vanish(api, "getUpdates", reset, offset=0, timeout=30)
    # The abandoned poll ends within a moment, not after its 30 s, and delivers nothing.
    api.fake.wait_for(lambda calls: any(c.method == "getUpdates" for c in calls), timeout=5)
    assert [c.status for c in polls(api)] == [DROP]
    ids = push(api.fake, 2)
    answer = http_call(api, "getUpdates", offset=0, timeout=5)
    assert [u["update_id"] for u in answer["result"]] == ids
    assert http_call(api, "getMe")["result"]["is_bot"] is True


def slow(method: str, params: dict[str, Any]) -> None:
    """A fault that answers normally, late: the client has left by then."""
    time.sleep(0.5)


def test_updates_answered_to_a_vanished_client_stay_pending(api, capsys):
    ids = push(api.fake, 3)
    api.fake.fault = slow
    for n in range(6):  # the answer is written into a socket nobody reads any more
        start_then_vanish(api, "getUpdates", reset=bool(n % 2), offset=0, timeout=30)
    api.fake.wait_for(lambda calls: len(polls(api)) >= 6, timeout=10)
    api.fake.fault = None
    assert {c.status for c in polls(api)} == {200}
    answer = http_call(api, "getUpdates", offset=0)
    assert [u["update_id"] for u in answer["result"]] == ids  # a delivery confirms nothing
    confirm = http_call(api, "getUpdates", offset=ids[-1] + 1)
    assert confirm["result"] == []
    assert "Traceback" not in capsys.readouterr().err  # hang-ups are not server errors


def test_the_server_stops_promptly_with_abandoned_and_live_long_polls():
    api = FakeBotApi().__enter__()
    start_then_vanish(api, "getUpdates", timeout=30)
    live = threading.Thread(target=http_call, args=(api, "getUpdates"), kwargs={"timeout": 30})
    live.start()
    time.sleep(0.3)
    started = time.monotonic()
    api.__exit__(None, None, None)
    live.join(timeout=5)
    assert not live.is_alive()
    assert not api.thread.is_alive()
    assert time.monotonic() - started < 5


# --- telling clients apart, and a distant Bot API -----------------------------------------------
def test_calls_through_a_client_address_are_recorded_as_that_client(api):
    tagged = api.url_for("bot-2")
    request = urllib.request.Request(f"{tagged}{TOKEN}/getMe", data=b"{}")
    request.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as answer:
        assert json.loads(answer.read())["ok"] is True
    http_call(api, "getMe")
    assert [c.client for c in api.fake.calls] == ["bot-2", None]
    with pytest.raises(ValueError, match="path segment"):
        api.url_for("a/b")


def test_a_wrong_token_behind_a_client_address_is_refused(api):
    request = urllib.request.Request(f"{api.url_for('bot')}123:wrong/getMe", data=b"{}")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(request, timeout=10)
    assert refused.value.code == 401
    refused.value.close()


def test_latency_delays_the_answer_not_the_deed(api):
    api.fake.latency = 0.5
    sending = threading.Thread(
        target=http_call, args=(api, "sendMessage"), kwargs={"chat_id": 5, "text": "hi"}
    )
    started = time.monotonic()
    sending.start()
    api.fake.wait_for(lambda calls: any(c.method == "sendMessage" for c in calls), timeout=5)
    assert sending.is_alive()  # carried out (as Telegram would have) and not yet answered
    sending.join(timeout=5)
    assert time.monotonic() - started >= 0.5
    assert [c.status for c in api.fake.sent()] == [200]
    quick = time.monotonic()
    assert http_call(api, "getUpdates", timeout=0)["result"] == []  # polls are not slowed
    assert time.monotonic() - quick < 0.4


# --- two bots -----------------------------------------------------------------------------------
def test_each_fake_is_one_bot_with_its_own_token_getme_and_update_ids():
    first, second = FakeTelegram(), FakeTelegram(SECOND_TOKEN, SECOND_BOT_USER)
    assert first.handle("getMe", {})[1]["result"]["id"] == BOT_USER["id"]
    assert second.handle("getMe", {})[1]["result"] == SECOND_BOT_USER
    assert SECOND_BOT_USER["id"] != BOT_USER["id"]
    assert not TOKEN.startswith(f"{BOT_USER['id']}:")  # getMe, not the token, names the bot
    assert push(first, 1) == push(second, 1) == [1]  # each numbers its own updates
    status, sent = second.handle("sendMessage", {"chat_id": 5, "text": "hi"})
    assert status == 200
    assert sent["result"]["from"] == SECOND_BOT_USER
    with FakeBotApi(second) as api:  # served, it answers its own token only
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(urllib.request.Request(f"{api.base_url}{TOKEN}/getMe", data=b""))
        assert refused.value.code == 401
        refused.value.close()
