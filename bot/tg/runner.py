"""Start the bot: logging that never shows the token, the answerer, then polling or a webhook.

``run_bot`` is what ``python -m bot run`` calls. It raises ``SettingsError`` (one line naming
the variable) for a missing token or a bad webhook secret, and lets a broken knowledge
directory raise ``KnowledgeDirectoryError`` before anything connects to Telegram. It starts
with the sentence vectors already stored and never waits for the rest: those are embedded in
the background once the bot runs (``bot.tg.meaning``), and it answers by words meanwhile.
"""

from __future__ import annotations

import logging
import os
import re
from datetime import timedelta
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.config import Settings, SettingsError
from bot.core import BriefingBotError, build_answerer, load_encoder, settle
from bot.log_levels import silence_extractors
from bot.shared_knowledge import join
from bot.store import SqlStore, StoreError, open_state_store, utc_now
from bot.tg.app import BotApp, build_application, require_token
from bot.tg.meaning import ANSWERING, answering
from bot.tg.rate_limiter import api_address, describe_failure
from bot.tg.state import Synced

logger = logging.getLogger(__name__)

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
QUIET_LOGGERS = ("httpx", "httpcore", "apscheduler", "markdown_it")


class RedactingFormatter(logging.Formatter):
    """A formatter that replaces secrets (the token) wherever they appear, tracebacks included."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        """Format as usual, then blank out every secret."""
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return text


class ReportedByRunBot(logging.Filter):
    """Drops PTB's own tracebacks for what ``run_bot`` reports in one line.

    A rejected token, always. A Bot API that cannot be reached at start, unless at DEBUG: PTB
    logs it as an ERROR with a traceback of a hundred lines, after the limiter's one line per
    attempt and before ``run_bot``'s final one have said it all. At DEBUG its chain of causes
    (httpx, httpcore, the socket) may still help find a proxy or TLS problem.
    """

    def __init__(self, debug: bool) -> None:
        super().__init__()
        self.debug = debug

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether to keep ``record``."""
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, InvalidToken):
            return False
        from_ptb = record.name.split(".", 1)[0] == "telegram"
        return self.debug or not (from_ptb and isinstance(error, NetworkError))


def configure_logging(level: str, secrets: list[str]) -> None:
    """Log to stderr at ``level``; HTTP client loggers, which print URLs, only from WARNING."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    handler.addFilter(ReportedByRunBot(debug=root.level <= logging.DEBUG))
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    silence_extractors(root.level)


def webhook_secret(settings: Settings) -> str | None:
    """Return the webhook secret, checked against what Telegram accepts."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    if not secret:  # WEBHOOK_SECRET= left empty, as in .env.example
        return None
    if not _SECRET.match(secret):
        raise SettingsError("WEBHOOK_SECRET: use 1-256 characters among A-Z, a-z, 0-9, _ and -")
    return secret


class StartupError(BriefingBotError):
    """The Bot API could not be reached at start-up (the message never holds the token)."""


def serve(app: BotApp, settings: Settings) -> None:
    """Block serving updates: by webhook when ``WEBHOOK_URL`` is set, else by long polling."""
    if settings.webhook_url:
        url = settings.webhook_url
        logger.info("webhook mode on %s:%d", settings.webhook_listen, settings.webhook_port)
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(url).path.lstrip("/"),
            webhook_url=url,
            secret_token=webhook_secret(settings),
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        logger.info("polling mode")
        app.run_polling(allowed_updates=Update.ALL_TYPES)


def run_bot(settings: Settings) -> int:
    """Run the bot until SIGINT or SIGTERM; return the process exit code."""
    token = require_token(settings)
    # Opt into PTB's coming durations type now: PTB 22 warns on every 429 otherwise.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    configure_logging(settings.log_level, [token, webhook_secret(settings) or ""])
    store = open_state(settings)
    try:
        synced = join_knowledge(store, settings)
        app = _application(settings, store, synced)
        serve(app, settings)
    except InvalidToken:
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN: rejected by the Bot API; check it with @BotFather"
        ) from None
    except NetworkError as exc:  # start-up calls were already retried by RetryingLimiter
        problem = describe_failure(exc, api_address(settings.telegram_base_url))
        raise StartupError(
            f"cannot start the bot: {_redact(problem, token)};"
            " check TELEGRAM_BASE_URL and the network, then start it again"
        ) from None
    except TelegramError as exc:
        raise StartupError(f"cannot start the bot: {_redact(str(exc), token)}") from None
    finally:
        store.close()
    return 0


def _application(settings: Settings, store: SqlStore, synced: Synced | None) -> BotApp:
    """The bot, its index built from the knowledge directory (the store's, if shared)."""
    config = settings.engine()
    encoder = load_encoder(config)  # None, and one line saying why, if it cannot be used
    answerer = build_answerer(config, encoder, vectors="cached")
    settle()
    why = ""
    if encoder is None:  # a missing model was logged by load_encoder
        why = " (no sentence model)" if settings.semantic else " (SEMANTIC=false)"
    logger.info("answering %s%s", ANSWERING[answering(answerer, encoder)], why)
    return build_application(settings, answerer, encoder=encoder, store=store, synced=synced)


def join_knowledge(store: SqlStore, settings: Settings) -> Synced | None:
    """With a store replicas share, make the knowledge directory the store's (``join``)."""
    if not store.shares_knowledge:
        return None
    joined = join(store, settings.knowledge_dir, max_bytes=settings.max_file_bytes, now=utc_now())
    log = logger.warning if joined.version == 0 else logger.info
    log("knowledge shared through the store, version %d: %s", joined.version, joined.how)
    return Synced(joined.version, joined.digests, failed=joined.failed)


def _redact(text: str, token: str) -> str:
    """PTB puts the token in some messages: never print them raw."""
    return text.replace(token, "[redacted]")


class StateStoreError(BriefingBotError):
    """The state store cannot be opened: damaged, from a newer version, or not writable."""


def open_state(settings: Settings) -> SqlStore:
    """Open the state store, or raise ``StateStoreError`` in one line naming it."""
    try:
        lease = timedelta(seconds=settings.update_lease_seconds)
        store = open_state_store(settings.state_store(), lease=lease)
    except StoreError as exc:
        raise StateStoreError(str(exc)) from None
    logger.info("state store %s", store.path)
    return store
