"""How the bot sends: HTML, no link previews, as a reply that survives a deleted question.

Kept in one place so every handler replies the same way and tests can assert it once.
"""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MORE = "more"
LESS = "less"


def more_button(expanded: bool = False) -> InlineKeyboardMarkup:
    """Offer "More" on a short answer, "Less" on an expanded one."""
    label, data = ("Less", LESS) if expanded else ("More", MORE)
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])


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


async def reply_all(message: Message, texts: list[str]) -> None:
    """Send several HTML messages in order, the first as a reply."""
    first, *rest = texts
    await reply_html(message, first)
    for text in rest:
        await message.get_bot().send_message(
            message.chat_id, text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
        )
