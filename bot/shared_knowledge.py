"""A knowledge directory kept in step with the knowledge a shared store holds.

Replicas on one PostgreSQL store each answer from a directory of their own, and the store holds
the knowledge they share (``bot.store.knowledge``): the knowledge files and their originals in
``.originals``, by their paths relative to the directory. A replica that changed its directory
publishes what it changed since it last agreed with the store (``changes_since``); one told of
a newer version copies the store's files in (``apply``) and reloads, and when the reload fails
puts its directory back as it was (``undo``). Files a pull replaces or removes go into the
trash, as a removal's do (``bot.removing``): a file written into one replica's directory by
hand, and never published, is not lost. ``push`` and ``pull`` move a whole folder in and out.

Nothing here reloads the bot, and nothing imports ``telegram``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from bot.adding import ORIGINALS
from bot.core import BriefingBotError, knowledge_files, load_knowledge
from bot.removing import Removed, files_to_trash, restore
from bot.store import KnowledgeSnapshot, StateStore, StoreError
from bot.store.knowledge import digest


class SharedKnowledgeError(BriefingBotError):
    """The store's knowledge cannot be copied into a directory, or a folder into the store."""


@dataclass(frozen=True)
class Applied:
    """What ``apply`` did to a directory, so that ``undo`` can put it back."""

    version: int
    written: tuple[str, ...]  # paths written, new or replacing a file (moved to the trash)
    removed: tuple[str, ...]  # paths the store no longer holds (moved to the trash)
    trashed: Removed | None = None
    created: tuple[Path, ...] = field(default=())

    @property
    def knowledge_changed(self) -> bool:
        """Whether a knowledge file changed, not only an original: a reload is needed."""
        return any(not _is_original(p) for p in (*self.written, *self.removed))


def _is_original(path: str) -> bool:
    return PurePosixPath(path).parts[0] == ORIGINALS


def local_files(directory: Path) -> dict[str, Path]:
    """The files a directory shares: its knowledge files and the originals kept for them."""
    found = {p.relative_to(directory).as_posix(): p for p in knowledge_files(directory)}
    originals = directory / ORIGINALS
    if originals.is_dir():
        for path in sorted(originals.rglob("*")):
            parts = path.relative_to(originals).parts
            if path.is_file() and not any(p.startswith(".") for p in parts):
                found[path.relative_to(directory).as_posix()] = path
    return found


def local_digests(directory: Path) -> dict[str, str]:
    """Each shared file's path and SHA-256."""
    return {name: digest(path.read_bytes()) for name, path in local_files(directory).items()}


def changes_since(directory: Path, synced: Mapping[str, str]) -> dict[str, bytes | None]:
    """What changed in ``directory`` since it held ``synced`` (path: digest); ``None``: removed."""
    changes: dict[str, bytes | None] = {}
    files = local_files(directory)
    for name, path in files.items():
        data = path.read_bytes()
        if synced.get(name) != digest(data):
            changes[name] = data
    for name in synced.keys() - files.keys():
        changes[name] = None
    return changes


def _target(directory: Path, name: str) -> Path:
    """Where a path from the store goes; refused unless it stays a plain path inside."""
    path = PurePosixPath(name)
    parts = path.parts
    named = parts[1:] if parts[:1] == (ORIGINALS,) else parts
    plain = bool(named) and not any(p.startswith(".") for p in named)
    if not plain or path.is_absolute() or ".." in parts or "\\" in name:
        raise SharedKnowledgeError(f"the store holds a file named {name!r}: not a safe path")
    return directory.joinpath(*parts)


