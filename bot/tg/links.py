"""``/add URL``, or a bare link in a private chat: an admin adds a briefing from the web.

The page is fetched (``bot.fetch``: public addresses only, bounded), made into a knowledge file
(``bot.adding``), and installed like an upload: checked alone, saved, the knowledge reloaded,
all or nothing. The original page or PDF is kept in ``.originals``. A link from anyone else is
just a question (a private chat answers every text); ``/add`` from anyone else is refused.
"""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.adding import prepare_link, unused_name
from bot.core import BriefingBotError
from bot.tg.admin import admin_message, failure
from bot.tg.questions import private_text, strip_command
from bot.tg.reload import install_upload
from bot.tg.render import escape
from bot.tg.replies import reply_html
from bot.tg.state import BotState, get_state

logger = logging.getLogger(__name__)

ADD_USAGE = "Send /add and a link to a briefing: /add https://example.org/briefing.html"
# A message that is one http(s) link and nothing else.
LINK = re.compile(r"^\s*(https?://\S+)\s*$", re.IGNORECASE)


async def add_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Fetch the link after ``/add`` and add it as a briefing (admins only)."""
    found = await admin_message(update, context)
    if found is None:
        return
    message, state = found
    url = strip_command(message.text or "")
    if not LINK.match(url):
        await reply_html(message, escape(ADD_USAGE))
        return
    await _add(message, state, url.strip())


async def link_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A bare link in a private chat: added if an admin sent it, else asked as a question."""
    message = update.effective_message
    user = update.effective_user
    state = get_state(context)
    if message is None or not state.is_admin(user.id if user else None):
        await private_text(update, context)
        return
    matched = LINK.match(message.text or "")
    if matched is None:  # pragma: no cover - the handler's filter only lets links through
        return
    await _add(message, state, matched.group(1))


async def _add(message: Message, state: BotState, url: str) -> None:
    settings = state.settings
    try:
        prepared = await asyncio.to_thread(
            prepare_link,
            url,
            max_bytes=settings.max_file_bytes,
            allow_private=settings.allow_private_links,
        )
        prepared = unused_name(settings.knowledge_dir, prepared)
        original = None
        if prepared.original_name is not None:
            original = (prepared.original_name, prepared.original)
        report = await install_upload(state, prepared.name, prepared.data, original=original)
    except (BriefingBotError, OSError) as exc:
        logger.warning("adding %s failed: %s", url, exc)
        await reply_html(message, failure(f"Adding {url}", exc, state))
        return
    logger.info("added %s as %s: %s", url, prepared.name, report.summary().replace("\n", " "))
    text = f"Added \u201c{prepared.title}\u201d as {prepared.name}.\n{report.summary()}"
    await reply_html(message, escape(text))
