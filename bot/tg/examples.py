"""Example questions for replies (``bot.core.examples``), worked out once for each answerer.

A reload, or the sentence vectors becoming ready, makes a new answerer, and its knowledge may
answer other questions; so the examples are kept for each answerer, and only while it is in
use (``BotState.examples`` holds them weakly).
"""

from __future__ import annotations

import asyncio

from bot.core import example_questions
from bot.tg.render import escape
from bot.tg.state import BotState


async def examples(state: BotState) -> tuple[str, ...]:
    """The current answerer's example questions, worked out off the event loop the first time."""
    answerer = state.answerer
    known = state.examples.get(answerer)
    if known is None:
        known = await asyncio.to_thread(example_questions, answerer)
        state.examples[answerer] = known
    return known


def example_lines(questions: tuple[str, ...], *, group: bool) -> list[str]:
    """The questions as lines of a reply; in a group as ``/ask`` commands, as asked there."""
    asked = [f"/ask {q}" if group else q for q in questions]
    return ["<b>For example:</b>", *(f"\u2022 <i>{escape(q)}</i>" for q in asked)]
