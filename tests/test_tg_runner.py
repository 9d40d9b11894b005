"""Start-up: clear errors for bad settings, logs that never show the token, the serving mode."""

from __future__ import annotations

import logging
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from pydantic import SecretStr
from telegram.error import InvalidToken, NetworkError

import bot.tg.runner as runner
from bot.config import SettingsError
from bot.store.postgres import PostgresStore
from bot.tg.runner import (
    RedactingFormatter,
    ReportedByRunBot,
    StartupError,
    configure_logging,
    run_bot,
)
from bot.tg.state import STATE_KEY
from testkit.fake_bot_api import BOT_USER, TOKEN
from testkit.fake_encoder import FakeEncoder

REPO = Path(__file__).resolve().parent.parent


def test_run_bot_without_a_token_names_the_variable(tg_settings):
    settings = tg_settings.model_copy(update={"telegram_bot_token": None})
    with pytest.raises(SettingsError, match=r"^TELEGRAM_BOT_TOKEN: "):
        run_bot(settings)


def test_a_malformed_webhook_secret_names_the_variable(tg_settings):
    settings = tg_settings.model_copy(
        update={
            "webhook_url": "https://bot.example.org/hook",
            "webhook_secret": SecretStr("not ok!"),
        }
    )
    with pytest.raises(SettingsError, match=r"^WEBHOOK_SECRET: "):
        run_bot(settings)


