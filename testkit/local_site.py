"""A small web site on 127.0.0.1 for tests that fetch: feeds and their pages.

Pages can be set and changed while it runs (``site.put``); each answer carries an ETag and a
Last-Modified of its own, and a conditional request for a page that did not change gets 304,
as a well-behaved feed server answers. Every request is recorded (``site.requests``) so a test
can see what was asked and whether it was conditional. It serves only 127.0.0.1, on a port the
system picks, and stops with ``close`` (or the ``with`` block).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass(frozen=True)
class Page:
    """A page as served, with the validators it was given when it last changed."""

    body: bytes
    content_type: str
    etag: str
    last_modified: str


@dataclass(frozen=True)
class Request:
    """One request the site answered: its path, its conditions and the status sent."""

    path: str
    if_none_match: str | None
    if_modified_since: str | None
    status: int


class LocalSite:
    """Serves ``put`` pages by path; anything else is 404; ``fail`` makes a path answer 500."""

    def __init__(self) -> None:
        self._pages: dict[str, Page] = {}
        self._failing: set[str] = set()
        self._lock = threading.Lock()
        self.requests: list[Request] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The site's root, without a trailing slash."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def put(self, path: str, body: str | bytes, content_type: str = "text/html") -> str:
        """Serve ``body`` at ``path`` (new validators when it changed); its full URL."""
        data = body.encode() if isinstance(body, str) else body
        with self._lock:
            old = self._pages.get(path)
            if old is None or old.body != data or old.content_type != content_type:
                tag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
                self._pages[path] = Page(data, content_type, tag, formatdate(usegmt=True))
            self._failing.discard(path)
        return self.url + path

    def fail(self, path: str) -> None:
        """Answer 500 at ``path`` until it is ``put`` again."""
        with self._lock:
            self._failing.add(path)

    def asked(self, path: str) -> list[Request]:
        """The requests for ``path`` so far, in order."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalSite:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _answer(self, path: str, etag: str | None, since: str | None) -> tuple[int, Page | None]:
        with self._lock:
            page = None if path in self._failing else self._pages.get(path)
            if path in self._failing:
                status = 500
            elif page is None:
                status = 404
            elif (etag is not None and etag == page.etag) or (
                etag is None and since is not None and since == page.last_modified
            ):
                status = 304
            else:
                status = 200
            self.requests.append(Request(path, etag, since, status))
            return status, page

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                status, page = site._answer(
                    self.path,
                    self.headers.get("If-None-Match"),
                    self.headers.get("If-Modified-Since"),
                )
                self.send_response(status)
                if page is not None:
                    self.send_header("ETag", page.etag)
                    self.send_header("Last-Modified", page.last_modified)
                if status != 200 or page is None:
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                self.wfile.write(page.body)

        return Handler
