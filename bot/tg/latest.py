"""``/latest`` and "what's new?": the newest briefings as a short digest, never the refusal.

A message that narrows itself to a day or a briefing (``bot.core.read_scope``: "what did it
say on 17 November?", "what was in the Syunik briefing?") and asks nothing more gets that
day's or that briefing's digest; one that names a day or briefing the knowledge lacks is told
so, with the nearest days or ``/sources``.

The digest is the engine's (``bot.core.digest``): the newest briefings' titles, dates,
publishers and links, and for the newest its section headings or first sentences. A message
that asks what is new (``bot.core.asks_whats_new``), in private or by ``/ask``, gets the same
reply as ``/latest``; it is not logged as a question, since it asks about no subject.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.core import (
    Digest,
    DigestItem,
    Document,
    KnowledgeBase,
    Scope,
    briefing_item,
    counted,
    dated,
    day_text,
    named,
    newest_briefings,
    resolve_day,
)
from bot.tg.render import attribute, escape, fit
from bot.tg.replies import reply_html
from bot.tg.state import BotState, get_state

logger = logging.getLogger(__name__)

EMPTY = "I have no briefings loaded yet."


def render_item(number: int, item: DigestItem) -> str:
    """One briefing of the digest: its title and credit, what it is about, its link."""
    credit = item.credit
    line = f"{number}. <b>{fit(item.title, 300)}</b>"
    if credit:
        line += f" \u2014 {fit(credit, 200)}"
    lines = [line]
    if item.sections:
        lines.append("Sections: " + fit(" \u00b7 ".join(item.sections), 1000))
    if item.opening:
        lines.append(f"<blockquote>{fit(' '.join(item.opening), 1200)}</blockquote>")
    if item.source:
        lines.append(f'<a href="{attribute(item.source)}">Read the source</a>')
    return "\n".join(lines)


def render_digest(found: Digest, *, group: bool = False, head: str | None = None) -> str:
    """The digest as one message (HTML); how to ask about it, as a group asks."""
    if not found.items:
        return escape(EMPTY)
    shown = len(found.items)
    head = head or ("The newest briefing" if shown == 1 else "The newest briefings")
    of = f" ({shown} of {found.total})" if found.total > shown else ""
    blocks = [f"<b>{escape(head)}</b>{escape(of)}:"]
    blocks += [render_item(n, item) for n, item in enumerate(found.items, 1)]
    ask = "/ask your question" if group else "your question"
    more = "; /sources lists them all" if found.total > shown else ""
    blocks.append(escape(f"Ask me about any of them: {ask}{more}."))
    return "\n\n".join(blocks)


NEAREST_DAYS = 3


def scoped_documents(
    base: KnowledgeBase, scope: Scope, today: dt.date
) -> tuple[list[Document], dt.date | None]:
    """The briefings ``scope`` names, and the day it means (``None`` for a named briefing)."""
    if scope.briefing is not None:
        return named(base, scope.briefing), None
    day = resolve_day(scope, base, today)
    return (dated(base, day) if day is not None else []), day


def scoped_text(state: BotState, scope: Scope, today: dt.date, *, group: bool) -> str | None:
    """The reply to a message narrowed to a day or a briefing, or ``None``: ask the engine."""
    base = state.answerer.base
    documents, day = scoped_documents(base, scope, today)
    if not documents:
        if day is None:
            return escape(
                f"I have no briefing called \u201c{scope.briefing}\u201d. /sources lists them."
            )
        days = sorted({d.meta.published for d in base.documents if d.meta.published})
        near = sorted(days, key=lambda d: (abs((d - day).days), d))[:NEAREST_DAYS]
        nearest = ", ".join(day_text(d) for d in sorted(near, reverse=True))
        text = f"I have no briefing of {day_text(day)}."
        return escape(text + (f" The nearest: {nearest}." if nearest else ""))
    if not scope.listing:
        return None
    items = tuple(briefing_item(d, detailed=True) for d in documents)
    head = f"The briefings of {day_text(day)}" if day else "The briefings called that"
    if len(items) == 1:
        head = f"The briefing of {day_text(day)}" if day else "That briefing"
    return render_digest(Digest(items=items, total=len(items)), group=group, head=head)


def latest_text(state: BotState, *, group: bool) -> str:
    """The digest of the knowledge being served now."""
    return render_digest(newest_briefings(state.answerer.base), group=group)


async def latest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply to ``/latest`` with the newest briefings."""
    message = update.effective_message
    if message is None:
        return
    state = get_state(context)
    logger.info(
        "latest chat=%s %s",
        message.chat.type,
        counted(len(state.answerer.base.documents), "briefing"),
    )
    await reply_html(message, latest_text(state, group=message.chat.type != "private"))
