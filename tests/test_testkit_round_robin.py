"""The round-robin proxy takes turns between backends, skips dead ones, and relays faithfully.

A backend's own answer (any status) is relayed as it is; only a refused or reset connection
moves the request on to the next backend, and when none answers the proxy says 502 (504 for a
backend too slow). Everything runs on 127.0.0.1 and ends by itself.
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from testkit.round_robin import BackendStats, RoundRobinProxy

pytestmark = pytest.mark.timeout(30)


@dataclass(frozen=True)
class Seen:
    """One request a backend got, as it got it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Backend:
    """An HTTP backend on 127.0.0.1 that names itself in its answers and records requests.

    It answers ``status`` after ``delay`` seconds (cut short when it stops), with a JSON body
    naming it and the header ``X-Backend``.
    """

    def __init__(self, name: str, status: int = 200, delay: float = 0.0) -> None:
        self.name = name
        self.status = status
        self.delay = delay
        self.seen: list[Seen] = []
        self.stopping = threading.Event()
        backend = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                backend.seen.append(Seen(self.command, self.path, dict(self.headers), body))
                backend.stopping.wait(backend.delay)
                data = json.dumps({"backend": backend.name, "echo": body.decode()}).encode()
                self.send_response(backend.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Backend", backend.name)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request: Any, client_address: Any) -> None:
                """A proxy that gave up (timed out) is expected here."""
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", int(self.server.server_address[1]))

    def __enter__(self) -> Backend:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class Resetter:
    """A backend that accepts each connection and resets it at once: a replica dying."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.stopping = threading.Event()
        self.resets = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", int(self.listener.getsockname()[1]))

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            connection.recv(65536)  # the request has arrived, as with a replica killed mid-way
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()
            self.resets += 1

    def __enter__(self) -> Resetter:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        self.listener.close()


def dead_addresses(count: int) -> list[tuple[str, int]]:
    """Distinct addresses nothing listens on: connecting is refused."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))  # held together, so no port comes twice
        return [("127.0.0.1", int(probe.getsockname()[1])) for probe in probes]
    finally:
        for probe in probes:
            probe.close()


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def backend(self) -> str:
        return str(json.loads(self.body)["backend"])


def call(
    proxy: RoundRobinProxy,
    method: str = "GET",
    path: str = "/",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """One request through the proxy, on a connection of its own."""
    port = int(proxy.server.server_address[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body, headers or {})
        answer = connection.getresponse()
        return Answer(answer.status, dict(answer.getheaders()), answer.read())
    finally:
        connection.close()


@pytest.fixture
def two() -> Iterator[tuple[Backend, Backend]]:
    with Backend("a") as a, Backend("b") as b:
        yield a, b


def test_requests_alternate_between_two_backends(two):
    a, b = two
    with RoundRobinProxy([a.address, b.address]) as proxy:
        assert proxy.url == f"http://127.0.0.1:{proxy.server.server_address[1]}"
        answered = [call(proxy, path=f"/n/{n}").backend for n in range(6)]
        stats = proxy.stats
    assert answered == ["a", "b", "a", "b", "a", "b"]
    assert [s.path for s in a.seen] == ["/n/0", "/n/2", "/n/4"]
    assert [s.path for s in b.seen] == ["/n/1", "/n/3", "/n/5"]
    assert stats == [BackendStats(a.address, 3, 0), BackendStats(b.address, 3, 0)]


def test_concurrent_requests_are_shared_evenly(two):
    a, b = two
    with RoundRobinProxy([a.address, b.address]) as proxy:
        callers = [threading.Thread(target=call, args=(proxy,)) for _ in range(20)]
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join(timeout=10)
        stats = proxy.stats
    assert [s.forwarded for s in stats] == [10, 10]
    assert len(a.seen) == len(b.seen) == 10


def test_a_dead_backend_is_skipped_for_the_next(two):
    a, _ = two
    (dead,) = dead_addresses(1)
    with RoundRobinProxy([a.address, dead]) as proxy:
        answered = [call(proxy).backend for _ in range(4)]
        stats = proxy.stats
    assert answered == ["a"] * 4
    # Tried on each of its turns (no health check takes it out), refused, and passed over.
    assert stats == [BackendStats(a.address, 4, 0), BackendStats(dead, 0, 2)]


def test_a_backend_that_resets_the_connection_is_skipped(two):
    a, _ = two
    with Resetter() as resetter, RoundRobinProxy([resetter.address, a.address]) as proxy:
        answer = call(proxy, "POST", "/tg/hook", b'{"update_id": 1}')
        stats = proxy.stats
    assert (answer.status, answer.backend) == (200, "a")
    assert [s.body for s in a.seen] == [b'{"update_id": 1}']  # the whole request, again
    assert resetter.resets == 1
    assert [(s.forwarded, s.failures) for s in stats] == [(0, 1), (1, 0)]


def test_with_every_backend_dead_the_answer_is_502():
    first, second = dead_addresses(2)
    with RoundRobinProxy([first, second]) as proxy:
        answers = [call(proxy, "POST", "/tg/hook", b"{}") for _ in range(2)]
        stats = proxy.stats
    assert [a.status for a in answers] == [502, 502]
    assert [(s.forwarded, s.failures) for s in stats] == [(0, 2), (0, 2)]


def test_a_backend_too_slow_gives_504_and_is_not_retried():
    with (
        Backend("slow", delay=5.0) as slow,
        Backend("b") as b,
        RoundRobinProxy([slow.address, b.address], timeout=0.3) as proxy,
    ):
        started = time.monotonic()
        answer = call(proxy, "POST", "/tg/hook", b"{}")
        assert time.monotonic() - started < 3
        stats = proxy.stats
    assert answer.status == 504
    assert b.seen == []  # it may still be at work on the request: not sent twice
    assert [(s.forwarded, s.failures) for s in stats] == [(0, 1), (0, 0)]


def test_the_request_and_the_answer_are_relayed_as_they_are():
    with Backend("a", status=201) as a, RoundRobinProxy([a.address]) as proxy:
        body = json.dumps({"update_id": 7, "message": {"text": "héllo"}}).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": "s3cret",
        }
        answer = call(proxy, "POST", "/tg/hook?x=1", body, headers)
    (seen,) = a.seen
    assert (seen.method, seen.path, seen.body) == ("POST", "/tg/hook?x=1", body)
    assert seen.headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret"
    assert seen.headers["Content-Type"] == "application/json"
    assert seen.headers["Content-Length"] == str(len(body))
    assert seen.headers["X-Forwarded-For"] == "127.0.0.1"
    assert answer.status == 201
    assert answer.headers["X-Backend"] == "a"
    assert answer.headers["Content-Type"] == "application/json"
    assert json.loads(answer.body) == {"backend": "a", "echo": body.decode()}


def test_a_backends_error_is_relayed_not_retried_elsewhere():
    with (
        Backend("broken", status=500) as broken,
        Backend("b") as b,
        RoundRobinProxy([broken.address, b.address]) as proxy,
    ):
        answer = call(proxy, "POST", "/tg/hook", b"{}")
        stats = proxy.stats
    assert (answer.status, answer.backend) == (500, "broken")  # as Telegram would then see
    assert b.seen == []
    assert [(s.forwarded, s.failures) for s in stats] == [(1, 0), (0, 0)]


def test_only_backends_on_127_0_0_1_are_accepted():
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        RoundRobinProxy([("example.com", 80)])
    with pytest.raises(ValueError, match="at least one"):
        RoundRobinProxy([])
