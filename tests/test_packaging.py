"""The Dockerfile and .env.example stay in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import Settings

REPO = Path(__file__).resolve().parent.parent


def test_env_example_documents_every_setting_and_loads():
    text = (REPO / ".env.example").read_text()
    names = set(re.findall(r"^([A-Z_]+)=", text, flags=re.MULTILINE))
    assert names == {name.upper() for name in Settings.model_fields}
    settings = Settings(_env_file=REPO / ".env.example")  # type: ignore[call-arg]
    assert settings.webhook_url in (None, "")
    assert settings.admin_user_ids == frozenset()


def test_dockerfile_runs_the_bot_as_non_root_without_secrets():
    text = (REPO / "Dockerfile").read_text()
    assert text.index("pip install --requirement") < text.index("COPY bot/")
    assert re.search(r"^USER (?!root|0)\S+", text, flags=re.MULTILINE)
    assert 'VOLUME ["/app/knowledge"]' in text
    assert text.rstrip().endswith('CMD ["python", "-m", "bot", "run"]')
    assert "TOKEN" not in text.replace("TELEGRAM_BOT_TOKEN=...", "")
    assert ".env" in (REPO / ".dockerignore").read_text().split()


def test_every_folder_of_the_bot_is_a_package_the_install_ships():
    setuptools = pytest.importorskip("setuptools")
    shipped = set(setuptools.find_packages(str(REPO), include=["bot*"]))
    folders = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "bot").rglob("*.py")}
    assert folders <= shipped
