"""A round-robin HTTP proxy on 127.0.0.1, in front of a bot's replicas for their end-to-end test.

The replicas' test needs Telegram's webhook deliveries spread over two bot processes as a load
balancer would spread them; this machine cannot run a real one (no nginx, no HAProxy, nothing
outside the standard library), and the test needs to kill a replica mid-run and see what the
balancer did, so this is a small stand-in with counters. Each request goes to the next backend
in turn, with its method, path, headers and body; the answer (status, headers, body) comes back
as the backend gave it, 5xx included: a backend's own error is relayed, never retried.

A backend that refuses or resets the connection (a replica killed, or not yet listening) is
skipped for the next one, as a balancer whose health check has not yet noticed the dead backend
but which retries on refusal (nginx's ``proxy_next_upstream error``); when none answers, 502.
A reset may come after the backend has read the request, so the next backend may get a request
the dead one had begun: a redelivery, which the replicas must take as they take Telegram's. A
backend that takes longer than ``timeout`` seconds (per socket operation) gives 504, and is not
retried: it may still be working on the request. Only 127.0.0.1 backends are accepted.
"""

from __future__ import annotations

import http.client
import itertools
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

HOST = "127.0.0.1"
TIMEOUT = 15.0  # seconds a backend may take per socket operation before the proxy gives 504
# Hop-by-hop headers are the connection's, not the message's: never relayed (RFC 9110 7.6.1).
# Host, Content-Length, Server and Date are set anew for each leg.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "server",
    "date",
}
# What a dead backend looks like: nothing listens (refused), or it died mid-exchange (reset,
# which http.client reports as RemoteDisconnected, a ConnectionResetError, or a broken pipe).
DEAD = (ConnectionRefusedError, ConnectionResetError, ConnectionAbortedError, BrokenPipeError)


@dataclass
class BackendStats:
    """What one backend did: requests it answered (relayed), and attempts that failed."""

    backend: tuple[str, int]
    forwarded: int = 0
    failures: int = 0


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive works: every answer has a Content-Length

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: pytest shows failures, not every request."""

    def do_GET(self) -> None:
        self._forward()

    def do_HEAD(self) -> None:
        self._forward()

    def do_POST(self) -> None:
        self._forward()

    def do_PUT(self) -> None:
        self._forward()

    def do_PATCH(self) -> None:
        self._forward()

    def do_DELETE(self) -> None:
        self._forward()

    def do_OPTIONS(self) -> None:
        self._forward()

    def _forward(self) -> None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True  # the body was not read: the stream is unusable
            self._reply(411, [], b"length required: chunked requests are not proxied\n")
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["X-Forwarded-For"] = self.client_address[0]
        proxy = self.server.proxy
        for index in proxy.turn():
            host, port = proxy.backends[index]
            connection = http.client.HTTPConnection(host, port, timeout=proxy.timeout)
            try:
                connection.request(self.command, self.path, body or None, headers)
                answer = connection.getresponse()
                data = answer.read()
            except DEAD:
                proxy.count(index, failed=True)
                continue
            except TimeoutError:
                proxy.count(index, failed=True)
                self._reply(504, [], b"gateway timeout: the backend did not answer in time\n")
                return
            except (OSError, http.client.HTTPException):  # unreachable, or a garbled answer
                proxy.count(index, failed=True)
                continue
            finally:
                connection.close()
            proxy.count(index, failed=False)
            relayed = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP]
            if self.command == "HEAD":
                relayed += [("Content-Length", answer.getheader("Content-Length", "0"))]
            self._reply(answer.status, relayed, data, answer.reason)
            return
        self._reply(502, [], b"bad gateway: no backend answered\n")

    def _reply(
        self, status: int, headers: list[tuple[str, str]], data: bytes, reason: str | None = None
    ) -> None:
        self.send_response(status, reason or None)
        for key, value in headers:
            self.send_header(key, value)
        if not any(k.lower() == "content-length" for k, _ in headers):  # HEAD relays its own
            self.send_header("Content-Length", str(len(data)))
        if not any(k.lower() == "content-type" for k, _ in headers):
            self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # Telegram opens up to 40 connections at once, 100 at most
    proxy: RoundRobinProxy

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that hang up mid-answer (a fake cut off at close); report the rest."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class RoundRobinProxy:
    """Serve on 127.0.0.1 (a free port), forwarding each request to the next backend in turn.

    Use as a context manager. ``url`` is where to point the webhook; ``stats`` says what each
    backend did, so a test can see that both replicas served and how often a dead one was tried.
    """

    def __init__(self, backends: Sequence[tuple[str, int]], timeout: float = TIMEOUT) -> None:
        if not backends:
            raise ValueError("a round-robin proxy needs at least one backend")
        for host, _ in backends:
            if host != HOST:
                raise ValueError(f"backends are on {HOST} only (no test leaves it), not {host}")
        self.backends = [(host, int(port)) for host, port in backends]
        self.timeout = timeout
        self._lock = threading.Lock()
        self._turns = itertools.count()
        self._stats = [BackendStats(backend) for backend in self.backends]
        self.server = _Server((HOST, 0), _Handler)
        self.server.proxy = self
        self.thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.1},  # stops within 0.1 s, not 0.5: tests stop it often
            name="round-robin-proxy",
            daemon=True,
        )

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, with no path: the backends' paths are kept as sent."""
        return f"http://{HOST}:{self.server.server_address[1]}"

    @property
    def stats(self) -> list[BackendStats]:
        """A snapshot of each backend's counters, in the order the backends were given."""
        with self._lock:
            return [replace(s) for s in self._stats]

    def turn(self) -> list[int]:
        """The backends to try for one request: the next in turn first, then the others."""
        with self._lock:
            first = next(self._turns) % len(self.backends)
        return [(first + n) % len(self.backends) for n in range(len(self.backends))]

    def count(self, index: int, failed: bool) -> None:
        """Count one attempt on backend ``index``: answered (and relayed), or failed."""
        with self._lock:
            if failed:
                self._stats[index].failures += 1
            else:
                self._stats[index].forwarded += 1

    def __enter__(self) -> RoundRobinProxy:
        self.thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
