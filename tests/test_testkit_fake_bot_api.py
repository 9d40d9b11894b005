"""The fake Bot API keeps Telegram's getUpdates rules, and outlives a client killed mid-poll.

An update stays pending, and is delivered again by every call, until ``getUpdates`` is called
with an offset above its id; such an offset confirms (forgets) every update below it, delivered
or not; at most ``limit`` (default and at most 100) come at once, oldest first.

With a webhook set, updates are POSTed to it instead, as Telegram does: forgotten only on a 2xx,
sent again after a 500, a refusal or a timeout, never more than ``max_connections`` at once and
never one update twice at once; getUpdates is refused meanwhile, and only 127.0.0.1 is reached.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from testkit.fake_bot_api import (
    BOT_USER,
    DROP,
    MAX_LIMIT,
    SECOND_BOT_USER,
    SECOND_TOKEN,
    SECRET_HEADER,
    TOKEN,
    WEBHOOK_CONFLICT,
    FakeBotApi,
    FakeTelegram,
    WebhookAttempt,
)
from testkit.ports import free_port
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


# --- webhook mode -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Post:
    """One POST the receiver got: the update's id, its headers, path and decoded body."""

    update_id: int
    headers: dict[str, str]
    path: str
    body: dict[str, Any]


Answer = Callable[[int, int], int]  # (update id, how many times it came, from 1) -> status
Delay = Callable[[int, int], float]  # the same -> seconds to wait before answering


class Receiver:
    """A webhook receiver on 127.0.0.1: records each POST, and what was in flight at once.

    ``answer`` and ``delay`` say how it answers each update's nth arrival; a delay ends early
    when the receiver stops, so that no test waits for a sleeping handler.
    """

    def __init__(self, answer: Answer | None = None, delay: Delay | None = None, port: int = 0):
        self.answer = answer or (lambda update_id, nth: 200)
        self.delay = delay or (lambda update_id, nth: 0.0)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.posts: list[Post] = []
        self.arrivals: Counter[int] = Counter()
        self.in_flight: Counter[int] = Counter()
        self.most_at_once = 0
        self.twice_at_once: list[int] = []  # updates that arrived while already in flight
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                update_id = int(body["update_id"])
                with receiver.lock:
                    receiver.arrivals[update_id] += 1
                    nth = receiver.arrivals[update_id]
                    if receiver.in_flight[update_id]:
                        receiver.twice_at_once.append(update_id)
                    receiver.in_flight[update_id] += 1
                    receiver.most_at_once = max(
                        receiver.most_at_once, sum(receiver.in_flight.values())
                    )
                    receiver.posts.append(Post(update_id, dict(self.headers), self.path, body))
                try:
                    receiver.stopping.wait(receiver.delay(update_id, nth))
                    self.send_response(receiver.answer(update_id, nth))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                finally:
                    with receiver.lock:
                        receiver.in_flight[update_id] -= 1

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request: Any, client_address: Any) -> None:
                """A client that gave up (timed out, cut off) is expected here."""
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/tg/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def hooked() -> Iterator[FakeTelegram]:
    """A fake to set webhooks on; closed after the test, which must leave no worker behind."""
    fake = FakeTelegram()
    yield fake
    fake.close()
    assert fake.webhook_workers() == []


def set_webhook(fake: FakeTelegram, url: str, **params: Any) -> None:
    status, body = fake.handle("setWebhook", {"url": url, **params})
    assert (status, body) == (200, {"ok": True, "result": True})


def attempts_when(
    fake: FakeTelegram, predicate: Callable[[list[WebhookAttempt]], bool], timeout: float = 10.0
) -> list[WebhookAttempt]:
    """Wait until ``predicate`` holds for the webhook attempts so far; return them."""
    with fake.cond:
        done = fake.cond.wait_for(lambda: predicate(fake.webhook_attempts), timeout)
        assert done, f"timed out; attempts so far: {fake.webhook_attempts}"
        return list(fake.webhook_attempts)


