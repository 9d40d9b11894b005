"""Which message of the bot answered which message, so that an edited question edits its answer.

With a state store the links live there (``ReplyLink``, kept as long as the question log), so
an edit after a restart still finds its answer; without one, the latest are kept in memory
(``state.RememberedLinks``). ``deliver`` sends a reply, or, for an edited question whose
answer is known, edits that answer in place; an answer deleted since gets a new reply
instead, and Telegram's "message is not modified" (the edit asks the same again) is no error.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.store import ReplyLink
from bot.tg.replies import NO_PREVIEW, reply_html
from bot.tg.state import BotState, get_state

logger = logging.getLogger(__name__)

# Telegram's answers to editing a message that is no longer there to edit.
GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")


def find_link(state: BotState, bot_id: int, message: Message) -> ReplyLink | None:
    """The bot's answer to ``message``, if it answered it and still knows."""
    if state.store is not None:
        return state.store.reply_link(message.chat_id, message.message_id, bot_id=bot_id)
    return state.reply_links.find(bot_id, message.chat_id, message.message_id)


def save_link(state: BotState, link: ReplyLink) -> None:
    """Keep which message answered which (in the store, or else in memory)."""
    if state.store is not None:
        state.store.link_reply(link)
    else:
        state.reply_links.save(link)


async def deliver(
    message: Message,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    earlier: ReplyLink | None = None,
    question_id: int | None = None,
) -> int:
    """Reply to ``message`` (or edit ``earlier``, its answer before an edit); the answer's id."""
    state, bot_id = get_state(context), context.bot.id
    if earlier is not None:
        try:
            await context.bot.edit_message_text(
                text,
                chat_id=message.chat_id,
                message_id=earlier.reply_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_markup=markup,
            )
        except BadRequest as exc:
            reason = str(exc).lower()
            if "not modified" not in reason:
                if not any(gone in reason for gone in GONE):
                    raise
                logger.info("the answer to an edited question is gone (%s): replying anew", exc)
                earlier = None
        if earlier is not None:
            if earlier.question_id != question_id:
                save_link(state, earlier.model_copy(update={"question_id": question_id}))
            return earlier.reply_id
    sent = await reply_html(message, text, markup)
    save_link(
        state,
        ReplyLink(
            bot_id=bot_id,
            chat_id=message.chat_id,
            message_id=message.message_id,
            reply_id=sent.message_id,
            question_id=question_id,
        ),
    )
    return sent.message_id
