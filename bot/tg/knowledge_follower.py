"""Replicas answering from one knowledge: each follows the version the store holds.

A replica that changes its knowledge (an upload, ``/add``, ``/remove``, ``/reload``, a feed's
new briefings) publishes the change to the store (``reload.publish_changes``), which tells the
others by NOTIFY. Each replica listens, and also asks for the version every
``CHECK_EVERY_SECONDS`` in case a notice was lost (a listening connection cut while the server
restarted); on a version newer than its own it copies the store's files in and reloads, all
or nothing (``reload.pull_and_reload``). So replicas serve two versions for as long as the
others take to hear of a change and reload: the notice takes milliseconds, the reload what a
reload takes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator

from bot.store import StoreError
from bot.tg.reload import pull_and_reload, seed_store
from bot.tg.state import BotState, Synced
from bot.tg.tasks import cancel

logger = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 10.0


async def follow_knowledge(state: BotState, every: float = CHECK_EVERY_SECONDS) -> None:
    """Take each new version of the store's knowledge, as told or every ``every`` seconds."""
    synced, store = state.synced, state.store
    if synced is None or store is None:
        return
    changes = store.knowledge_changes()
    listener = None
    if changes is not None:
        listener = asyncio.create_task(_relay(changes, synced), name="listen-knowledge")
    try:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(synced.wake.wait(), every)
            synced.wake.clear()
            try:
                await catch_up(state)
            except Exception:  # a bug must not end following for good: log it, go on
                logger.exception("following the store's knowledge failed")
    finally:
        await cancel(listener)
        if changes is not None:
            with contextlib.suppress(Exception):
                await changes.aclose()


async def _relay(changes: AsyncGenerator[int, None], synced: Synced) -> None:
    """Wake the follower for each notice of a version it does not have (0: check anyway)."""
    async for version in changes:
        if version == 0 or version != synced.version:
            synced.wake.set()


async def catch_up(state: BotState) -> None:
    """Reload from the store if it holds a version this replica does not serve."""
    synced, store = state.synced, state.store
    if synced is None or store is None:
        return
    try:
        version = await asyncio.to_thread(store.knowledge_version)
    except StoreError as exc:
        logger.debug("knowledge version not read: %s", exc)
        return
    if version == 0:  # the store was away at the start, and nobody put knowledge in since
        async with state.reload_lock:
            await seed_store(state)
        return
    if version in (synced.version, synced.failed):
        return
    async with state.reload_lock:
        await pull_and_reload(state)


def schedule_follower(state: BotState) -> None:
    """Start following the store's knowledge in the background, where it is shared (once)."""
    if state.synced is None or state.store is None or state.follower_task is not None:
        return
    state.follower_task = asyncio.create_task(follow_knowledge(state), name="follow-knowledge")


async def stop_follower(state: BotState) -> None:
    """Stop following (at shutdown)."""
    task, state.follower_task = state.follower_task, None
    await cancel(task)
