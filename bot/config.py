"""Settings, read from the environment and ``.env``, built once in ``main`` and passed down."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core import DEFAULT_MODEL, KNOWN_MODELS, AnswerOptions, BriefingBotError, EngineConfig
from bot.model_install import default_model_root, user_cache_root
from bot.store.opening import store_target

DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024
EVAL_CACHE_FOLDER = "eval"  # under user_cache_root(): one folder a knowledge directory
EVAL_CACHES_KEPT = 8  # the knowledge directories evaluated most recently keep their folders
_EVAL_CACHE_NAME = re.compile(r"[A-Za-z0-9._-]+-[0-9a-f]{16}")


class SettingsError(BriefingBotError):
    """A missing or malformed setting, named by its environment variable."""


class Settings(BaseSettings):
    """Everything an operator can tune; see ``.env.example`` for each variable."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        protected_namespaces=(),  # MODEL, MODEL_DIR and MODEL_THREADS name the sentence model
    )

    telegram_bot_token: SecretStr | None = None
    admin_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    knowledge_dir: Path = Path("knowledge")
    max_file_bytes: int = Field(default=DEFAULT_MAX_FILE_BYTES, gt=0)
    index_cache: bool = True
    cache_dir: Path | None = None
    semantic: bool = True
    model: str = DEFAULT_MODEL
    model_dir: Path | None = None
    model_threads: int = Field(default=2, ge=1, le=64)

    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, gt=0, lt=65536)
    # GET /healthz for a load balancer (bot.tg.health) on this address and port; 0: off.
    health_listen: str = "0.0.0.0"
    health_port: int = Field(default=0, ge=0, lt=65536)

    answer_count: int = Field(default=3, ge=1, le=10)
    min_coverage: float = Field(default=AnswerOptions().min_coverage, ge=0.0, le=1.0)
    min_paragraph_coverage: float = Field(
        default=AnswerOptions().min_paragraph_coverage, ge=0.0, le=1.0
    )
    # None: the value measured for MODEL (see catalogue)
    min_meaning: float | None = Field(default=None, ge=-1.0, le=3.0)
    # None: the value measured for MODEL, or for words alone
    min_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    sure_confidence: float = Field(default=AnswerOptions().sure_confidence, ge=0.0, le=1.0)
    rate_limit_per_minute: int = Field(default=20, ge=1)
    log_level: str = "INFO"

    allow_private_links: bool = False
    # Feeds (/feed add URL): polled this often, 0 never on their own (/feed poll still polls);
    # at most this many new entries taken a poll, the newest.
    feed_poll_minutes: float = Field(default=30.0, ge=0.0, le=7 * 24 * 60)
    feed_max_new: int = Field(default=10, ge=1, le=100)

    # A file's path, or a PostgreSQL URL (postgresql://...) for replicas sharing one store.
    state_db: str | Path | None = None
    # With STATE_DB on PostgreSQL: how long an update stays the replica's that took it, unless
    # renewed (a third of it, while it works); a killed replica's go to another this late.
    update_lease_seconds: float = Field(default=30.0, ge=1.0, le=3600.0)
    question_log_days: int = Field(default=90, ge=1, le=36_500)
    log_user_hash: bool = False

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        """Admins are listed as ``123,456`` in the environment, not as JSON."""
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            return frozenset(int(p) for p in parts if p)
        return value

    @field_validator("model", mode="before")
    @classmethod
    def _known_model(cls, value: Any) -> Any:
        """A known model by name, whatever its case: a typo is refused at start-up."""
        if isinstance(value, str):
            names = {name.lower(): name for name in KNOWN_MODELS}
            if value.strip().lower() not in names:
                raise ValueError(f"must be one of {', '.join(KNOWN_MODELS)}")
            return names[value.strip().lower()]
        return value

    @field_validator("min_meaning", "min_confidence", mode="before")
    @classmethod
    def _empty_is_tuned(cls, value: Any) -> Any:
        """``MIN_MEANING=`` or ``MIN_CONFIDENCE=`` left empty: the model's own measured one."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("cache_dir", "model_dir", "state_db", mode="before")
    @classmethod
    def _empty_is_default(cls, value: Any) -> Any:
        """``CACHE_DIR=``, ``MODEL_DIR=`` or ``STATE_DB=`` left empty: the default place."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        """Refuse a typo at start-up rather than logging nothing."""
        level = value.strip().upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    def index_cache_dir(self) -> Path | None:
        """Where the built index is cached; ``None`` when switched off.

        ``CACHE_DIR``, else a hidden folder of the knowledge directory (never read as
        knowledge, since the loader skips hidden folders).
        """
        if not self.index_cache:
            return None
        return self.cache_dir or self.knowledge_dir / ".index-cache"

    def state_store(self) -> Path | str:
        """Where the state store lives: ``STATE_DB``'s server or file, else beside the index cache.

        That is the knowledge directory's hidden cache folder by default, which Docker keeps
        on the knowledge volume, so the store outlives the container. A PostgreSQL URL is kept
        as it is (a path would fold its ``//``).
        """
        if self.state_db:
            return store_target(str(self.state_db))
        return (self.cache_dir or self.knowledge_dir / ".index-cache") / "state.sqlite3"

    def eval_cache_dir(self) -> Path | None:
        """Where ``eval`` keeps the index and sentence vectors of the knowledge; ``None``: off.

        Not the knowledge's own cache folder: an evaluation set may be read-only (a shared or
        vendored copy), and a folder holds one index, so evaluating there, or in ``CACHE_DIR``,
        would replace the bot's. A folder of the user's cache for each knowledge directory,
        named by its resolved path: the same directory finds its folder again however it is
        spelled, and the folder grows no further when the files change, since the index in it
        is replaced (its key covers every file's content and the engine's code) and vectors
        are stored per document text. ``INDEX_CACHE=false`` writes no cache here either.
        """
        if not self.index_cache:
            return None
        return user_cache_root() / EVAL_CACHE_FOLDER / eval_cache_name(self.knowledge_dir)

    def engine(self) -> EngineConfig:
        """The engine these settings describe: the one place settings become an engine."""
        return EngineConfig(
            knowledge_dir=self.knowledge_dir,
            max_file_bytes=self.max_file_bytes,
            cache_dir=self.index_cache_dir(),
            options=AnswerOptions.for_model(self.model, **self._chosen_options()),
            model_dir=(self.model_dir or default_model_root() / self.model)
            if self.semantic
            else None,
            known_model=self.model if self.semantic and self.model_dir is None else None,
            model_threads=self.model_threads,
        )

    def _chosen_options(self) -> dict[str, object]:
        """The answer options set here; the model's measured ones stand for the rest."""
        chosen: dict[str, object] = {
            "answer_count": self.answer_count,
            "min_coverage": self.min_coverage,
            "min_paragraph_coverage": self.min_paragraph_coverage,
            "sure_confidence": self.sure_confidence,
        }
        if self.min_meaning is not None:
            chosen["min_meaning"] = self.min_meaning
        if self.min_confidence is not None:  # one floor for every quote, chosen by its owner
            chosen["min_confidence"] = self.min_confidence
            chosen["words_min_confidence"] = self.min_confidence
        return chosen


