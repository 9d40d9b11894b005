"""A small fake Telegram Bot API: the methods briefing-bot calls, over HTTP on 127.0.0.1.

``FakeTelegram`` holds the state and answers calls (``handle``); ``FakeBotApi`` serves it over
HTTP for the end-to-end tests, and ``RecordingRequest`` plugs it straight into PTB for handler
tests, so both kinds of test see the same Telegram. ``testkit.telegram_updates`` builds the
updates; ``testkit.telegram_html`` checks HTML as Telegram would. Faults are injected with
``FakeTelegram.fault``: a function of the method and parameters that returns an HTTP status and
error body, or ``None`` to answer normally; ``FakeTelegram.latency`` delays every answer but
getUpdates's after the call is carried out, as a distant Bot API does.

``getUpdates`` keeps Telegram's offset rules: an update is delivered again by every call until
one is made with an offset above its id, which confirms (forgets) every update below it; at
most ``limit`` (1-100, default 100) at once. A client that hangs up mid long poll (a killed bot)
ends that poll at once, and its updates stay pending. Calls made through ``FakeBotApi.url_for``
are recorded with the client's name, so two bot processes on one fake are told apart.

One ``FakeTelegram`` is one bot: its token, and the user ``getMe`` answers (``BOT_USER`` by
default, whose id is not the token's prefix, as the bot must believe ``getMe``). Two bots are two
fakes, each behind its own ``FakeBotApi``, as Telegram keeps each bot's updates apart: both
number theirs from 1. ``SECOND_TOKEN`` and ``SECOND_BOT_USER`` make the second.

``setWebhook`` makes the fake deliver as Telegram does in webhook mode: each pending update is
POSTed as JSON to the URL (with ``X-Telegram-Bot-Api-Secret-Token`` when a secret was set), up
to ``max_connections`` (default 40) at once, oldest first, and forgotten only on a 2xx answer;
a refusal, another status or a timeout (``webhook_timeout``) leaves it pending, to be sent
again after ``webhook_retry_delay``. An update is never in flight twice at once, but it is sent
again after a failure, so a bot's replicas see redelivery as they would on Telegram. Every
attempt is recorded (``webhook_attempts``); ``wait_delivered`` waits for the 2xx of all.
Meanwhile ``getUpdates`` answers 409, as Telegram's does, until ``deleteWebhook``. Only
``http://127.0.0.1`` URLs are accepted, so no test can reach the internet.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import http.client
import itertools
import json
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from telegram.request import BaseRequest, RequestData

from testkit.telegram_html import MAX_TEXT, html_problems

TOKEN = "123456:TEST-token-never-real"
BOT_USER = {
    "id": 777000111,
    "is_bot": True,
    "first_name": "Briefing",
    "username": "BriefingTestBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
# Another bot, for two bots sharing one state store: its own token and getMe user.
SECOND_TOKEN = "654321:SECOND-token-never-real"
SECOND_BOT_USER = {
    **BOT_USER,
    "id": 888000222,
    "first_name": "Briefing (test)",
    "username": "BriefingSecondTestBot",
}
JSON_FIELDS = {
    "reply_parameters",
    "reply_markup",
    "link_preview_options",
    "results",
    "commands",
    "scope",
    "allowed_updates",
    "button",
    "entities",
    "show_alert",
    "drop_pending_updates",
    "chat_id",
    "message_id",
    "offset",
    "timeout",
    "limit",
    "cache_time",
    "is_personal",
}
DROP = 0  # a fault "status": hang up instead of answering
MAX_LIMIT = 100  # getUpdates: ``limit`` is 1-100, 100 when not given
CLIENT = "client"  # /client/<name>/bot<token>/...: a call from a named client (``url_for``)
POLL_CHECK = 0.2  # seconds between checks that a long-polling client is still there
WEBHOOK_HOST = "127.0.0.1"  # the only host setWebhook accepts: tests never leave the machine
WEBHOOK_CONNECTIONS = 40  # setWebhook's max_connections when not given, as on Telegram
MAX_WEBHOOK_CONNECTIONS = 100  # and its largest
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active;"
    " use deleteWebhook to delete the webhook first"
)
WORKER_WAKE = 1.0  # seconds at most an idle delivery worker sleeps before looking again
CLOSE_JOIN = 5.0  # seconds ``close`` waits, in all, for the delivery workers to end
Fault = Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]] | None]
Gone = Callable[[], bool]


@dataclass
class Call:
    """One Bot API call as the fake saw it: method, parameters, and what it answered.

    ``client`` names the caller when it used a ``FakeBotApi.url_for`` address (one per bot
    process, so calls still answered after a process was killed are told apart).
    """

    method: str
    params: dict[str, Any]
    status: int = 200
    result: Any = None
    at: float = field(default_factory=time.monotonic)
    client: str | None = None


def error(status: int, description: str, **extra: Any) -> tuple[int, dict[str, Any]]:
    """A Bot API error answer: ``status`` and the body Telegram would send with it."""
    return status, {"ok": False, "error_code": status, "description": description, **extra}


def drop() -> tuple[int, dict[str, Any]]:
    """Close the connection without answering (only meaningful over HTTP)."""
    return DROP, {}


def flood(seconds: int) -> tuple[int, dict[str, Any]]:
    """A 429 asking the bot to wait ``seconds`` before retrying."""
    return error(429, "Too Many Requests", parameters={"retry_after": seconds})


class FakeRefusal(Exception):
    """What the real API would answer with a 400."""


class _Conflict(Exception):
    """getUpdates while a webhook is set: Telegram's 409."""


