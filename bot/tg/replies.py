"""How the bot sends: HTML, no link previews, as a reply that survives a deleted question.

Kept in one place so every handler replies the same way and tests can assert it once.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MORE = "more"
LESS = "less"
UP = "up"
DOWN = "down"
# Callback data of the answer buttons: "more", "less" (answers sent before the store existed),
# or an action and the logged question's id, "more:42", so buttons work after a restart.
MORE_OR_LESS = rf"^({MORE}|{LESS})(:\d+)?$"
VOTE = rf"^({UP}|{DOWN}):\d+$"
NEAR = "near"
# A nearest section's button: "near:N" or, with the logged question's id, "near:N:42".
NEAR_SECTION = rf"^{NEAR}:\d+(:\d+)?$"


def more_button(expanded: bool = False, question_id: int | None = None) -> InlineKeyboardMarkup:
    """Offer "More" on a short answer, "Less" on an expanded one, and a vote if it is logged.

    Votes need the logged question's id (``bot.store``); without it, only "More" is offered.
    """
    label, action = ("Less", LESS) if expanded else ("More", MORE)
    if question_id is None:
        return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=action)]])
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label, callback_data=f"{action}:{question_id}"),
                InlineKeyboardButton("\U0001f44d", callback_data=f"{UP}:{question_id}"),
                InlineKeyboardButton("\U0001f44e", callback_data=f"{DOWN}:{question_id}"),
            ]
        ]
    )


def nearest_buttons(
    labels: Sequence[str], question_id: int | None = None
) -> InlineKeyboardMarkup | None:
    """One button a nearest section, each on its own row; ``None`` when there are none."""
    if not labels:
        return None
    tail = f":{question_id}" if question_id is not None else ""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=f"{NEAR}:{n}{tail}")]
            for n, label in enumerate(labels)
        ]
    )


def section_choice(data: str | None) -> tuple[int, int | None] | None:
    """The section chosen and the logged question's id in a nearest section's button."""
    parts = (data or "").split(":")
    if len(parts) not in (2, 3) or parts[0] != NEAR or not all(p.isdigit() for p in parts[1:]):
        return None
    return int(parts[1]), int(parts[2]) if len(parts) == 3 else None


def callback_id(data: str | None) -> int | None:
    """The logged question's id in a button's callback data, if it carries one."""
    _, _, number = (data or "").partition(":")
    return int(number) if number.isdigit() else None


async def reply_html(
    message: Message, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Reply to ``message`` with Telegram HTML, quoting it if it still exists."""
    return await message.reply_text(
        text,
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
        reply_parameters=ReplyParameters(
            message_id=message.message_id, allow_sending_without_reply=True
        ),
        reply_markup=markup,
    )


async def edit_in_place(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the message a button is under to ``text`` (HTML), keeping ``markup`` under it.

    A double tap edits to the same text, which Telegram refuses as "not modified": harmless.
    """
    try:
        await query.edit_message_text(
            text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, reply_markup=markup
        )
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise


async def reply_all(message: Message, texts: list[str]) -> None:
    """Send several HTML messages in order, the first as a reply."""
    first, *rest = texts
    await reply_html(message, first)
    for text in rest:
        await message.get_bot().send_message(
            message.chat_id, text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
        )
