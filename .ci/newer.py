"""Print what a fresh resolve installed that the lock pins otherwise (CI's report, not a check).

Usage: python .ci/newer.py FREEZE LOCK, FREEZE from ``pip list --format=freeze``.
"""

import re
import sys


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def main(freeze: str, lock: str) -> None:
    """One line a package whose resolved version is none of the lock's pins for it."""
    pinned: dict[str, set[str]] = {}
    with open(lock, encoding="utf-8") as handle:
        for found in re.finditer(r"^([A-Za-z0-9][\w.\-]*)==(\S+)", handle.read(), re.MULTILINE):
            pinned.setdefault(_name(found.group(1)), set()).add(found.group(2))
    with open(freeze, encoding="utf-8") as handle:
        resolved = dict(line.strip().split("==", 1) for line in handle if "==" in line)
    for name, version in sorted(resolved.items()):
        key = _name(name)
        if key in ("briefing-bot", "pip"):
            continue
        if key not in pinned:
            print(f"  {name} {version} (not in the lock)")
        elif version not in pinned[key]:
            print(f"  {name} {version} (the lock: {', '.join(sorted(pinned[key]))})")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