def eval_cache_name(directory: Path) -> str:
    """A folder name for ``directory``'s evaluation cache: its name, for people, then a digest.

    The digest of the resolved path keeps two directories of the same name apart.
    """
    resolved = directory.resolve()
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", resolved.name)[:40] or "root"
    return f"{readable}-{hashlib.sha256(str(resolved).encode()).hexdigest()[:16]}"


def keep_recent_eval_caches(current: Path, keep: int = EVAL_CACHES_KEPT) -> None:
    """Mark ``current`` used now and delete all but the ``keep`` most recently used beside it.

    A folder a knowledge directory evaluated would otherwise pile up with every temporary
    copy ever evaluated. Only folders named as ``eval_cache_name`` names them are touched, and
    a failure only leaves a folder for next time.
    """
    with contextlib.suppress(OSError):
        current.mkdir(parents=True, exist_ok=True)
        os.utime(current)
        folders = [
            f
            for f in current.parent.iterdir()
            if f.is_dir() and _EVAL_CACHE_NAME.fullmatch(f.name)
        ]
        folders.sort(key=lambda f: f.stat().st_mtime, reverse=True)
        for old in folders[keep:]:
            if old != current:
                shutil.rmtree(old, ignore_errors=True)


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning validation errors into one line that names the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"{name}: {first['msg']}") from None