def apply(directory: Path, snapshot: KnowledgeSnapshot, now: dt.datetime) -> Applied:
    """Make ``directory`` hold the snapshot's files; what it did, to ``undo`` on failure.

    ``snapshot.data`` must hold every file the directory lacks or holds otherwise (the store
    sends those when asked with the directory's ``local_digests``). Raises
    ``SharedKnowledgeError`` (nothing changed) when a path is unsafe or cannot be written.
    """
    local = local_digests(directory)
    written = sorted(p for p, sha in snapshot.digests.items() if local.get(p) != sha)
    missing = [p for p in written if p not in snapshot.data]
    if missing:
        raise SharedKnowledgeError(f"the store sent no bytes for {', '.join(missing)}")
    removed = sorted(local.keys() - snapshot.digests.keys())
    targets = {name: _target(directory, name) for name in written}
    replaced = [directory / p for p in [*written, *removed] if (directory / p).is_file()]
    trashed = files_to_trash(directory, replaced, now, name="pull") if replaced else None
    created: list[Path] = []
    try:
        for name in written:
            target = targets[name]
            target.parent.mkdir(parents=True, exist_ok=True)
            scratch = target.with_name(f".{target.name}.partial")
            scratch.write_bytes(snapshot.data[name])
            os.replace(scratch, target)
            created.append(target)
    except OSError as exc:
        undo(Applied(snapshot.version, tuple(written), tuple(removed), trashed, tuple(created)))
        raise SharedKnowledgeError(f"{directory}: cannot write: {exc.strerror or exc}") from None
    return Applied(snapshot.version, tuple(written), tuple(removed), trashed, tuple(created))


def undo(applied: Applied) -> None:
    """Put a directory back as it was before ``apply``."""
    for path in applied.created:
        path.unlink(missing_ok=True)
    if applied.trashed is not None:
        restore(applied.trashed)


def pull(store: StateStore, directory: Path, now: dt.datetime) -> Applied:
    """Copy the store's knowledge into ``directory`` (made if missing), as ``apply`` does."""
    if store.knowledge_version() == 0:
        raise SharedKnowledgeError("the store holds no knowledge yet: push a folder first")
    directory.mkdir(parents=True, exist_ok=True)
    return apply(directory, store.knowledge_snapshot(local_digests(directory)), now)


def push(store: StateStore, directory: Path, *, max_bytes: int) -> tuple[int, int]:
    """Make the store's knowledge ``directory``'s, once it loads; (version, files).

    The folder must load as the bot would load it (``KnowledgeDirectoryError`` otherwise):
    every replica reloads from it, and one that would fail to load would change nothing.
    """
    load_knowledge(directory, max_bytes=max_bytes)
    files = {name: path.read_bytes() for name, path in local_files(directory).items()}
    version = store.publish_knowledge(files, mirror=True)
    assert version is not None  # only a seed returns None
    return version, len(files)


@dataclass(frozen=True)
class Joined:
    """Where a replica's directory stands once it joined the store's knowledge."""

    version: int  # the store's version the directory matches; 0: not known (store away)
    digests: dict[str, str]
    how: str  # one line for the log
    failed: int | None = None  # the store's version, when it did not load here


def join(store: StateStore, directory: Path, *, max_bytes: int, now: dt.datetime) -> Joined:
    """At a replica's start: seed a store that never held knowledge, else copy its in.

    The first replica puts its directory into an empty store (once it loads); the others,
    and every later start, take the store's files. Knowledge from the store that does not
    load here is taken out again: the replica starts on its own directory, and says so.
    A store that cannot be read leaves the directory as it is (version 0: the follower takes
    the store's knowledge once it can).
    """
    try:
        if store.knowledge_version() == 0:
            load_knowledge(directory, max_bytes=max_bytes)
            files = {name: path.read_bytes() for name, path in local_files(directory).items()}
            version = store.publish_knowledge(files, seed=True)
            if version is not None:
                return Joined(version, local_digests(directory), f"{len(files)} files put in")
        directory.mkdir(parents=True, exist_ok=True)
        applied = apply(directory, store.knowledge_snapshot(local_digests(directory)), now)
    except StoreError as exc:
        return Joined(0, local_digests(directory), f"not joined, the store is away: {exc}")
    try:
        load_knowledge(directory, max_bytes=max_bytes)
    except BriefingBotError as exc:
        undo(applied)
        how = f"version {applied.version} does not load here, the directory is kept: {exc}"
        return Joined(0, local_digests(directory), how, failed=applied.version)
    changed = len(applied.written) + len(applied.removed)
    return Joined(applied.version, local_digests(directory), f"{changed} files taken")