def workers_end(fake: FakeTelegram, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while fake.webhook_workers():
        assert time.monotonic() < deadline, fake.webhook_workers()
        time.sleep(0.02)


def test_each_update_is_posted_as_json_with_the_secret_and_then_forgotten(hooked):
    make = UpdateMaker()
    with Receiver() as receiver:
        set_webhook(hooked, receiver.url, secret_token="s3cret")
        updates = [make.message(f"question {n}", user=1000 + n) for n in range(5)]
        ids = [hooked.push(update) for update in updates]
        attempts = hooked.wait_delivered(timeout=10)
    assert sorted(a.update_id for a in attempts) == ids
    assert {a.status for a in attempts} == {200}
    assert sorted(post.update_id for post in receiver.posts) == ids  # each once
    for post in receiver.posts:
        assert post.path == "/tg/hook"
        assert post.headers[SECRET_HEADER] == "s3cret"
        assert post.headers["Content-Type"] == "application/json"
        assert post.body == json.loads(json.dumps(updates[post.update_id - 1]))
    assert hooked.pending == []


def test_with_one_connection_updates_come_oldest_first(hooked):
    with Receiver() as receiver:
        ids = push(hooked, 6)
        set_webhook(hooked, receiver.url, max_connections=1)
        hooked.wait_delivered(timeout=10)
    assert [post.update_id for post in receiver.posts] == ids
    assert SECRET_HEADER not in receiver.posts[0].headers  # no secret set, none sent


def test_an_update_answered_500_is_sent_again_and_forgotten_after_the_200(hooked):
    with Receiver(answer=lambda update_id, nth: 500 if nth == 1 else 200) as receiver:
        set_webhook(hooked, receiver.url)
        (update_id,) = push(hooked, 1)
        attempts = hooked.wait_delivered(timeout=10)
        assert [(a.update_id, a.status) for a in attempts] == [(update_id, 500), (update_id, 200)]
        assert attempts[1].at - attempts[0].at >= hooked.webhook_retry_delay * 0.9
        time.sleep(0.5)  # forgotten: nothing more comes
        assert len(hooked.webhook_attempts) == len(receiver.posts) == 2
    assert hooked.pending == []


def test_a_refused_connection_is_retried_until_the_receiver_listens(hooked):
    port = free_port()
    set_webhook(hooked, f"http://127.0.0.1:{port}/tg/hook")
    (update_id,) = push(hooked, 1)
    attempts_when(hooked, lambda attempts: len(attempts) >= 2)
    assert {(a.update_id, a.status) for a in hooked.webhook_attempts} == {(update_id, None)}
    assert [u["update_id"] for u in hooked.pending] == [update_id]
    with Receiver(port=port) as receiver:
        attempts = hooked.wait_delivered(timeout=10)
    assert attempts[-1].status == 200
    assert [post.update_id for post in receiver.posts] == [update_id]


def test_a_timeout_leaves_the_update_pending_and_it_is_sent_again(hooked):
    hooked.webhook_timeout = 0.3
    with Receiver(delay=lambda update_id, nth: 2.0 if nth == 1 else 0.0) as receiver:
        set_webhook(hooked, receiver.url)
        push(hooked, 1)
        attempts = hooked.wait_delivered(timeout=10)
    assert [a.status for a in attempts] == [None, 200]
    assert len(receiver.posts) == 2


def test_delete_webhook_stops_deliveries_and_the_update_stays_pending(hooked):
    with Receiver(answer=lambda update_id, nth: 500) as receiver:
        set_webhook(hooked, receiver.url)
        (update_id,) = push(hooked, 1)
        attempts_when(hooked, lambda attempts: len(attempts) >= 2)
        assert hooked.handle("deleteWebhook", {}) == (200, {"ok": True, "result": True})
        workers_end(hooked)
        tried = len(hooked.webhook_attempts)
        time.sleep(0.6)  # three retry delays: none comes
        assert len(hooked.webhook_attempts) == len(receiver.posts) == tried
    assert poll(hooked) == [update_id]  # polling again, it is there


def test_get_updates_is_refused_while_a_webhook_is_set(hooked):
    refused = (409, {"ok": False, "error_code": 409, "description": WEBHOOK_CONFLICT})
    assert WEBHOOK_CONFLICT == (
        "Conflict: can't use getUpdates method while webhook is active;"
        " use deleteWebhook to delete the webhook first"
    )
    url = f"http://127.0.0.1:{free_port()}/tg/hook"
    answers: list[tuple[int, dict[str, Any]]] = []
    waiting = threading.Thread(
        target=lambda: answers.append(hooked.handle("getUpdates", {"timeout": 20}))
    )
    waiting.start()
    time.sleep(0.2)
    set_webhook(hooked, url)
    waiting.join(timeout=5)
    assert answers == [refused]  # a long poll in progress ends with the conflict
    assert hooked.handle("getUpdates", {}) == refused
    info = hooked.handle("getWebhookInfo", {})[1]["result"]
    assert (info["url"], info["max_connections"]) == (url, 40)
    hooked.handle("deleteWebhook", {})
    assert poll(hooked) == []
    assert hooked.handle("getWebhookInfo", {})[1]["result"]["url"] == ""


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/tg/hook",
        "http://localhost:8443/tg/hook",
        "http://10.0.0.1:8443/tg/hook",
        "http://127.0.0.1.example.com:8443/tg/hook",
        "http://[::1]:8443/tg/hook",
        "https://127.0.0.1:8443/tg/hook",
        "http://127.0.0.1:99999/tg/hook",
    ],
)
def test_a_webhook_anywhere_but_127_0_0_1_is_refused(hooked, url):
    push(hooked, 1)
    status, body = hooked.handle("setWebhook", {"url": url})
    assert status == 400
    assert body["description"].startswith("Bad Request: bad webhook")
    assert hooked.webhook is None
    assert hooked.webhook_workers() == []
    assert poll(hooked) == [1]  # still polling
    assert hooked.webhook_attempts == []


