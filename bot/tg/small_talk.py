"""Replies to small talk (``bot.core.small_talk``), in the bot's voice, with questions to ask.

Each reply ends with two or three example questions the current knowledge answers
(``bot.tg.examples``); "help" gets the help page, as ``/help`` does.
"""

from __future__ import annotations

import logging

from telegram import Message
from telegram.ext import ContextTypes

from bot.core import Chat
from bot.tg.examples import example_lines, examples
from bot.tg.help import help_page
from bot.tg.render import escape
from bot.tg.state import get_state

logger = logging.getLogger(__name__)

OPENINGS: dict[Chat, str] = {
    Chat.GREETING: (
        "Hello! I answer questions about the news briefings I have read, with the exact "
        "sentence from the source and where it comes from."
    ),
    Chat.THANKS: "You are welcome! Ask me anything else about the briefings.",
    Chat.OKAY: "Anything else? Ask me about the briefings.",
    Chat.IDENTITY: (
        "I am a bot that reads news briefings and answers questions about them: I quote the "
        "sentence that answers and say which briefing, section and publisher it comes from. "
        "/sources lists what I have read."
    ),
    Chat.FAREWELL: "Goodbye! Ask me again any time.",
}
NO_KNOWLEDGE = "I have no briefings loaded yet, so there is nothing to ask me about."


def small_talk_text(kind: Chat, questions: tuple[str, ...], *, group: bool) -> str:
    """The reply: an opening in the bot's voice, then the example questions."""
    opening = escape(OPENINGS[kind])
    if kind is Chat.FAREWELL:
        return opening
    if not questions:
        return opening
    return "\n".join([opening, "", *example_lines(questions, group=group)])


async def small_talk_reply(
    message: Message, context: ContextTypes.DEFAULT_TYPE, kind: Chat
) -> str:
    """The reply to small talk; with no knowledge loaded, it says so instead of examples."""
    logger.info("small talk chat=%s kind=%s", message.chat.type, kind.value)
    if kind is Chat.HELP:
        return await help_page(message, context)
    state = get_state(context)
    if state.answerer.base.documents:
        group = message.chat.type != "private"
        return small_talk_text(kind, await examples(state), group=group)
    if kind is Chat.FAREWELL:
        return escape(OPENINGS[kind])
    return f"{escape(OPENINGS[kind])}\n\n{escape(NO_KNOWLEDGE)}"
