"""A port on 127.0.0.1 that nothing listens on at this moment, for a test's own server."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on now (a connection to it is refused until someone binds it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
