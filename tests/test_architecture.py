import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "bot" / "core"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_core_never_imports_telegram():
    files = sorted(CORE.rglob("*.py"))
    assert files
    offenders = [f.name for f in files if "telegram" in _imports(f)]
    assert offenders == []


def test_the_core_does_not_reach_into_the_adapters():
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                ("bot.tg", "bot.cli", "bot.config")
            ):
                offenders.append(path.name)
    assert offenders == []
