"""Run the real bot (``python -m bot run``) as a subprocess against a ``FakeBotApi``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from testkit.fake_bot_api import Call, FakeBotApi

REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT = 20.0


def bot_env(
    api: FakeBotApi, knowledge: Path, *, client: str | None = None, **settings: str
) -> dict[str, str]:
    """Environment for a bot process talking to ``api``, plus ``settings``.

    No Telegram settings of the machine leak in, and 127.0.0.1 is reached without a proxy.
    The token is the fake's, so each bot of a test talks to its own. With ``client``, the fake
    records the process's calls under that name (``Call.client``).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=api.fake.token,
        TELEGRAM_BASE_URL=api.url_for(client) if client else api.base_url,
        TELEGRAM_BASE_FILE_URL=api.base_file_url,
        KNOWLEDGE_DIR=str(knowledge),
        PYTHONPATH=str(REPO),
        NO_PROXY="127.0.0.1",
        **settings,
    )
    return env


class BotProcess:
    """The bot process and its fake Telegram; ``stop`` ends it and returns its log.

    Several may run one after another on the same ``FakeBotApi`` and knowledge directory (so
    the same state store), as a restart, or side by side on two ``FakeBotApi`` of two bots
    sharing the knowledge and the store: give each its own ``name``. The log is
    ``workdir / f"{name}.log"``, and the fake records the process's calls as from ``name``
    (``Call.client``), even those it answers after the process was killed.
    """

    def __init__(
        self,
        api: FakeBotApi,
        knowledge: Path,
        workdir: Path,
        admins: str,
        *,
        name: str = "bot",
        **extra_env: str,
    ) -> None:
        self.api = api
        self.fake = api.fake
        self.name = name
        self.log_path = workdir / f"{name}.log"
        self._calls_before = len(self.fake.calls)  # what earlier processes asked the fake
        settings = {"LOG_LEVEL": "DEBUG", **extra_env}  # DEBUG unless the caller says
        env = bot_env(api, knowledge, client=name, ADMIN_USER_IDS=admins, **settings)
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=workdir,  # no stray .env: only the variables above
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        """Wait until the bot has registered its commands and started polling."""
        try:
            # deleteWebhook (polling) or setWebhook comes last; updates pushed from now on queue
            self.fake.wait_for(
                lambda calls: any(
                    c.method in {"deleteWebhook", "setWebhook"}
                    for c in calls[self._calls_before :]
                ),
                START_TIMEOUT,
            )
        except AssertionError:
            raise AssertionError(f"bot did not start:\n{self.log()}") from None

    def reply_to(self, update: dict[str, Any], timeout: float = 10.0) -> Call:
        """Push ``update`` and wait for the one successful sendMessage replying to it."""
        message_id = update["message"]["message_id"]
        self.fake.push(update)

        def replied(calls: list[Call]) -> bool:
            return any(_replies_to(c, message_id) for c in calls)

        try:
            calls = self.fake.wait_for(replied, timeout)
        except AssertionError:
            raise AssertionError(f"no reply to {message_id}:\n{self.log()}") from None
        return next(c for c in calls if _replies_to(c, message_id))

    def log(self) -> str:
        """The bot's log (stdout and stderr) so far."""
        self._log.flush()
        return self.log_path.read_text()

    def stop(self) -> str:
        """Stop the bot with SIGTERM (SIGKILL if it hangs); return its log."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()
        return self.log_path.read_text()

    def kill(self) -> str:
        """Kill the bot with SIGKILL, as a crash or the OOM killer would; return its log."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=5)
        self._log.close()
        return self.log_path.read_text()


def _replies_to(call: Call, message_id: int) -> bool:
    reply = call.params.get("reply_parameters") or {}
    return (
        call.method == "sendMessage"
        and call.status == 200
        and reply.get("message_id") == message_id
    )


def sends_replying_to(calls: list[Call], message_id: int) -> list[Call]:
    """The successful sendMessage calls replying to the message ``message_id``."""
    return [c for c in calls if _replies_to(c, message_id)]
