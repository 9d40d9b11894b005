"""Settings, read from the environment and ``.env``, built once in ``main`` and passed down."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core import AnswerOptions, BriefingBotError, EngineConfig
from bot.model_install import default_model_dir

DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024


class SettingsError(BriefingBotError):
    """A missing or malformed setting, named by its environment variable."""


class Settings(BaseSettings):
    """Everything an operator can tune; see ``.env.example`` for each variable."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        protected_namespaces=(),  # MODEL_DIR and MODEL_THREADS name the sentence model
    )

    telegram_bot_token: SecretStr | None = None
    admin_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    knowledge_dir: Path = Path("knowledge")
    max_file_bytes: int = Field(default=DEFAULT_MAX_FILE_BYTES, gt=0)
    index_cache: bool = True
    cache_dir: Path | None = None
    semantic: bool = True
    model_dir: Path | None = None
    model_threads: int = Field(default=2, ge=1, le=64)

    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, gt=0, lt=65536)

    answer_count: int = Field(default=3, ge=1, le=10)
    min_coverage: float = Field(default=AnswerOptions().min_coverage, ge=0.0, le=1.0)
    min_paragraph_coverage: float = Field(
        default=AnswerOptions().min_paragraph_coverage, ge=0.0, le=1.0
    )
    min_meaning: float = Field(default=AnswerOptions().min_meaning, ge=-1.0, le=3.0)
    rate_limit_per_minute: int = Field(default=20, ge=1)
    log_level: str = "INFO"

    allow_private_links: bool = False

    state_db: Path | None = None
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

    def state_db_path(self) -> Path:
        """Where the state store lives: ``STATE_DB``, else beside the index cache.

        That is the knowledge directory's hidden cache folder by default, which Docker keeps
        on the knowledge volume, so the store outlives the container.
        """
        return self.state_db or (self.cache_dir or self.knowledge_dir / ".index-cache") / (
            "state.sqlite3"
        )

    def engine(self) -> EngineConfig:
        """The engine these settings describe: the one place settings become an engine."""
        return EngineConfig(
            knowledge_dir=self.knowledge_dir,
            max_file_bytes=self.max_file_bytes,
            cache_dir=self.index_cache_dir(),
            options=AnswerOptions(
                answer_count=self.answer_count,
                min_coverage=self.min_coverage,
                min_paragraph_coverage=self.min_paragraph_coverage,
                min_meaning=self.min_meaning,
            ),
            model_dir=(self.model_dir or default_model_dir()) if self.semantic else None,
            bundled_model=self.semantic and self.model_dir is None,
            model_threads=self.model_threads,
        )


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning validation errors into one line that names the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"{name}: {first['msg']}") from None
