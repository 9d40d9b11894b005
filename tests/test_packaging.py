"""The Dockerfile and .env.example stay in step with the code."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.config import Settings

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text()


def test_env_example_documents_every_setting_and_loads():
    text = (REPO / ".env.example").read_text()
    names = set(re.findall(r"^([A-Z_]+)=", text, flags=re.MULTILINE))
    assert names == {name.upper() for name in Settings.model_fields}
    settings = Settings(_env_file=REPO / ".env.example")  # type: ignore[call-arg]
    assert settings.webhook_url in (None, "")
    assert settings.admin_user_ids == frozenset()


def test_dockerfile_runs_the_bot_as_non_root_without_secrets():
    text = (REPO / "Dockerfile").read_text()
    assert text.index("--requirement requirements/run.txt") < text.index("COPY bot/")
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


# --- The locks: what CI tested is what the Quick start, CI and the image install --------------
LOCKS = {"run": REPO / "requirements" / "run.txt", "dev": REPO / "requirements" / "dev.txt"}
_PIN = re.compile(
    r"^([A-Za-z0-9][\w.\-]*)==(\S+)(?: ;(.*?))? \\\n((?:    --hash=sha256:\w+.*\n)+)", re.M
)


def _pins(lock: Path) -> dict[str, set[str]]:
    """Each locked package's versions (one a Python version where they fork), all hashed."""
    text = lock.read_text()
    pins: dict[str, set[str]] = {}
    for name, version, _marker, hashes in _PIN.findall(text):
        assert hashes.count("--hash=sha256:") >= 1
        pins.setdefault(canonicalize_name(name), set()).add(version)
    listed = re.findall(r"^[A-Za-z0-9][\w.\-]*==", text, flags=re.M)
    assert len(listed) == sum(len(v) for v in pins.values()), "a pin without hashes"
    return pins


