"""Replicas following the store's knowledge: told at once, or finding out within a check."""

from __future__ import annotations

import asyncio
import time

import pytest

import bot.tg.knowledge_follower as follower
from bot.tg.knowledge_follower import follow_knowledge, schedule_follower, stop_follower
from bot.tg.questions import ask
from bot.tg.reload import install_upload
from bot.tg.state import BotState

NOTE = "---\ntitle: Note\n---\n\nThe ferry to Baku leaves at noon on Fridays.\n"
FERRY = "when does the ferry to Baku leave?"


async def _until_answered(state: BotState, within: float) -> float:
    """Seconds until ``state`` answers the ferry question from the note; fails past ``within``."""
    started = time.perf_counter()
    while time.perf_counter() - started < within:
        answer = await ask(state.answerer, FERRY)
        if answer.best is not None and "noon on Fridays" in answer.best.text:
            return time.perf_counter() - started
        await asyncio.sleep(0.02)
    pytest.fail(f"not answered from the new briefing within {within} s")


async def test_a_replica_told_of_a_change_answers_from_it_within_two_seconds(replicas):
    a, b = replicas
    schedule_follower(b)
    try:
        await asyncio.sleep(0.3)  # B is listening
        await install_upload(a, "note.md", NOTE.encode())
        seconds = await _until_answered(b, within=2.0)
    finally:
        await stop_follower(b)
    assert seconds < 2.0
    assert b.synced.version == 2


async def test_without_notices_a_replica_finds_a_change_at_its_next_check(replicas, monkeypatch):
    a, b = replicas
    monkeypatch.setattr(b.store, "knowledge_changes", lambda: None)  # a store that cannot tell
    following = asyncio.create_task(follow_knowledge(b, every=0.2))
    try:
        await install_upload(a, "note.md", NOTE.encode())
        await _until_answered(b, within=5.0)
    finally:
        following.cancel()
        await asyncio.gather(following, return_exceptions=True)


async def test_the_publishing_replica_does_not_reload_its_own_change_again(replicas, monkeypatch):
    a, _ = replicas
    pulls = []
    real = follower.pull_and_reload

    async def counting(state):
        pulls.append(state)
        return await real(state)

    monkeypatch.setattr(follower, "pull_and_reload", counting)
    schedule_follower(a)
    try:
        await asyncio.sleep(0.3)
        await install_upload(a, "note.md", NOTE.encode())
        await asyncio.sleep(0.5)  # its own notice arrives, and finds the version already served
    finally:
        await stop_follower(a)
    assert pulls == []


async def test_a_store_empty_after_a_start_without_it_is_seeded_by_the_follower(replicas):
    a, _ = replicas
    a.store._write(lambda db: db.execute("DELETE FROM knowledge_version"), None)
    a.store._write(lambda db: db.execute("DELETE FROM knowledge_files"), None)
    a.synced.version = 0  # as if the store had been away when A started
    following = asyncio.create_task(follow_knowledge(a, every=0.1))
    try:
        for _ in range(50):
            if a.store.knowledge_version():
                break
            await asyncio.sleep(0.1)
    finally:
        following.cancel()
        await asyncio.gather(following, return_exceptions=True)
    assert a.store.knowledge_version() == 1
    assert a.synced.version == 1
    assert set(a.store.knowledge_snapshot({}).digests) == set(a.synced.digests)