@dataclass(frozen=True)
class Webhook:
    """The webhook as ``setWebhook`` set it."""

    url: str
    secret_token: str | None = None
    max_connections: int = WEBHOOK_CONNECTIONS


@dataclass(frozen=True)
class WebhookAttempt:
    """One POST of an update to the webhook: its answer's status, ``None`` if none came.

    ``None`` is a refused or reset connection or a timeout; ``at`` (``time.monotonic()``) is
    when the attempt ended, so a test can order attempts and see the retry delay.
    """

    update_id: int
    status: int | None
    at: float

    @property
    def delivered(self) -> bool:
        """A 2xx: Telegram forgets the update."""
        return self.status is not None and 200 <= self.status < 300


@dataclass
class _Delivery:
    """The workers of one ``setWebhook``; a later setWebhook or deleteWebhook stops them."""

    webhook: Webhook
    stop: threading.Event = field(default_factory=threading.Event)
    workers: list[threading.Thread] = field(default_factory=list)


class FakeTelegram:
    """Telegram's side of the conversation, thread-safe."""

    def __init__(self, token: str = TOKEN, bot_user: dict[str, Any] | None = None) -> None:
        self.token = token
        self.bot_user = dict(bot_user or BOT_USER)  # what getMe answers; the sender of sends
        self.cond = threading.Condition()
        self.calls: list[Call] = []
        self.pending: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}
        self.fault: Fault | None = None
        # Who administers each group, for getChatMember (everyone else is a member).
        self.chat_admins: dict[int, set[int]] = {}
        # Seconds between carrying out a call and answering it, the way back of a distant Bot
        # API: a send is already done (recorded) while the bot waits. getUpdates is not slowed.
        self.latency = 0.0
        self.closed = False
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(5000)
        # What each message the bot sent or edited shows now, and those deleted since, so
        # that editing one answers as Telegram does ("not modified", "not found").
        self.shown: dict[tuple[int, int], tuple[str, Any]] = {}
        self.deleted: set[tuple[int, int]] = set()
        # Webhook mode: what setWebhook set, every delivery attempt, and its timings.
        self.webhook: Webhook | None = None
        self.webhook_attempts: list[WebhookAttempt] = []
        self.webhook_timeout = 10.0  # seconds a POST may take (per socket operation)
        self.webhook_retry_delay = 0.2  # seconds before an update that failed is sent again
        self._last_update_id = 0
        self._delivery: _Delivery | None = None
        self._deliveries: list[_Delivery] = []  # every one started, for close to join
        # Shared by all deliveries, so that a webhook set again never sends an update that an
        # earlier one's worker still has in flight.
        self._in_flight: set[int] = set()
        self._retry_at: dict[int, float] = {}
        self._connections: set[http.client.HTTPConnection] = set()

    # -- feeding and observing -------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for ``getUpdates`` or the webhook; return the update id given to it."""
        with self.cond:
            update["update_id"] = self._last_update_id = next(self._update_ids)
            self.pending.append(update)
            self.cond.notify_all()
            return int(update["update_id"])

    def delete(self, chat_id: int, message_id: int) -> None:
        """Delete a message the bot sent, as a user or an admin may in Telegram."""
        with self.cond:
            self.deleted.add((chat_id, message_id))

    def add_file(self, file_id: str, data: bytes) -> None:
        """Make ``data`` downloadable as the file ``file_id`` (for uploads)."""
        self.files[file_id] = data

    def sent(self, method: str = "sendMessage") -> list[Call]:
        """The successful calls of ``method`` so far, in order."""
        with self.cond:
            return [c for c in self.calls if c.method == method and c.status == 200]

    def wait_for(
        self, predicate: Callable[[list[Call]], bool], timeout: float = 10.0
    ) -> list[Call]:
        """Wait until ``predicate`` holds for the calls so far; return them (or fail)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate(list(self.calls)):
                left = deadline - time.monotonic()
                if left <= 0:
                    methods = [c.method for c in self.calls]
                    raise AssertionError(f"timed out waiting; calls so far: {methods}")
                self.cond.wait(left)
            return list(self.calls)

    def wait_delivered(self, timeout: float = 10.0) -> list[WebhookAttempt]:
        """Wait until every update pushed so far got a 2xx from the webhook; the attempts.

        Updates confirmed by getUpdates instead were never delivered by the webhook, and are
        waited for in vain: this is for tests whose updates all go to a webhook.
        """
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                done = {a.update_id for a in self.webhook_attempts if a.delivered}
                missing = [n for n in range(1, self._last_update_id + 1) if n not in done]
                if not missing:
                    return list(self.webhook_attempts)
                left = deadline - time.monotonic()
                if left <= 0:
                    url = self.webhook.url if self.webhook else "no webhook set"
                    tried = [a for a in self.webhook_attempts if a.update_id in missing]
                    raise AssertionError(
                        f"timed out waiting for webhook deliveries ({url}): updates"
                        f" {missing[:20]}{' ...' if len(missing) > 20 else ''} never got a 2xx;"
                        f" their last attempts: {tried[-10:]}"
                    )
                self.cond.wait(left)

    def webhook_workers(self) -> list[threading.Thread]:
        """The delivery threads still alive (a stopped one ends once its POST has)."""
        with self.cond:
            return [t for d in self._deliveries for t in d.workers if t.is_alive()]

    def close(self) -> None:
        """End any long poll and webhook delivery in progress, as when the server stops.

        POSTs in flight are cut off (their sockets shut down) rather than waited for, so that
        a receiver that never answers cannot hold the test up; no worker outlives this call.
        """
        with self.cond:
            self.closed = True
            self.webhook = None
            self._stop_delivery()
            for connection in self._connections:
                if connection.sock is not None:
                    with contextlib.suppress(OSError):  # already closed by the other side
                        connection.sock.shutdown(socket.SHUT_RDWR)
            workers = [t for d in self._deliveries for t in d.workers]
            self.cond.notify_all()
        deadline = time.monotonic() + CLOSE_JOIN
        for worker in workers:
            worker.join(timeout=max(deadline - time.monotonic(), 0.0))

    # -- answering -----------------------------------------------------------------------------
    def handle(
        self,
        method: str,
        params: dict[str, Any],
        gone: Gone | None = None,
        client: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Answer one call (or inject the fault for it) and record it, from ``client``.

        ``gone`` tells whether the client has hung up: a long poll then ends at once, answering
        ``DROP`` and delivering nothing (its updates stay pending, as on Telegram).
        """
        injected = self.fault(method, params) if self.fault else None
        status, body = injected or self._answer(method, params, gone)
        with self.cond:
            self.calls.append(Call(method, params, status, body.get("result"), client=client))
            self.cond.notify_all()
        if self.latency and method != "getUpdates":
            time.sleep(self.latency)
        return status, body

    def _answer(
        self, method: str, params: dict[str, Any], gone: Gone | None = None
    ) -> tuple[int, dict[str, Any]]:
        if method == "getUpdates":
            try:
                updates = self._updates(params, gone)
            except _Conflict:
                return error(409, WEBHOOK_CONFLICT)
            if updates is None:
                return drop()
            return 200, {"ok": True, "result": updates}
        answers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": lambda p: self.bot_user,
            "sendMessage": self._message,
            "editMessageText": self._edit,
            "getFile": self._file_info,
            "getChatMember": self._member,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._webhook_info,
        }
        if method in answers:
            try:
                return 200, {"ok": True, "result": answers[method](params)}
            except FakeRefusal as exc:
                return error(400, str(exc))
        if method in {
            "setMyCommands",
            "answerCallbackQuery",
            "answerInlineQuery",
            "sendChatAction",
            "close",
            "deleteMyCommands",
        }:
            return 200, {"ok": True, "result": True}
        return error(400, f"Bad Request: method {method} is not faked")

    def _updates(
        self, params: dict[str, Any], gone: Gone | None = None
    ) -> list[dict[str, Any]] | None:
        """Telegram's offset rules: what ``getUpdates`` answers (``None``: the client left).

        ``offset`` confirms every update below it, which is then forgotten; every other update
        stays pending and is delivered again by each call until one confirms it. At most
        ``limit`` (1-100, default 100) come at once, oldest first. With none pending, the call
        waits up to ``timeout`` seconds for one (a long poll), ending early if ``gone()``.
        While a webhook is set, or once one is set mid-poll, it is refused (``_Conflict``).
        """
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or MAX_LIMIT), 1), MAX_LIMIT)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self.cond:
            if self.webhook is not None:
                raise _Conflict
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
            while not self.pending and not self.closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.cond.wait(min(left, POLL_CHECK) if gone else left)
                if gone is not None and gone():
                    return None
                if self.webhook is not None:
                    raise _Conflict
            return list(self.pending[:limit])

    # -- webhook mode --------------------------------------------------------------------------
    def _set_webhook(self, params: dict[str, Any]) -> bool:
        """Set (or replace) the webhook and start its workers; an empty URL removes it."""
        url = str(params.get("url") or "")
        if not url:
            return self._delete_webhook(params)
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a port that is not one
        except ValueError:
            raise FakeRefusal("Bad Request: bad webhook: invalid URL") from None
        if parts.scheme != "http" or parts.hostname != WEBHOOK_HOST:
            raise FakeRefusal(
                f"Bad Request: bad webhook: the fake delivers only to http://{WEBHOOK_HOST}:PORT"
                f" (no test may reach the internet), not {url}"
            )
        connections = int(params.get("max_connections") or WEBHOOK_CONNECTIONS)
        if not 1 <= connections <= MAX_WEBHOOK_CONNECTIONS:
            raise FakeRefusal(
                f"Bad Request: bad webhook: max_connections is 1-{MAX_WEBHOOK_CONNECTIONS}"
            )
        webhook = Webhook(url, str(params.get("secret_token") or "") or None, connections)
        with self.cond:
            self._stop_delivery()
            if params.get("drop_pending_updates"):
                self._drop_pending()
            self.webhook = webhook
            if self.closed:  # a fake that has stopped delivers nothing
                return True
            delivery = _Delivery(webhook)
            for n in range(connections):
                worker = threading.Thread(
                    target=self._deliver,
                    args=(delivery,),
                    name=f"fake-webhook-{len(self._deliveries)}-{n}",
                    daemon=True,
                )
                delivery.workers.append(worker)
            self._delivery = delivery
            self._deliveries = [
                d for d in self._deliveries if any(t.is_alive() for t in d.workers)
            ]
            self._deliveries.append(delivery)
            for worker in delivery.workers:
                worker.start()
            self.cond.notify_all()  # long polls in progress end with a conflict
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        """Stop delivering; POSTs in flight end on their own, pending updates stay pending."""
        with self.cond:
            self.webhook = None
            self._stop_delivery()
            if params.get("drop_pending_updates"):
                self._drop_pending()
            self.cond.notify_all()
        return True

    def _webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.cond:
            info: dict[str, Any] = {
                "url": self.webhook.url if self.webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self.pending),
            }
            if self.webhook:
                info["max_connections"] = self.webhook.max_connections
            return info

    def _stop_delivery(self) -> None:
        """Tell the current delivery's workers to end (the caller holds ``cond``)."""
        if self._delivery is not None:
            self._delivery.stop.set()
            self._delivery = None
            self.cond.notify_all()

    def _drop_pending(self) -> None:
        """``drop_pending_updates``: forget every pending update (the caller holds ``cond``)."""
        self.pending = []
        self._retry_at.clear()

    def _deliver(self, delivery: _Delivery) -> None:
        """One delivery worker: POST the oldest update nobody has in flight, until stopped."""
        while True:
            with self.cond:
                update = self._next_update(delivery)
                if update is None:
                    return
                update_id = int(update["update_id"])
                body = json.dumps(update).encode()
            status = self._post(delivery.webhook, body)
            with self.cond:
                self._in_flight.discard(update_id)
                attempt = WebhookAttempt(update_id, status, time.monotonic())
                self.webhook_attempts.append(attempt)
                if attempt.delivered:
                    self.pending = [u for u in self.pending if u["update_id"] != update_id]
                    self._retry_at.pop(update_id, None)
                else:
                    self._retry_at[update_id] = time.monotonic() + self.webhook_retry_delay
                self.cond.notify_all()

    def _next_update(self, delivery: _Delivery) -> dict[str, Any] | None:
        """Wait for an update due for sending and take it (in flight); ``None``: stopped.

        The caller holds ``cond``. Due: pending, not in flight, and past its retry delay.
        """
        while not delivery.stop.is_set():
            now = time.monotonic()
            wake = now + WORKER_WAKE
            for update in self.pending:
                update_id = int(update["update_id"])
                if update_id in self._in_flight:
                    continue
                retry_at = self._retry_at.get(update_id, now)
                if retry_at <= now:
                    self._in_flight.add(update_id)
                    return update
                wake = min(wake, retry_at)
            self.cond.wait(wake - now)
        return None

    def _post(self, webhook: Webhook, body: bytes) -> int | None:
        """POST one update's JSON to the webhook: the answer's status, ``None`` if none came."""
        parts = urlsplit(webhook.url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"Content-Type": "application/json"}
        if webhook.secret_token:
            headers[SECRET_HEADER] = webhook.secret_token
        connection = http.client.HTTPConnection(
            WEBHOOK_HOST, parts.port or 80, timeout=self.webhook_timeout
        )
        try:
            connection.connect()
            with self.cond:
                if self.closed:
                    return None
                self._connections.add(connection)  # for close to cut off
            connection.request("POST", path, body, headers)
            answer = connection.getresponse()
            answer.read()
            return answer.status
        except (OSError, http.client.HTTPException):  # refused, reset, timed out, garbled
            return None
        finally:
            with self.cond:
                self._connections.discard(connection)
            connection.close()

    def _member(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        status = "administrator" if user_id in self.chat_admins.get(chat_id, set()) else "member"
        user = {"id": user_id, "is_bot": False, "first_name": "Ann"}
        if status == "administrator":
            rights = "can_be_edited can_manage_chat can_change_info can_delete_messages"
            rights += " can_invite_users can_restrict_members can_pin_messages"
            rights += " can_promote_members can_manage_video_chats is_anonymous"
            rights += " can_post_stories can_edit_stories can_delete_stories"
            flags = dict.fromkeys(rights.split(), False)
            return {"status": status, "user": user, **flags}
        return {"status": status, "user": user}

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        text = str(params.get("text", ""))
        problems = html_problems(text) if params.get("parse_mode") == "HTML" else []
        if problems:
            raise FakeRefusal(f"Bad Request: can't parse entities: {problems[0]}")
        if len(text) > MAX_TEXT and not problems:
            raise FakeRefusal("Bad Request: message is too long")
        chat_id = int(params["chat_id"])
        kind = "private" if chat_id > 0 else "supergroup"
        message_id = int(params.get("message_id") or next(self._message_ids))
        self.shown[(chat_id, message_id)] = (text, params.get("reply_markup"))
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": kind, "title": None if chat_id > 0 else "Group"},
            "from": self.bot_user,
            "text": params.get("text", ""),
        }

    def _edit(self, params: dict[str, Any]) -> dict[str, Any]:
        """``editMessageText``: refused for a deleted message or one edited to what it shows."""
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key in self.deleted:
            raise FakeRefusal("Bad Request: message to edit not found")
        now = (str(params.get("text", "")), params.get("reply_markup"))
        if self.shown.get(key) == now:
            raise FakeRefusal(
                "Bad Request: message is not modified: specified new message content and reply"
                " markup of the specified message are exactly the same as a current content"
                " and reply markup of the message"
            )
        return self._message(params)

    def _file_info(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params["file_id"])
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(self.files.get(file_id, b"")),
            "file_path": f"documents/{file_id}",
        }


