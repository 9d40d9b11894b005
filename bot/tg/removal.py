"""``/remove NAME`` for admins: a confirmation with two buttons, then the briefing goes.

NAME is the file's path as ``/sources`` lists it (``bot.removing.find_name``: a file name
alone will do, an unknown one gets the closest names). Removing is asked twice on purpose:
the bot shows what would go (its title and sentences) under "Remove NAME" and "Cancel", and
only the button removes. A button carries a short token, not the name (Telegram allows 64
bytes of callback data); the token is kept ``PENDING_SECONDS`` in the bot's memory, so a
confirmation left for later, or one from before a restart, only says it has expired. On
"Remove" the file goes to the trash for a week (``bot.removing``) and the knowledge reloads
all or nothing (``reload.remove_and_reload``); the confirmation is edited to say what
changed.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.core import BriefingBotError, counted, load_file
from bot.removing import KEPT_DAYS, TRASH, Pending, find_name, knowledge_names
from bot.tg.admin import REFUSAL, admin_message, failure
from bot.tg.questions import strip_command
from bot.tg.reload import remove_and_reload
from bot.tg.render import escape, fit
from bot.tg.replies import edit_in_place, reply_html
from bot.tg.state import BotState, get_state

logger = logging.getLogger(__name__)

REMOVE = "rm"
CANCEL = "rmx"
REMOVAL = rf"^({REMOVE}|{CANCEL}):[0-9a-f]{{8}}$"
PENDING_SECONDS = 600.0
USAGE = "Remove a briefing like this: /remove NAME, the file's name as /sources lists it."
EXPIRED = "This confirmation has expired: send /remove again."
SHOWN_NAMES = 10


def pending_removals(state: BotState) -> dict[str, Pending]:
    """The removals waiting for a button, by token, the expired ones dropped."""
    now = time.monotonic()
    for token in [t for t, p in state.removals.items() if now - p.asked > PENDING_SECONDS]:
        del state.removals[token]
    return state.removals


def _describe(state: BotState, path: str) -> str:
    """What the file holds, as the confirmation shows it: its title and sentences."""
    settings = state.settings
    for document in state.answerer.base.documents:
        if document.path == path:
            return f"\u201c{document.title}\u201d, {counted(document.sentence_count, 'sentence')}"
    try:
        document = load_file(
            settings.knowledge_dir / path,
            root=settings.knowledge_dir,
            max_bytes=settings.max_file_bytes,
        )
    except BriefingBotError:
        return "a file that does not load"
    return f"\u201c{document.title}\u201d, not yet loaded"


async def remove_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask an admin to confirm removing the briefing named; anyone else is refused."""
    found = await admin_message(update, context, REFUSAL)
    if found is None:
        return
    message, state = found
    name = strip_command(message.text or "")
    names = await asyncio.to_thread(knowledge_names, state.settings.knowledge_dir)
    if not name:
        listed = "\n".join(f"\u2022 {escape(n)}" for n in names[:SHOWN_NAMES])
        more = f"\n\u2026 and {len(names) - SHOWN_NAMES} more" if len(names) > SHOWN_NAMES else ""
        await reply_html(message, f"{escape(USAGE)}\n\n{listed}{more}")
        return
    try:
        path = find_name(names, name)
    except BriefingBotError as exc:
        await reply_html(message, escape(str(exc)))
        return
    token = secrets.token_hex(4)
    pending_removals(state)[token] = Pending(path, time.monotonic())
    label = fit(path, 40)
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(f"Remove {label}", callback_data=f"{REMOVE}:{token}"),
                InlineKeyboardButton("Cancel", callback_data=f"{CANCEL}:{token}"),
            ]
        ]
    )
    text = (
        f"Remove <b>{escape(path)}</b> ({escape(_describe(state, path))})? "
        f"It is kept in {TRASH} for {KEPT_DAYS} days, and I stop answering from it."
    )
    await reply_html(message, text, markup)


async def removal_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Remove" button removes and reloads; "Cancel" keeps the briefing. Admins only."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    state = get_state(context)
    if not state.is_admin(query.from_user.id):
        await query.answer(REFUSAL, show_alert=True)
        return
    action, _, token = (query.data or "").partition(":")
    pending = pending_removals(state).pop(token, None)
    if pending is None:
        await query.answer(EXPIRED, show_alert=True)
        await edit_in_place(query, escape(EXPIRED))
        return
    await query.answer()
    if action == CANCEL:
        await edit_in_place(query, f"Kept <b>{escape(pending.path)}</b>.")
        return
    what = _describe(state, pending.path)
    try:
        removed, report = await remove_and_reload(state, pending.path)
    except (BriefingBotError, OSError) as exc:
        logger.warning("removal of %s failed: %s", pending.path, exc)
        await edit_in_place(query, failure(f"Removing {pending.path}", exc, state))
        return
    kept = removed.folder.relative_to(state.settings.knowledge_dir)
    logger.info("removed %s (to %s): %s", pending.path, kept, report.summary().replace("\n", " "))
    lines = [
        f"1 briefing removed: {pending.path} ({what}), kept in {kept} for {KEPT_DAYS} days.",
        report.summary(),
    ]
    await edit_in_place(query, escape("\n".join(lines)))
