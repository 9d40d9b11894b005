"""Admin handlers: ``/reload`` and briefing uploads. Everyone else is politely refused."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.core import BriefingBotError, counted
from bot.store import StateStore
from bot.tg.reload import install_upload, reload_knowledge, safe_name
from bot.tg.render import escape, fit
from bot.tg.replies import reply_html
from bot.tg.state import BotState, get_state

logger = logging.getLogger(__name__)

REFUSAL = "Sorry, only the bot's admins can change the briefings I read."
MAX_DETAIL = 3000


async def admin_message(
    update: Update, context: ContextTypes.DEFAULT_TYPE, refusal: str = REFUSAL
) -> tuple[Message, BotState] | None:
    """Return the message and state if an admin sent it; refuse anyone else (``refusal``)."""
    message = update.effective_message
    if message is None:
        return None
    state = get_state(context)
    user = update.effective_user
    if not state.is_admin(user.id if user else None):
        logger.info("refused admin action from user %s", user.id if user else None)
        await reply_html(message, escape(refusal))
        return None
    return message, state


async def admin_with_store(
    update: Update, context: ContextTypes.DEFAULT_TYPE, refusal: str, no_store: str
) -> tuple[Message, BotState, StateStore] | None:
    """``admin_message``, and the state store, which the command needs (``no_store`` if none)."""
    found = await admin_message(update, context, refusal)
    if found is None:
        return None
    message, state = found
    if state.store is None:
        await reply_html(message, escape(no_store))
        return None
    return message, state, state.store


def failure(what: str, exc: BaseException, state: BotState) -> str:
    """The reply to a failed change: what failed, why, and that the bot answers as before."""
    base = state.answerer.base
    return (
        f"<b>{escape(what)} failed.</b> {fit(str(exc), MAX_DETAIL)}\n"
        f"Nothing changed: I still answer from {counted(len(base.documents), 'document')}."
    )


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Rebuild the index from ``KNOWLEDGE_DIR`` and report what changed."""
    found = await admin_message(update, context)
    if found is None:
        return
    message, state = found
    try:
        report = await reload_knowledge(state)
    except BriefingBotError as exc:
        logger.warning("reload failed: %s", exc)
        await reply_html(message, failure("Reload", exc, state))
        return
    logger.info("reloaded: %s", report.summary().replace("\n", " "))
    await reply_html(message, escape(report.summary()))


async def document_upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Validate, save and load a ``.md`` or ``.txt`` briefing sent in a private chat."""
    found = await admin_message(update, context)
    if found is None or found[0].document is None:
        return
    message, state = found
    document = message.document
    assert document is not None  # checked above; narrows the type
    name = document.file_name or "(no name)"
    limit = state.settings.max_file_bytes
    if document.file_size and document.file_size > limit:
        detail = f"{name}: {document.file_size:,} bytes is over the {limit:,}-byte limit"
        await reply_html(message, failure("Upload", ValueError(detail), state))
        return
    try:
        safe_name(document.file_name)  # refuse a .pdf before downloading it
        file = await document.get_file()
        data = bytes(await file.download_as_bytearray())
        report = await install_upload(state, document.file_name, data)
    except (BriefingBotError, OSError) as exc:
        logger.warning("upload of %s failed: %s", name, exc)
        await reply_html(message, failure(f"Upload of {name}", exc, state))
        return
    logger.info("upload of %s: %s", name, report.summary().replace("\n", " "))
    await reply_html(message, escape(f"Saved {name}.\n{report.summary()}"))