def _project() -> dict[str, object]:
    with (REPO / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def test_every_requirement_of_pyproject_is_locked_within_its_range_with_hashes():
    project = _project()["project"]
    assert isinstance(project, dict)
    build = _project()["build-system"]
    assert isinstance(build, dict)
    wanted = {
        "run": [*project["dependencies"], *build["requires"]],
        "dev": [
            *project["dependencies"],
            *project["optional-dependencies"]["dev"],
            *build["requires"],
        ],
    }
    for kind, lock in LOCKS.items():
        pins = _pins(lock)
        for line in wanted[kind]:
            requirement = Requirement(line)
            versions = pins.get(canonicalize_name(requirement.name))
            assert versions, f"{requirement.name} is not in {lock.name}: run requirements/lock"
            assert all(v in requirement.specifier for v in versions), (requirement, versions)


def test_the_bot_runs_on_exactly_what_the_tests_ran_on():
    run, dev = _pins(LOCKS["run"]), _pins(LOCKS["dev"])
    assert {name: run[name] for name in run} == {name: dev[name] for name in run}


def test_the_build_backend_is_locked_as_pyproject_asks_for_it():
    build = _project()["build-system"]
    assert isinstance(build, dict)
    listed = (REPO / "requirements" / "build.in").read_text().split("\n")
    assert [line for line in listed if line and not line.startswith("#")] == build["requires"]


def _readme_commands() -> list[str]:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", quick, flags=re.S)


def test_the_quick_start_installs_from_the_lock_with_the_pip_venv_gives():
    run, tests = _readme_commands()
    for command, lock in ((run, "requirements/run.txt"), (tests, "requirements/dev.txt")):
        assert command.startswith("python3 -m venv .venv && ")
        # --no-deps: pip resolves nothing, so no upstream release can change what it takes
        # (pip 23.2 refused lxml 6.2.0, reached through justext's lxml[html_clean]).
        assert f"pip install -q --no-deps --require-hashes -r {lock} && " in command
        assert "pip install -q --no-deps --no-build-isolation -e . && " in command
        assert "--upgrade" not in command
    assert run.endswith('python -m bot ask "when is Kalbajar handed over?"')
    assert tests.endswith(".venv/bin/python -m pytest")


def test_ci_runs_the_quick_start_install_checks_the_lock_and_a_fresh_resolve():
    ci = (REPO / ".ci" / "run").read_text()
    install = ci.index("pip install --quiet --no-deps --require-hashes -r requirements/dev.txt")
    assert ci.index("python -m pip check\n") > install
    assert "--upgrade" not in ci[:install], "the Quick start must work with the venv's own pip"
    assert install < ci.index("requirements/lock --check") < ci.index("python -m pytest\n")
    fresh = ci.index('-m pip install --quiet -e ".[dev]"')
    assert fresh > ci.index("python -m pytest\n")
    assert '"$fresh/bin/python" -m pytest' in ci[fresh:]


def test_dockerfile_installs_the_lock_then_the_project_alone():
    text = (REPO / "Dockerfile").read_text()
    lock = text.index(
        "pip install --no-deps --require-hashes --requirement requirements/run.txt && pip check"
    )
    assert lock < text.index("pip install --no-deps --no-build-isolation .")


# --- deploy/: two replicas on PostgreSQL behind Caddy (docs/deploy.md) ------------------------
DEPLOY = REPO / "deploy"
SECRETS = ("POSTGRES_PASSWORD", "TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET")


def _compose() -> dict[str, Any]:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert isinstance(compose, dict)
    return compose


def _is_reference(value: str, name: str) -> bool:
    """``${NAME}``, ``${NAME:?why}`` or ``${NAME:-}``: read from the environment, not written."""
    return re.fullmatch(rf"\$\{{{name}(:[?-][^}}]*)?\}}", value) is not None


def test_the_compose_file_runs_two_replicas_on_postgresql_with_health_checks():
    services = _compose()["services"]
    bots = {name: s for name, s in services.items() if "build" in s}
    assert sorted(bots) == ["bot-a", "bot-b"]
    for name, bot in bots.items():
        env = bot["environment"]
        state_db = urlsplit(env["STATE_DB"])
        assert state_db.scheme == "postgresql", name
        assert state_db.hostname == "postgres", name
        assert env["WEBHOOK_URL"].startswith("https://"), name
        assert env["WEBHOOK_SECRET"], name
        assert env["HEALTH_PORT"] == "8080", name
        assert bot["depends_on"]["postgres"]["condition"] == "service_healthy", name
        assert "http://127.0.0.1:8080/healthz" in " ".join(bot["healthcheck"]["test"]), name
        assert bot["restart"] == "unless-stopped", name
    # Each replica its own copy of the store's knowledge: none writes another's index cache.
    mounts = [
        {m for m in bot["volumes"] if m.endswith(":/app/knowledge")} for bot in bots.values()
    ]
    assert mounts == [{"knowledge-a:/app/knowledge"}, {"knowledge-b:/app/knowledge"}]
    for name, bot in bots.items():  # every replica polls the feeds: they take turns
        assert "FEED_POLL_MINUTES" not in bot["environment"], name
    assert services["postgres"]["image"] == "postgres:16"
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    for name, service in services.items():
        assert service["healthcheck"]["test"], f"{name} has no healthcheck"


def test_the_compose_file_holds_no_secret():
    services = _compose()["services"]
    for name, service in services.items():
        env = service.get("environment", {})
        assert isinstance(env, dict), f"{name}: environment as a mapping, so it can be checked"
        for key in SECRETS:
            if key in env:
                assert _is_reference(env[key], key), f"{name}: {key} written in the file"
        if "STATE_DB" in env:
            password = urlsplit(env["STATE_DB"]).password
            assert password is not None, name
            assert _is_reference(password, "POSTGRES_PASSWORD"), name
        assert "env_file" not in service or all(".env" in f for f in service["env_file"])


def test_caddy_proxies_only_the_webhook_path_to_both_replicas_checking_their_health():
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    bot = _compose()["services"]["bot-a"]
    path = urlsplit(bot["environment"]["WEBHOOK_URL"]).path
    handled = re.findall(r"^\thandle(?: (\S+))? \{", caddyfile, flags=re.M)
    assert handled == [path, ""]  # the webhook's path, then 404 for everything else
    assert re.search(r"^\t\treverse_proxy bot-a:8443 bot-b:8443 \{", caddyfile, flags=re.M)
    for line in ("lb_policy round_robin", "health_uri /healthz", "health_port 8080"):
        assert re.search(rf"^\t\t\t{line}$", caddyfile, flags=re.M), line
    assert "lb_try_duration" in caddyfile
    assert re.search(r"^\t\trespond 404$", caddyfile, flags=re.M)
