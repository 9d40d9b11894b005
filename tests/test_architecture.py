"""The code's layout is its pipeline, and imports only ever flow one way."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "bot" / "core"
# The engine's stages in pipeline order: a module may import from its own stage and from earlier
# ones, never from a later one or from a sibling of the same rank.
STAGES = {
    "confidence": 0,
    "errors": 0,
    "language": 0,
    "lexicon": 0,
    "news_request": 1,
    "calibrations": 1,
    "catalogue": 1,
    "results": 1,
    "options": 2,
    "ingest": 3,
    "analysis": 4,
    "digest": 4,
    "scope": 4,
    "question": 5,
    "small_talk": 5,
    "search": 5,
    "ranking": 6,
    "facts": 6,
    "answer": 7,
    "engine": 8,
    "examples": 8,
    "follow_up": 8,
    "evaluation": 8,
    "verification": 8,
}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function, fully named."""
    names = set()
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _sources(*folders: str) -> list[Path]:
    return sorted(p for f in folders for p in (ROOT / f).rglob("*.py"))


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["bot", "core"] else None


def test_the_core_never_imports_telegram_or_the_adapters():
    files = _sources("bot/core")
    assert files
    for path in files:
        for name in _imports(path):
            assert not name.startswith(("telegram", "bot.tg", "bot.cli", "bot.config")), path


def test_every_core_module_belongs_to_a_stage():
    stages = {_stage(_module(p)) for p in _sources("bot/core")} - {None}
    assert stages == set(STAGES)


def test_stages_import_only_from_earlier_stages():
    offenders = []
    for path in _sources("bot/core"):
        here = _stage(_module(path))
        if here is None:
            continue  # bot/core/__init__.py: the public API, made of every stage
        for name in _imports(path):
            there = _stage(name)
            if there is None or there == here or there not in STAGES:
                continue
            if STAGES[there] >= STAGES[here]:
                offenders.append(f"{_module(path)} imports {name}")
    assert offenders == []


def test_scoring_never_imports_the_index_class():
    assert not any("bot.core.search.index" in n for n in _imports(CORE / "search/scoring.py"))


@pytest.mark.parametrize("folder", ["bot/tg", "bot/cli.py", "bot/config.py"])
def test_adapters_use_only_the_engine_s_public_api(folder):
    paths = [ROOT / folder] if folder.endswith(".py") else _sources(folder)
    for path in paths:
        deep = [n for n in _imports(path) if _stage(n) is not None and n in _known_modules()]
        assert deep == [], path


def _known_modules() -> set[str]:
    return {_module(p) for p in _sources("bot")}


def test_there_are_no_import_cycles_in_bot():
    modules = _known_modules()
    graph = {
        _module(p): {n for n in _imports(p) if n in modules and n != _module(p)}
        for p in _sources("bot")
    }
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = [*path[path.index(module) :], module]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for name in sorted(graph[module]):
            if not (module.startswith(name + ".") or name == "bot"):  # a package's own parent
                visit(name, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_no_module_imports_another_s_private_names():
    for path in _sources("bot"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot."):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert private == [], f"{path} imports {private} from {node.module}"


def test_benchmarks_do_not_import_the_tests():
    for path in _sources("benchmarks"):
        assert not any(n == "tests" or n.startswith("tests.") for n in _imports(path)), path


def test_the_state_store_imports_neither_telegram_nor_the_engine_nor_the_adapters():
    files = _sources("bot/store")
    assert files
    forbidden = ("telegram", "bot.tg", "bot.cli", "bot.config", "bot.core")
    for path in files:
        for name in _imports(path):
            assert not name.startswith(forbidden), f"{path} imports {name}"
