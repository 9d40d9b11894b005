"""``GET /healthz``: whether this replica can serve, for a load balancer's active health check.

A replica that cannot record updates must stop receiving them, and PTB's webhook server has no
route of ours to say so; this is a second, tiny HTTP server on asyncio's own ``start_server``
(no new dependency) on ``HEALTH_LISTEN:HEALTH_PORT``. It is ready (200) when the bot has its
index and its state store answers a trivial read within ``PING_TIMEOUT``; else 503, saying
what is wrong. A bot without a store still answers, so no store counts as ready.

It only ever reads one request head and answers it: 404 for another path, 400 for a request
it cannot read, and a failure in one connection never reaches the bot. One ping is in flight
at a time, however often the balancer asks, so a store that hangs holds one thread, not one
a check.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from http import HTTPStatus

from bot.core import BriefingBotError
from bot.store import StateStore, StoreError
from bot.tg.state import BotState

logger = logging.getLogger(__name__)

PATH = "/healthz"
PING_TIMEOUT = 2.0  # seconds; well under a balancer's usual check timeout (Caddy: 5 s)
READ_TIMEOUT = 5.0  # seconds for the request head, so an idle connection cannot stay open
MAX_HEAD_LINES = 100  # the request line and its headers; each line is at most 64 KiB
MAX_REASON = 300  # characters of a store's error in the answer


class HealthServerError(BriefingBotError):
    """The health endpoint cannot listen where HEALTH_LISTEN and HEALTH_PORT say."""


class BadRequest(Exception):
    """A request head that is not HTTP/1.x, or not complete in time."""


@dataclass(frozen=True)
class Health:
    """What ``/healthz`` answers: ready or not, and why."""

    ready: bool
    documents: int
    store: str  # "ok", "none" (no store: still ready) or "unreachable: REASON"

    def body(self) -> dict[str, object]:
        """The JSON object of the answer."""
        return {"ready": self.ready, "documents": self.documents, "store": self.store}


@dataclass
class HealthServer:
    """The listening server, its open connections, and the store's ping in flight."""

    state: BotState
    server: asyncio.Server | None = None
    connections: set[asyncio.Task[None]] = field(default_factory=set)
    ping: asyncio.Future[None] | None = None
    was_ready: bool = True  # the last answer's readiness, to log each change once

    async def health(self) -> Health:
        """Check the index and the store now (the store at most ``PING_TIMEOUT``)."""
        documents = len(self.state.answerer.base.documents)
        store = self.state.store
        if store is None:
            return Health(ready=True, documents=documents, store="none")
        problem = await self._ping(store)
        ready = problem is None
        if ready != self.was_ready:
            self.was_ready = ready
            if ready:
                logger.info("health: the state store answers again: ready")
            else:
                logger.warning("health: not ready: the state store is %s", problem)
        store_text = "ok" if problem is None else f"unreachable: {problem}"
        return Health(ready=ready, documents=documents, store=store_text)

    async def _ping(self, store: StateStore) -> str | None:
        """``None`` if the store answered in time; else why not, in one short line."""
        if self.ping is None or self.ping.done():
            self.ping = asyncio.ensure_future(asyncio.to_thread(store.ping))
            self.ping.add_done_callback(_retrieve)  # its error is read even if nobody waits
        try:
            await asyncio.wait_for(asyncio.shield(self.ping), PING_TIMEOUT)
        except TimeoutError:
            return f"no answer within {PING_TIMEOUT:g} s"
        except StoreError as exc:
            return _one_line(str(exc))
        except Exception as exc:  # a ping is never to crash the endpoint; say what it was
            return _one_line(f"{type(exc).__name__}: {exc}")
        return None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer one request on a connection, then close it."""
        task = asyncio.current_task()
        if task is not None:
            self.connections.add(task)
        try:
            await self._answer(reader, writer)
        except OSError as exc:  # the client went away: nothing to tell it
            logger.debug("health: connection dropped: %s", exc)
        except asyncio.CancelledError:  # stop_health: this task is the connection's, its last
            logger.debug("health: connection closed at shutdown")
        except Exception:  # a bug here must not stop the bot; the check just fails
            logger.exception("health: failed to answer a request")
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            if task is not None:
                self.connections.discard(task)

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            method, path = await read_request(reader)
        except BadRequest as exc:
            logger.debug("health: bad request: %s", exc)
            await respond(writer, HTTPStatus.BAD_REQUEST, {"error": "bad request"})
            return
        if path != PATH:
            await respond(writer, HTTPStatus.NOT_FOUND, {"error": "not found"}, method=method)
        elif method not in ("GET", "HEAD"):
            await respond(
                writer,
                HTTPStatus.METHOD_NOT_ALLOWED,
                {"error": "method not allowed"},
                method=method,
                extra="Allow: GET, HEAD\r\n",
            )
        else:
            health = await self.health()
            status = HTTPStatus.OK if health.ready else HTTPStatus.SERVICE_UNAVAILABLE
            await respond(writer, status, health.body(), method=method)


def _retrieve(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()


def _one_line(text: str) -> str:
    """A store's error as one line of at most ``MAX_REASON`` characters (psycopg's span lines)."""
    line = " ".join(text.split())
    return line if len(line) <= MAX_REASON else line[: MAX_REASON - 1] + "…"


async def read_request(reader: asyncio.StreamReader) -> tuple[str, str]:
    """The method and path of one HTTP/1.x request head; ``BadRequest`` for anything else.

    The whole head is read before answering, even a bad one: closing a socket with unread
    bytes resets the connection, and the client would lose the answer.
    """
    try:
        lines = await asyncio.wait_for(_head(reader), READ_TIMEOUT)
    except TimeoutError:
        raise BadRequest("no complete request head in time") from None
    except (ValueError, asyncio.IncompleteReadError) as exc:  # a line over the reader's limit
        raise BadRequest(str(exc)) from None
    try:
        method, target, version = lines[0].decode("ascii").split()
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("not an HTTP request line") from None
    if not version.startswith("HTTP/1.") or not method.isalpha() or not target.startswith("/"):
        raise BadRequest("not an HTTP/1.x request line")
    return method, target.split("?", 1)[0]


async def _head(reader: asyncio.StreamReader) -> list[bytes]:
    """The lines up to the blank one that ends a request head, without their line ends."""
    lines: list[bytes] = []
    while True:
        line = await reader.readline()
        if not line.endswith(b"\n"):
            raise BadRequest("the connection closed before the request head ended")
        line = line.rstrip(b"\r\n")
        if not line:
            if not lines:
                continue  # blank lines before a request line are allowed (RFC 9112, 2.2)
            return lines
        lines.append(line)
        if len(lines) > MAX_HEAD_LINES:
            raise BadRequest("too many header lines")


async def respond(
    writer: asyncio.StreamWriter,
    status: HTTPStatus,
    body: dict[str, object],
    *,
    method: str = "GET",
    extra: str = "",
) -> None:
    """Write one JSON answer and flush it; the connection is closed after it."""
    content = json.dumps(body).encode()
    head = (
        f"HTTP/1.1 {status.value} {status.phrase}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(content)}\r\n"
        "Cache-Control: no-store\r\n"
        "Connection: close\r\n"
        f"{extra}\r\n"
    )
    writer.write(head.encode("ascii") + (b"" if method == "HEAD" else content))
    await writer.drain()


async def start_health(state: BotState) -> None:
    """Listen on ``HEALTH_LISTEN:HEALTH_PORT`` when ``HEALTH_PORT`` is set (once).

    A port that cannot be bound stops the start in one line: a balancer would otherwise see
    a replica that never turns healthy, with nothing in its log to say why.
    """
    settings = state.settings
    if settings.health_port == 0 or state.health is not None:
        return
    health = HealthServer(state)
    host, port = settings.health_listen, settings.health_port
    try:
        health.server = await asyncio.start_server(health.handle, host, port)
    except OSError as exc:
        raise HealthServerError(
            f"HEALTH_PORT: cannot listen on {host}:{port}: {exc.strerror or exc}"
        ) from None
    state.health = health
    logger.info("health endpoint on http://%s:%d%s", host, port, PATH)


async def stop_health(state: BotState) -> None:
    """Stop listening and end the connections still open (a balancer's check in flight)."""
    health, state.health = state.health, None
    if not isinstance(health, HealthServer) or health.server is None:
        return
    health.server.close()
    connections = list(health.connections)
    for task in connections:
        task.cancel()
    await asyncio.gather(*connections, return_exceptions=True)
    if health.ping is not None:
        health.ping.cancel()  # a hung ping's thread ends on its own; nobody waits for it
    await health.server.wait_closed()
