"""A briefing taken out of the knowledge (``/remove``, ``python -m bot remove``), for a week.

A removal is a move, not a delete: the knowledge file, and its original in ``.originals`` if it
was made from a web page or PDF, go into the hidden ``.trash`` folder (never read as
knowledge), each removal in a folder of its own named by the time it was made, UTC. They stay
there ``KEPT_DAYS`` days, so an admin who removed the wrong briefing can put it back by moving
it out again; ``empty_trash`` deletes what is older (the bot runs it at each reload, a
removal's included; ``python -m bot remove`` at each removal). Nothing here reloads: the
caller does, all or nothing, and moves the files back (``restore``) when the knowledge
without them does not load.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from rapidfuzz import fuzz, process

from bot.adding import ORIGINALS
from bot.core import BriefingBotError, knowledge_files

TRASH = ".trash"
KEPT_DAYS = 7
CLOSE_MATCHES = 3
CLOSE_SCORE = 50  # rapidfuzz's WRatio, 0 to 100: below it a name is no near miss
_STAMP = "%Y-%m-%dT%H-%M-%SZ"


class RemoveError(BriefingBotError):
    """A briefing that cannot be removed; the message is one line."""


@dataclass(frozen=True)
class Removed:
    """A removal: the file's name, the trash folder it went to, and each file moved there.

    ``moves`` are ``(was, now)`` pairs, the knowledge file first, then its originals.
    """

    name: str
    folder: Path
    moves: tuple[tuple[Path, Path], ...]


@dataclass(frozen=True)
class Pending:
    """A removal waiting for an admin to confirm it: the file, and when (``time.monotonic``)."""

    path: str
    asked: float


def knowledge_names(directory: Path) -> list[str]:
    """The knowledge files' paths in ``directory``, as ``/sources`` names them."""
    return [p.relative_to(directory).as_posix() for p in knowledge_files(directory)]


def find_name(paths: list[str], name: str) -> str:
    """The one of ``paths`` (``knowledge_names``) that ``name`` names.

    ``name`` is the file's path in the knowledge directory, as ``/sources`` lists it; a file
    name alone will do where only one file has it. A file that does not load can be named too
    (removing it is one way to mend the knowledge). An unknown name raises ``RemoveError``
    with the closest names.
    """
    wanted = name.strip().strip("\"'`").replace("\\", "/")
    if not wanted:
        raise RemoveError("Name the briefing to remove, as /sources lists it.")
    if wanted in paths:
        return wanted
    by_name = [p for p in paths if PurePosixPath(p).name.lower() == wanted.lower()]
    if len(by_name) == 1:
        return by_name[0]
    found = process.extract(wanted, paths, scorer=fuzz.WRatio, limit=CLOSE_MATCHES)
    close = [match for match, score, _ in found if score >= CLOSE_SCORE]
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise RemoveError(f"No briefing is called {wanted}.{hint} /sources lists them.")


def _originals(directory: Path, path: str) -> list[Path]:
    """The originals kept for the knowledge file ``path`` (its stem, any suffix)."""
    folder = directory / ORIGINALS / PurePosixPath(path).parent
    stem = PurePosixPath(path).stem
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.stem == stem)


def to_trash(directory: Path, path: str, now: dt.datetime) -> Removed:
    """Move the knowledge file ``path`` (and its originals) into the trash; see ``restore``."""
    source = directory / path
    if not source.is_file():
        raise RemoveError(f"{path} is no longer in the knowledge directory.")
    return files_to_trash(directory, [source, *_originals(directory, path)], now, name=path)


def files_to_trash(directory: Path, files: list[Path], now: dt.datetime, *, name: str) -> Removed:
    """Move ``files`` (of ``directory``) into one trash folder, all or none; ``name``: why."""
    folder = directory / TRASH / now.astimezone(dt.UTC).strftime(_STAMP)
    moves: list[tuple[Path, Path]] = []
    try:
        for was in files:
            now_at = folder / was.relative_to(directory)
            now_at.parent.mkdir(parents=True, exist_ok=True)
            os.replace(was, now_at)
            moves.append((was, now_at))
    except OSError as exc:
        restore(Removed(name, folder, tuple(moves)))
        raise RemoveError(f"{name}: cannot move it to {TRASH}: {exc.strerror or exc}") from None
    return Removed(name, folder, tuple(moves))


def restore(removed: Removed) -> None:
    """Put a removal's files back where they were."""
    for was, now_at in reversed(removed.moves):
        was.parent.mkdir(parents=True, exist_ok=True)
        os.replace(now_at, was)
        _drop_empty(now_at.parent)


def _drop_empty(folder: Path) -> None:
    while folder.name != TRASH and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def empty_trash(directory: Path, now: dt.datetime, days: int = KEPT_DAYS) -> list[str]:
    """Delete removals older than ``days``; the names of the folders deleted."""
    trash = directory / TRASH
    if not trash.is_dir():
        return []
    cutoff = now.astimezone(dt.UTC) - dt.timedelta(days=days)
    deleted = []
    for folder in sorted(trash.iterdir()):
        try:
            made = dt.datetime.strptime(folder.name, _STAMP).replace(tzinfo=dt.UTC)
        except ValueError:
            continue  # not a removal's folder: someone put it there; left alone
        if folder.is_dir() and made < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            deleted.append(folder.name)
    return deleted