def test_max_connections_bounds_the_posts_in_flight_and_none_is_in_flight_twice(hooked):
    hooked.webhook_retry_delay = 0.0  # a failed update competes for a worker at once

    def answer(update_id: int, nth: int) -> int:
        return 500 if update_id % 2 == 0 and nth <= 2 else 200

    with Receiver(answer=answer, delay=lambda update_id, nth: 0.1) as receiver:
        ids = push(hooked, 30)
        set_webhook(hooked, receiver.url, max_connections=5)
        attempts = hooked.wait_delivered(timeout=20)
    assert receiver.most_at_once == 5  # reached, never passed
    assert receiver.twice_at_once == []
    assert len(attempts) == len(receiver.posts) == 30 + 2 * 15
    delivered = Counter(a.update_id for a in attempts if a.delivered)
    assert delivered == Counter(ids)  # each got one 2xx, and was then never sent again
    assert len(hooked.webhook_workers()) == 5


def test_setting_the_webhook_again_moves_the_deliveries(hooked):
    with Receiver(answer=lambda update_id, nth: 500) as old, Receiver() as new:
        set_webhook(hooked, old.url)
        (update_id,) = push(hooked, 1)
        attempts_when(hooked, lambda attempts: len(attempts) >= 1)
        set_webhook(hooked, new.url, max_connections=2)
        hooked.wait_delivered(timeout=10)
        tried_old = len(old.posts)
        time.sleep(0.5)
        assert len(old.posts) == tried_old  # the old webhook's workers have ended
    assert [post.update_id for post in new.posts] == [update_id]
    assert len(hooked.webhook_workers()) == 2


def test_close_cuts_off_posts_in_flight_and_ends_every_worker(hooked):
    with Receiver(delay=lambda update_id, nth: 30.0) as receiver:
        set_webhook(hooked, receiver.url, max_connections=3)
        push(hooked, 3)
        deadline = time.monotonic() + 5
        while sum(receiver.in_flight.values()) < 3:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        started = time.monotonic()
        hooked.close()
        assert time.monotonic() - started < 3
        assert hooked.webhook_workers() == []
    assert len(hooked.pending) == 3  # none answered: all still pending


def test_wait_delivered_says_which_updates_never_got_a_2xx(hooked):
    hooked.webhook_retry_delay = 0.05
    set_webhook(hooked, f"http://127.0.0.1:{free_port()}/tg/hook")
    push(hooked, 2)
    with pytest.raises(AssertionError, match=r"updates \[1, 2\] never got a 2xx"):
        hooked.wait_delivered(timeout=0.3)


def test_a_webhook_set_over_http_delivers(api):
    with Receiver() as receiver:
        push(api.fake, 2)
        form = urllib.parse.urlencode({"url": receiver.url, "max_connections": "2"}).encode()
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"{api.base_url}{TOKEN}/setWebhook", data=form, timeout=10) as answer:
            assert json.loads(answer.read())["result"] is True
        api.fake.wait_delivered(timeout=10)
    assert len(api.fake.webhook_workers()) == 2