def test_cli_run_without_token_prints_one_line_and_fails(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "KNOWLEDGE_DIR": str(REPO / "knowledge"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "TELEGRAM_BOT_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_the_token_is_redacted_from_messages_and_tracebacks():
    formatter = RedactingFormatter("%(message)s", [TOKEN])
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed")
    except RuntimeError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "url %s", (f"/bot{TOKEN}/",), sys.exc_info()
        )
    text = formatter.format(record)
    assert TOKEN not in text
    assert text.count("[redacted]") == 2


def test_configure_logging_quiets_url_printing_loggers():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("DEBUG", [TOKEN])
        assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
        # pypdf warns of a bad file without naming it; the bot reports it by name instead.
        assert logging.getLogger("pypdf").getEffectiveLevel() == logging.ERROR
        assert isinstance(root.handlers[0].formatter, RedactingFormatter)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    def run_polling(self, **kwargs) -> None:
        self.calls.append(("polling", kwargs))

    def run_webhook(self, **kwargs) -> None:
        self.calls.append(("webhook", kwargs))


def test_polling_unless_a_webhook_url_is_set(tg_settings):
    app = Recorder()
    runner.serve(app, tg_settings)  # type: ignore[arg-type]
    hooked = tg_settings.model_copy(
        update={
            "webhook_url": "https://bot.example.org/tg/hook",
            "webhook_secret": SecretStr("s3cret_-x"),
        }
    )
    runner.serve(app, hooked)  # type: ignore[arg-type]
    (first, _), (second, options) = app.calls
    assert (first, second) == ("polling", "webhook")
    assert options["url_path"] == "tg/hook"
    assert options["webhook_url"] == "https://bot.example.org/tg/hook"
    assert options["secret_token"] == "s3cret_-x"


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield
    root.handlers[:], level = saved
    root.setLevel(level)


def test_start_up_failures_are_one_line_without_the_token(
    tg_settings, monkeypatch, restore_logging
):
    def unreachable(app, settings):
        raise NetworkError(f"POST /bot{TOKEN}/getMe: connection refused")

    monkeypatch.setattr(runner, "serve", unreachable)
    with pytest.raises(StartupError) as caught:
        run_bot(tg_settings)
    assert TOKEN not in str(caught.value)
    assert "connection refused" in str(caught.value)


def test_run_bot_starts_by_words_and_hands_the_model_to_the_app(tg_settings, monkeypatch, caplog):
    """With a model but no stored vectors: words at once, the encoder in the state for later."""
    encoder = FakeEncoder(dimension=16)
    served = []
    monkeypatch.setattr(runner, "configure_logging", lambda level, secrets: None)
    monkeypatch.setattr(runner, "load_encoder", lambda config: encoder)
    monkeypatch.setattr(runner, "serve", lambda app, settings: served.append(app))
    with caplog.at_level(logging.INFO, logger="bot.tg.runner"):
        assert run_bot(tg_settings.model_copy(update={"semantic": True})) == 0
    state = served[0].bot_data[STATE_KEY]
    assert state.encoder is encoder
    assert not state.answerer.semantic
    assert state.meaning_task is None  # scheduled once the application runs (post_init)
    assert (
        "answering by words until the sentence vectors are embedded in the background"
        in caplog.messages
    )


def test_run_bot_without_a_model_says_words_alone(tg_settings, monkeypatch, caplog):
    served = []
    monkeypatch.setattr(runner, "configure_logging", lambda level, secrets: None)
    monkeypatch.setattr(runner, "serve", lambda app, settings: served.append(app))
    with caplog.at_level(logging.INFO, logger="bot.tg.runner"):
        run_bot(tg_settings)
    assert "answering by words alone (SEMANTIC=false)" in caplog.messages


def test_run_bot_with_a_missing_model_says_so(tg_settings, monkeypatch, caplog, tmp_path):
    settings = tg_settings.model_copy(update={"semantic": True, "model_dir": tmp_path / "none"})
    monkeypatch.setattr(runner, "configure_logging", lambda level, secrets: None)
    monkeypatch.setattr(runner, "serve", lambda app, settings: None)
    with caplog.at_level(logging.INFO):
        run_bot(settings)
    assert "answering by words alone (no sentence model)" in caplog.messages
    assert any(m.startswith("answering by words alone: ") for m in caplog.messages)


def test_the_bot_records_into_its_state_store_and_closes_it(tg_settings, monkeypatch, tmp_path):
    served = []
    monkeypatch.setattr(runner, "configure_logging", lambda level, secrets: None)
    monkeypatch.setattr(runner, "serve", lambda app, settings: served.append(app))
    settings = tg_settings.model_copy(update={"state_db": tmp_path / "state" / "bot.sqlite3"})
    assert run_bot(settings) == 0
    store = served[0].bot_data[STATE_KEY].store
    assert store is not None
    assert (tmp_path / "state" / "bot.sqlite3").is_file()
    with pytest.raises(sqlite3.ProgrammingError):  # closed when the bot stopped
        store.unfinished_updates(bot_id=BOT_USER["id"])


def test_state_db_naming_a_postgresql_server_stores_there(tg_settings, monkeypatch, postgres_url):
    served = []
    monkeypatch.setattr(runner, "configure_logging", lambda level, secrets: None)
    monkeypatch.setattr(runner, "serve", lambda app, settings: served.append(app))
    assert run_bot(tg_settings.model_copy(update={"state_db": postgres_url})) == 0
    store = served[0].bot_data[STATE_KEY].store
    assert isinstance(store, PostgresStore)
    assert store.path == postgres_url  # no password in the tests' URL to leave out
    with pytest.raises(psycopg.InterfaceError):  # closed when the bot stopped
        store.unfinished_updates(bot_id=BOT_USER["id"])


def test_a_damaged_state_store_stops_the_start_in_one_line_and_is_kept(
    tg_settings, monkeypatch, tmp_path
):
    monkeypatch.setattr(runner, "configure_logging", lambda level, secrets: None)
    monkeypatch.setattr(runner, "serve", lambda app, settings: pytest.fail("must not serve"))
    damaged = tmp_path / "state.sqlite3"
    damaged.write_bytes(b"\0garbage" * 512)
    with pytest.raises(runner.StateStoreError) as caught:
        run_bot(tg_settings.model_copy(update={"state_db": damaged}))
    assert str(damaged) in str(caught.value)
    assert "\n" not in str(caught.value)
    assert damaged.read_bytes() == b"\0garbage" * 512


def _closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.timeout(90)
def test_cli_run_with_the_bot_api_unreachable_says_so_once_an_attempt_and_fails(tmp_path):
    address = f"http://127.0.0.1:{_closed_port()}"
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "KNOWLEDGE_DIR": str(REPO / "knowledge"),
        "CACHE_DIR": str(tmp_path / "cache"),  # never into the repository
        "STATE_DB": str(tmp_path / "state.sqlite3"),
        "SEMANTIC": "false",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": f"{address}/bot",
        "NO_PROXY": "127.0.0.1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=80, check=False,
    )  # fmt: skip
    assert done.returncode == 2  # as every error of the command line
    assert "Traceback" not in done.stderr
    assert "chat None" not in done.stderr
    assert TOKEN not in done.stderr
    lines = done.stderr.strip().splitlines()
    reason = f"cannot reach the Bot API at {address} (connection refused)"
    retries = [line for line in lines if f"getMe failed: {reason}; retrying in" in line]
    assert len(retries) == 4  # the fifth failure is the last line
    assert lines[-1] == (
        f"error: cannot start the bot: {reason};"
        " check TELEGRAM_BASE_URL and the network, then start it again"
    )
    assert all(" INFO " in line or line in retries for line in lines[:-1])


def _record(name: str, error: BaseException) -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, "failed", (), (None, error, None))


def test_ptb_tracebacks_for_an_unreachable_bot_api_show_only_at_debug():
    unreachable = _record("telegram.ext.Application", NetworkError("httpx.ConnectError"))
    assert not ReportedByRunBot(debug=False).filter(unreachable)
    assert ReportedByRunBot(debug=True).filter(unreachable)  # its chain of causes may help
    rejected = _record("telegram.ext.Application", InvalidToken("rejected"))
    assert not ReportedByRunBot(debug=True).filter(rejected)  # run_bot says it in one line
    ours = _record("bot.tg.error_handler", NetworkError("lost"))
    assert ReportedByRunBot(debug=False).filter(ours)
