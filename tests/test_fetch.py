"""Fetching a link: only public http(s), checked at every redirect, bounded in size and time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from bot.fetch import FetchError, fetch
from testkit.local_site import LocalSite

PAGE = b"<html><head><title>Briefing</title></head><body><p>Text.</p></body></html>"


class _Pages(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/page.html":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/page.html")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif self.path == "/huge":  # no Content-Length: only reading tells the size
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(64):
                self.wfile.write(b"x" * 1024)
        else:
            self._send(404, b"not here", "text/plain")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def local() -> Iterator[str]:
    """A web server on 127.0.0.1 that stops by itself after the test."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_page_is_fetched_through_redirects_when_local_addresses_are_allowed(local):
    fetched = fetch(f"{local}/moved", max_bytes=10_000, allow_private=True, timeout=5)
    assert fetched.url == f"{local}/page.html"
    assert fetched.data == PAGE
    assert fetched.content_type == "text/html; charset=utf-8"


def test_loopback_is_refused_by_default(local):
    with pytest.raises(FetchError, match="private or local address"):
        fetch(f"{local}/page.html", max_bytes=10_000, timeout=5)


def test_size_redirects_and_errors_are_bounded(local):
    with pytest.raises(FetchError, match="limit"):
        fetch(f"{local}/huge", max_bytes=10_000, allow_private=True, timeout=5)
    with pytest.raises(FetchError, match="redirects"):
        fetch(f"{local}/loop", max_bytes=10_000, allow_private=True, timeout=5, max_redirects=3)
    with pytest.raises(FetchError, match=r"more than 1 redirect$"):
        fetch(f"{local}/loop", max_bytes=10_000, allow_private=True, timeout=5, max_redirects=1)
    with pytest.raises(FetchError, match="answered 404"):
        fetch(f"{local}/gone", max_bytes=10_000, allow_private=True, timeout=5)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/a", "file:///etc/passwd", "javascript:alert(1)", "http://user:pw@a.org/"],
)
def test_only_plain_http_and_https_links(url):
    with pytest.raises(FetchError):
        fetch(url, max_bytes=1000, resolver=lambda host, port: ["93.184.216.34"])


@pytest.mark.parametrize(
    "address", ["10.0.0.5", "192.168.1.1", "169.254.169.254", "::1", "fd00::1", "::ffff:127.0.0.1"]
)
def test_a_name_resolving_inside_is_refused_before_any_connection(address):
    def never(request: httpx.Request) -> httpx.Response:
        raise AssertionError("connected")

    with pytest.raises(FetchError, match="private or local"):
        fetch(
            "https://news.example/a",
            max_bytes=1000,
            resolver=lambda host, port: [address],
            transport=httpx.MockTransport(never),
        )


def test_each_redirect_is_checked_and_the_checked_address_is_the_one_used():
    seen: list[tuple[str, str, str]] = []
    public = {"news.example": "93.184.216.34", "metadata.internal": "169.254.169.254"}

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(
            (request.url.host, request.headers["host"], request.extensions["sni_hostname"])
        )
        return httpx.Response(302, headers={"Location": "http://metadata.internal/latest"})

    with pytest.raises(FetchError, match=r"metadata\.internal resolves to a private"):
        fetch(
            "https://news.example/story",
            max_bytes=1000,
            resolver=lambda host, port: [public[host]],
            transport=httpx.MockTransport(server),
        )
    assert seen == [("93.184.216.34", "news.example", "news.example")]


def test_a_conditional_request_gets_not_modified_until_the_page_changes():
    with LocalSite() as site:
        url = site.put("/feed.xml", "<rss/>", "application/rss+xml")
        first = fetch(url, max_bytes=1000, allow_private=True)
        assert first.data == b"<rss/>"
        assert first.etag
        assert first.last_modified
        again = fetch(
            url,
            max_bytes=1000,
            allow_private=True,
            etag=first.etag,
            last_modified=first.last_modified,
        )
        assert again.not_modified
        assert again.data == b""
        assert (again.etag, again.last_modified) == (first.etag, first.last_modified)
        site.put("/feed.xml", "<rss>new</rss>", "application/rss+xml")
        changed = fetch(url, max_bytes=1000, allow_private=True, etag=first.etag)
        assert changed.data == b"<rss>new</rss>"
        assert changed.etag != first.etag
        asked = site.asked("/feed.xml")
        assert [(r.if_none_match is not None, r.status) for r in asked] == [
            (False, 200),
            (True, 304),
            (True, 200),
        ]


def test_without_validators_a_304_is_an_error_not_an_empty_page():
    def server(request: httpx.Request) -> httpx.Response:
        return httpx.Response(304)

    with pytest.raises(FetchError, match="answered 304"):
        fetch(
            "https://news.example/a",
            max_bytes=1000,
            resolver=lambda host, port: ["93.184.216.34"],
            transport=httpx.MockTransport(server),
        )
