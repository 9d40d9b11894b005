"""Fetching a briefing from a link an admin sent, without becoming a way into the network.

A link comes from a chat, so it is treated as hostile: only http and https; the host must
resolve to public addresses only (no loopback, private, link-local, multicast or reserved
ones, unless ``allow_private`` says so, for a bot that reads an intranet); the connection goes
to the address that was checked, so a second DNS answer cannot swap it for an internal one (the
host name still goes in the Host header and in TLS's SNI, and the certificate is checked
against it); redirects are followed by hand, each hop checked the same way, at most
``max_redirects``; the body is read up to ``max_bytes`` and no further; and one ``timeout``
bounds every step. Any failure is a ``FetchError`` whose message is one line fit for a chat.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from bot.core import BriefingBotError, counted

DEFAULT_TIMEOUT = 20.0
DEFAULT_REDIRECTS = 5
USER_AGENT = "briefing-bot (+https://github.com/; fetches a briefing an admin asked for)"
_REDIRECTS = {301, 302, 303, 307, 308}

Resolver = Callable[[str, int], list[str]]


class FetchError(BriefingBotError):
    """A link that cannot or must not be fetched; the message is one line."""


@dataclass(frozen=True)
class Fetched:
    """What a link gave: the final URL after redirects, its content type and its bytes.

    ``etag`` and ``last_modified`` are the validators the server sent, to make the next request
    conditional; ``not_modified`` says it answered 304 to a conditional one (``data`` is empty).
    """

    url: str
    content_type: str  # as sent, with its charset if any
    data: bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (the system resolver)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"{host}: cannot be resolved ({exc})") from None
    return sorted({str(info[4][0]) for info in infos})


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _checked(url: str, allow_private: bool, resolver: Resolver) -> tuple[str, str, str]:
    """(url to connect to, host for the Host header and SNI, the checked address)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http and https links can be fetched, not {parts.scheme or '?'}:")
    host = parts.hostname
    if not host:
        raise FetchError(f"{url}: no host in the link")
    if parts.username or parts.password:
        raise FetchError("links with a user name or password are not fetched")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"{url}: not a valid port") from None
    addresses = resolver(host, port)
    if not addresses:
        raise FetchError(f"{host}: resolves to no address")
    if not allow_private:
        inner = [a for a in addresses if not _public(a)]
        if inner:
            raise FetchError(
                f"{host} resolves to a private or local address ({inner[0]}): not fetched"
            )
    address = addresses[0]
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    return target, host if not parts.port else f"{host}:{parts.port}", host


def _body(response: httpx.Response, url: str, max_bytes: int) -> Fetched:
    """A final answer's body, read up to ``max_bytes`` and no further."""
    if response.status_code != 200:
        raise FetchError(f"{url}: the server answered {response.status_code}")
    declared = int(response.headers.get("content-length") or 0)
    if declared > max_bytes:
        raise FetchError(f"{url}: {declared:,} bytes is over the {max_bytes:,}-byte limit")
    data = bytearray()
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) > max_bytes:
            raise FetchError(f"{url}: more than the {max_bytes:,}-byte limit")
    return Fetched(
        url,
        response.headers.get("content-type", ""),
        bytes(data),
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float = DEFAULT_TIMEOUT,
    max_redirects: int = DEFAULT_REDIRECTS,
    allow_private: bool = False,
    resolver: Resolver = resolve,
    transport: httpx.BaseTransport | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str = "*/*",
) -> Fetched:
    """GET ``url`` within the limits in the module docstring; raise ``FetchError`` otherwise.

    With ``etag`` or ``last_modified`` (from an earlier ``Fetched``) the request is
    conditional: a server that has nothing newer answers 304, returned as ``not_modified``.
    """
    current = url.strip()
    conditions = {}
    if etag:
        conditions["If-None-Match"] = etag
    if last_modified:
        conditions["If-Modified-Since"] = last_modified
    with httpx.Client(
        timeout=timeout, follow_redirects=False, transport=transport, trust_env=False
    ) as client:
        for _ in range(max_redirects + 1):
            target, host_header, host = _checked(current, allow_private, resolver)
            request = client.build_request(
                "GET",
                target,
                headers={
                    "Host": host_header,
                    "User-Agent": USER_AGENT,
                    "Accept": accept,
                    **conditions,
                },
                extensions={"sni_hostname": host},
            )
            try:
                response = client.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise FetchError(f"{current}: {type(exc).__name__}: {exc}") from None
            try:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    current = urljoin(current, response.headers["location"])
                    continue
                if response.status_code == 304 and conditions:
                    return Fetched(current, "", b"", etag, last_modified, not_modified=True)
                return _body(response, current, max_bytes)
            except httpx.HTTPError as exc:
                raise FetchError(f"{current}: {type(exc).__name__}: {exc}") from None
            finally:
                response.close()
    raise FetchError(f"{url}: more than {counted(max_redirects, 'redirect')}")
