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
"""

from __future__ import annotations

import email.parser
import email.policy
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
from urllib.parse import parse_qsl, unquote

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

    # -- feeding and observing -------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for ``getUpdates``; return the update id given to it."""
        with self.cond:
            update["update_id"] = next(self._update_ids)
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

    def close(self) -> None:
        """End any long poll in progress, as when the server stops."""
        with self.cond:
            self.closed = True
            self.cond.notify_all()

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
            updates = self._updates(params, gone)
            if updates is None:
                return drop()
            return 200, {"ok": True, "result": updates}
        answers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": lambda p: self.bot_user,
            "sendMessage": self._message,
            "editMessageText": self._edit,
            "getFile": self._file_info,
            "getChatMember": self._member,
        }
        if method in answers:
            try:
                return 200, {"ok": True, "result": answers[method](params)}
            except FakeRefusal as exc:
                return error(400, str(exc))
        if method in {
            "setMyCommands",
            "deleteWebhook",
            "setWebhook",
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
        """
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or MAX_LIMIT), 1), MAX_LIMIT)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self.cond:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
            while not self.pending and not self.closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.cond.wait(min(left, POLL_CHECK) if gone else left)
                if gone is not None and gone():
                    return None
            return list(self.pending[:limit])

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