def decode_form(fields: dict[str, str]) -> dict[str, Any]:
    """Undo PTB's form encoding: JSON-encoded values for the fields that carry them."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        out[key] = json.loads(value) if key in JSON_FIELDS else value
    return out


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: pytest shows failures, not every request."""

    def do_GET(self) -> None:
        prefix = f"/file/bot{self.server.fake.token}/documents/"
        path = unquote(self.path)  # PTB quotes the token's ":" in file URLs
        if path.startswith(prefix):
            data = self.server.fake.files.get(path[len(prefix) :])
            if data is not None:
                self._send(200, data, "application/octet-stream")
                return
        self._api({})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        kind = self.headers.get("Content-Type", "")
        if kind.startswith("multipart/"):
            fields = _multipart(kind, body)
        elif kind.startswith("application/json"):
            fields = {k: json.dumps(v) for k, v in json.loads(body or b"{}").items()}
        else:
            fields = dict(parse_qsl(body.decode(), keep_blank_values=True))
        self._api(fields)

    def _api(self, fields: dict[str, str]) -> None:
        prefix = f"/bot{self.server.fake.token}/"
        path, client = self.path, None
        if path.startswith(f"/{CLIENT}/"):  # /client/<name>/bot<token>/<method>
            client, _, rest = path[len(CLIENT) + 2 :].partition("/")
            path = f"/{rest}"
        if not path.startswith(prefix):
            status, payload = error(401, "Unauthorized")
        else:
            method = path[len(prefix) :]
            params = decode_form(fields)
            status, payload = self.server.fake.handle(method, params, self._gone, client)
        if status == DROP:
            self.close_connection = True  # hang up without a word, like a dropped connection
            return
        self._send(status, json.dumps(payload).encode(), "application/json")

    def _gone(self) -> bool:
        """Whether the client hung up (its process was killed): the socket reads as closed."""
        connection: socket.socket = self.connection
        try:
            return not connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:  # nothing to read: still there, waiting for the answer
            return False
        except OSError:  # reset by the peer, or already closed
            return True

    def _send(self, status: int, data: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _multipart(kind: str, body: bytes) -> dict[str, str]:
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    message = parser.parsebytes(f"Content-Type: {kind}\r\n\r\n".encode() + body)
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        fields[str(name)] = part.get_content() if part.get_content_maintype() == "text" else ""
    return fields


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256  # the bot opens up to 64 connections at once; Telegram never resets
    fake: FakeTelegram

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that hang up mid-answer (a bot stopped or killed); report the rest."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeBotApi:
    """Serve a ``FakeTelegram`` on 127.0.0.1 in a background thread; use as a context manager."""

    def __init__(self, fake: FakeTelegram | None = None) -> None:
        self.fake = fake or FakeTelegram()
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.fake = self.fake
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """What to set ``TELEGRAM_BASE_URL`` to."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/bot"

    def url_for(self, client: str) -> str:
        """``base_url`` for one client: its calls are recorded with ``Call.client == client``."""
        if not client or "/" in client:
            raise ValueError(f"a client name is a non-empty path segment, not {client!r}")
        return f"http://127.0.0.1:{self.server.server_address[1]}/{CLIENT}/{client}/bot"

    @property
    def base_file_url(self) -> str:
        """What to set ``TELEGRAM_BASE_FILE_URL`` to."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/file/bot"

    def __enter__(self) -> FakeBotApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.fake.close()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class RecordingRequest(BaseRequest):
    """A PTB request class that answers from a ``FakeTelegram`` and never opens a socket."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake

    @property
    def read_timeout(self) -> float | None:
        """Short: every answer comes from memory."""
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""
        return None

    async def shutdown(self) -> None:
        """Nothing to close."""
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        """Answer from the fake: files by id, API calls through ``FakeTelegram.handle``."""
        if "/file/bot" in url:
            return 200, self.fake.files[url.rsplit("/", 1)[-1]]
        params = dict(request_data.parameters) if request_data else {}
        params.pop("timeout", None)  # never long-poll inside a handler test
        status, payload = self.fake.handle(url.rsplit("/", 1)[-1], params)
        return status, json.dumps(payload).encode()


def only_reply(fake: FakeTelegram) -> dict[str, Any]:
    """Assert exactly one message was sent, as Telegram HTML without previews; return it."""
    sent = fake.sent()
    assert len(sent) == 1, [c.params.get("text") for c in sent]
    params = sent[0].params
    assert params["parse_mode"] == "HTML"
    assert params["link_preview_options"] == {"is_disabled": True}
    assert html_problems(params["text"]) == []
    return params
