"""A real PostgreSQL server for the tests, started from its binaries and stopped by itself.

No mock: the PostgreSQL store's tests need the server's own locking, LISTEN/NOTIFY and restart
behaviour. The server listens on 127.0.0.1 only (no Unix socket), on a free port, with its data
in a temporary folder that is removed when it stops; ``fsync`` is off, since the tests never cut
the power. ``initdb`` and ``postgres`` refuse to run as root, and CI runs as root: then the
server runs as an unprivileged user (``nobody``), which owns the folder.

The binaries are Debian's (``/usr/lib/postgresql/<version>/bin``, the newest), or those on the
``PATH``, or ``PG_BINDIR``'s. ``find_binaries`` returns ``None`` when there are none, so a test
session can skip with a reason (or fail, under CI).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from testkit.ports import free_port

UNPRIVILEGED_USER = "nobody"
START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Binaries:
    """Where ``initdb`` and ``postgres`` are."""

    initdb: Path
    postgres: Path


def find_binaries() -> Binaries | None:
    """``PG_BINDIR``'s binaries, else Debian's newest, else the ``PATH``'s; ``None`` if none."""
    folders: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        folders.append(Path(os.environ["PG_BINDIR"]))
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    folders.extend(debian)
    for folder in folders:
        if (folder / "initdb").is_file() and (folder / "postgres").is_file():
            return Binaries(folder / "initdb", folder / "postgres")
    initdb, postgres = shutil.which("initdb"), shutil.which("postgres")
    if initdb and postgres:
        return Binaries(Path(initdb), Path(postgres))
    return None


class PostgresServer:
    """One PostgreSQL server on 127.0.0.1, its superuser ``postgres`` trusted on loopback."""

    def __init__(self, binaries: Binaries) -> None:
        self.binaries = binaries
        self.port = free_port()
        # Not under pytest's tmp_path: its folders are root's alone, closed to ``nobody``.
        self.folder = Path(tempfile.mkdtemp(prefix="briefing-bot-pg-"))
        self.data = self.folder / "data"
        self._process: subprocess.Popen[bytes] | None = None
        self._user: str | None = UNPRIVILEGED_USER if os.geteuid() == 0 else None
        if self._user is not None:
            account = pwd.getpwnam(self._user)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        self.log = self.folder / "server.log"
        self._run([str(binaries.initdb), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                   "-E", "UTF8", "--no-sync", "--no-instructions"])  # fmt: skip

    def url(self, database: str = "postgres") -> str:
        """A connection URL for ``database`` as the superuser."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        if self._process is not None:
            return
        command = [str(self.binaries.postgres), "-D", str(self.data), "-p", str(self.port),
                   "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                   "-c", "fsync=off", "-c", "full_page_writes=off",
                   "-c", "max_connections=200"]  # fmt: skip
        with open(self.log, "ab") as log:
            user, group, extra_groups = self._account()
            self._process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                user=user,
                group=group,
                extra_groups=extra_groups,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                psycopg.connect(self.url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"PostgreSQL did not start: {self._tail()}") from None
                time.sleep(0.05)

    def stop(self, *, fast: bool = True) -> None:
        """Stop the server (``fast``: cut the connections and shut down at once)."""
        process, self._process = self._process, None
        if process is None:
            return
        process.send_signal(2 if fast else 15)  # SIGINT: fast shutdown; SIGTERM: smart
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def restart(self) -> None:
        """Stop and start again on the same port: every connection is cut."""
        self.stop()
        self.start()

    def create_database(self, name: str) -> str:
        """A new, empty database; its URL."""
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        """Stop the server and remove its folder."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _account(self) -> tuple[int | None, int | None, list[int] | None]:
        """The user, group and extra groups to run the server as (``None``: as this process)."""
        if self._user is None:
            return None, None, None
        account = pwd.getpwnam(self._user)
        return account.pw_uid, account.pw_gid, []

    def _run(self, command: list[str]) -> None:
        user, group, extra_groups = self._account()
        done = subprocess.run(
            command,
            capture_output=True,
            check=False,
            user=user,
            group=group,
            extra_groups=extra_groups,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stderr.decode(errors='replace')}")

    def _tail(self) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-2000:]
        return "(no log)"
