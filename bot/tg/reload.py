"""Rebuild the index from ``KNOWLEDGE_DIR`` without blocking answers, all or nothing.

The new answerer is built in another process (``bot.core.build_in_process``: a build in a
thread would hold the GIL that answers need) while the old one keeps answering, then swapped in
with one assignment. Sentence vectors already stored are used at once; those of new or changed
files are embedded in the background afterwards (``bot.tg.meaning``), and until then the new
index answers by words. A lock makes reloads and uploads take turns. An upload is validated
on its own first, then written into the directory; if the reload that follows fails, the file
is put back as it was (or removed), so a bad upload changes nothing; a removal likewise
moves the file back when the knowledge without it does not load; and the entries a feed poll
made ready are written together and taken out together if the reload fails.

With knowledge shared through a PostgreSQL store (``bot.shared_knowledge``), each change made
here is published to the store before its answerer is swapped in, and a change another replica
published is copied in and loaded the same way, all or nothing (``pull_and_reload``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import bot.shared_knowledge as shared
from bot.adding import ORIGINALS, check_alone
from bot.core import (
    KNOWN_SUFFIXES,
    Answerer,
    BriefingBotError,
    KnowledgeBase,
    KnowledgeFileError,
    build_in_process,
    counted,
    settle,
)
from bot.feeds import Poll, Ready, failed_to_load, record, undo, write_ready
from bot.removing import Removed, empty_trash, restore, to_trash
from bot.store import StoreError, utc_now
from bot.store.knowledge import digest
from bot.tg.announcements import announce
from bot.tg.meaning import ANSWERING, Answering, answering, schedule_meaning
from bot.tg.state import BotState

logger = logging.getLogger(__name__)
_UNSAFE = re.compile(r"[^\w.\- ]+")


@dataclass(frozen=True)
class ReloadReport:
    """What a reload changed, for the admin who asked for it."""

    documents: int
    sentences: int
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    seconds: float
    answering: Answering  # by meaning now, once the vectors are embedded, or by words alone

    def summary(self) -> str:
        """Describe the reload in a few plain-text lines."""
        lines = [
            f"Reloaded in {self.seconds:.2f}s: {counted(self.documents, 'document')},"
            f" {counted(self.sentences, 'sentence')}.",
            f"Answering {ANSWERING[self.answering]}.",
        ]
        for label, names in (("Added", self.added), ("Changed", self.changed)):
            if names:
                lines.append(f"{label}: {', '.join(names)}")
        if self.removed:
            lines.append(f"Removed: {', '.join(self.removed)}")
        if not (self.added or self.changed or self.removed):
            lines.append("No files changed.")
        return "\n".join(lines)


def compare(
    old: KnowledgeBase, new: KnowledgeBase, seconds: float, answers: Answering
) -> ReloadReport:
    """Tell files added, changed and removed between two loads by their digests."""
    before, after = old.digests(), new.digests()
    return ReloadReport(
        documents=len(new.documents),
        sentences=new.sentence_count,
        added=tuple(sorted(after.keys() - before.keys())),
        changed=tuple(sorted(p for p in after.keys() & before.keys() if after[p] != before[p])),
        removed=tuple(sorted(before.keys() - after.keys())),
        seconds=seconds,
        answering=answers,
    )


async def _rebuild(state: BotState, *, from_store: bool = False) -> ReloadReport:
    """Build a new answerer off the event loop and swap it in; the caller holds the lock.

    With shared knowledge, a change made here is published before the swap (a store that
    cannot take it raises ``StoreWriteError`` and nothing is swapped); ``from_store``: the
    change came from the store, whose publisher announced its new briefings.
    """
    started = time.perf_counter()
    # A build in a thread would hold the GIL that answers need: it runs in another process.
    # Vectors already stored come with it; the rest are embedded in the background, after.
    new: Answerer = await asyncio.to_thread(
        build_in_process, state.settings.engine(), state.encoder
    )
    seconds = time.perf_counter() - started
    report = compare(state.answerer.base, new.base, seconds, answering(new, state.encoder))
    if not from_store:
        await publish_changes(state)
    state.answerer = new
    settle()
    schedule_meaning(state)
    if not from_store:
        await announce(state, [d for d in new.base.documents if d.path in report.added])
    # Removals past their week in the trash go now, as a reload is when admins look.
    await asyncio.to_thread(empty_trash, state.settings.knowledge_dir, utc_now())
    return report


async def publish_changes(state: BotState) -> None:
    """Put what changed in the directory since it last matched the store into the store.

    Only the files changed here are written, so a change another replica published meanwhile
    stays; this replica then takes that one from the store too (the follower is woken).
    """
    synced, store = state.synced, state.store
    if synced is None or store is None:
        return
    changes = await asyncio.to_thread(
        shared.changes_since, state.settings.knowledge_dir, synced.digests
    )
    if not changes:
        return
    version = await asyncio.to_thread(store.publish_knowledge, changes)
    for path, data in changes.items():
        if data is None:
            synced.digests.pop(path, None)
        else:
            synced.digests[path] = digest(data)
    if version == synced.version + 1:
        synced.version = version
    else:  # another replica published in between: take its change too
        synced.wake.set()
    logger.info("knowledge version %s published: %s", version, ", ".join(sorted(changes)))


async def seed_store(state: BotState) -> None:
    """Put this directory into a store that never held knowledge; the caller holds the lock."""
    synced, store = state.synced, state.store
    if synced is None or store is None:
        return
    files = await asyncio.to_thread(shared.local_files, state.settings.knowledge_dir)
    data = {name: await asyncio.to_thread(path.read_bytes) for name, path in files.items()}
    try:
        version = await asyncio.to_thread(store.publish_knowledge, data, seed=True)
    except StoreError as exc:
        logger.warning("knowledge not put into the store: %s", exc)
        return
    if version is not None:
        synced.version = version
        synced.digests = {name: digest(content) for name, content in data.items()}
        logger.info("knowledge version %d: this directory's %d files", version, len(data))


async def pull_and_reload(state: BotState) -> ReloadReport | None:
    """Copy a newer version of the store's knowledge into the directory and reload.

    All or nothing: when the knowledge does not load, the directory is put back, the old
    answerer goes on, and that version is not tried again (the next one is). ``None`` when
    nothing needed a reload. The caller holds the lock.
    """
    synced, store = state.synced, state.store
    if synced is None or store is None:
        return None
    directory = state.settings.knowledge_dir
    try:
        have = await asyncio.to_thread(shared.local_digests, directory)
        snapshot = await asyncio.to_thread(store.knowledge_snapshot, have)
    except (StoreError, OSError) as exc:
        logger.warning("knowledge not taken from the store: %s", exc)
        return None
    if snapshot.version in (synced.version, synced.failed) or snapshot.version == 0:
        return None
    try:
        applied = await asyncio.to_thread(shared.apply, directory, snapshot, utc_now())
    except BriefingBotError as exc:
        synced.failed = snapshot.version
        logger.error("knowledge version %d not taken from the store: %s", snapshot.version, exc)
        return None
    report = None
    if applied.knowledge_changed:
        try:
            report = await _rebuild(state, from_store=True)
        except BaseException as exc:
            await asyncio.to_thread(shared.undo, applied)
            synced.failed = snapshot.version
            if not isinstance(exc, Exception):
                raise
            logger.error(
                "knowledge version %d does not load here, still answering from version %d: %s",
                snapshot.version,
                synced.version,
                exc,
            )
            return None
    synced.version, synced.digests = snapshot.version, dict(snapshot.digests)
    changed = ", ".join([*applied.written, *(f"-{p}" for p in applied.removed)])
    logger.info("knowledge version %d taken from the store: %s", snapshot.version, changed)
    return report


async def reload_knowledge(state: BotState) -> ReloadReport:
    """Reload ``KNOWLEDGE_DIR``; on failure raise and keep the current answerer."""
    async with state.reload_lock:
        return await _rebuild(state)


def safe_name(file_name: str | None) -> str:
    """Turn an uploaded file's name into a plain, visible name in the knowledge directory."""
    raw = (file_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", raw).strip(" .")
    if not name or Path(name).suffix.lower() not in KNOWN_SUFFIXES:
        known = ", ".join(sorted(KNOWN_SUFFIXES))
        raise KnowledgeFileError(name or "(no name)", f"not a knowledge file; use {known}")
    return name


def _write(target: Path, data: bytes | None) -> None:
    """Put ``data`` at ``target`` atomically, or remove ``target`` when ``data`` is None."""
    if data is None:
        target.unlink(missing_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(f".{target.name}.partial")
    scratch.write_bytes(data)
    os.replace(scratch, target)


async def install_upload(
    state: BotState,
    file_name: str | None,
    data: bytes,
    *,
    original: tuple[str, bytes] | None = None,
) -> ReloadReport:
    """Validate an uploaded file, save it into the knowledge directory and reload.

    ``original``: the name and bytes of what it was made from, kept in ``.originals`` with
    it (``bot.adding``). Raises ``KnowledgeFileError`` for a bad file,
    ``KnowledgeDirectoryError`` when the reload fails, ``StoreWriteError`` when shared
    knowledge cannot be saved, or ``OSError`` when the directory cannot be written; nothing
    changes in each case.
    """
    settings = state.settings
    name = safe_name(file_name)
    await asyncio.to_thread(check_alone, name, data, max_bytes=settings.max_file_bytes)
    writes = [(settings.knowledge_dir / name, data)]
    if original is not None:
        writes.append((settings.knowledge_dir / ORIGINALS / original[0], original[1]))
    async with state.reload_lock:
        previous = [(t, t.read_bytes() if t.is_file() else None) for t, _ in writes]
        try:
            for target, content in writes:
                await asyncio.to_thread(_write, target, content)
            return await _rebuild(state)
        except BaseException:
            for target, was in previous:
                await asyncio.to_thread(_write, target, was)
            raise


async def remove_and_reload(state: BotState, path: str) -> tuple[Removed, ReloadReport]:
    """Move the knowledge file ``path`` into the trash (``bot.removing``) and reload.

    If the knowledge without it does not load, the file is put back and the error raised:
    nothing changes.
    """
    directory = state.settings.knowledge_dir
    async with state.reload_lock:
        removed = await asyncio.to_thread(to_trash, directory, path, utc_now())
        try:
            report = await _rebuild(state)
        except BaseException:
            await asyncio.to_thread(restore, removed)
            raise
    return removed, report


async def install_poll(state: BotState, result: Poll) -> tuple[ReloadReport | None, list[Ready]]:
    """Write a feed poll's new briefings, reload, and record the entries taken.

    Returns the reload's report (``None`` when nothing new was written) and the briefings
    with the names they were written under. If the knowledge does not load with them, they are
    taken out again, the feed records why, and the error is raised: nothing changes, and the
    entries are tried again at the next poll. Once begun it is not cut off by a cancel (the
    poller's, at shutdown): that waits for it, so the files, the index and the store never
    disagree (a cancel after the swap would otherwise undo files the new index serves).
    """
    async with state.reload_lock:
        work = asyncio.ensure_future(_install_poll(state, result))
        try:
            return await asyncio.shield(work)
        except asyncio.CancelledError:
            await work  # a reload at most; then the cancel goes on
            raise


async def _install_poll(state: BotState, result: Poll) -> tuple[ReloadReport | None, list[Ready]]:
    directory, store = state.settings.knowledge_dir, state.store
    assert store is not None  # feeds live in the store; the poller runs only with one
    report: ReloadReport | None = None
    named: list[Ready] = []
    if result.ready:
        written, named = await asyncio.to_thread(write_ready, directory, result.ready)
        if written:
            try:
                report = await _rebuild(state)
            except BaseException as exc:
                await asyncio.to_thread(undo, directory, written)
                await asyncio.to_thread(failed_to_load, store, result, str(exc))
                raise
    await asyncio.to_thread(record, store, directory, result, named)
    return report, named
