"""Subscriptions: ``/subscribe``, ``/unsubscribe``, and new briefings announced to subscribers.

Anyone may subscribe a private chat; in a group only its administrators (or the bot's admins)
may. When a reload installs new briefings (a feed's poll, an upload, ``/add``, ``/reload``),
one announcement is planned for every subscriber at that moment, in one transaction
(``StateStore.plan_broadcast``): the new briefings' titles, dates, headings or first
sentences and links, and a button to ask about them. A background task sends them, paced
(``PACE_SECONDS`` apart, under Telegram's 30 messages a second, leaving room for answers),
each delivery recorded ``sending`` before its send and ``sent`` after. So a crash
mid-broadcast loses nobody (the waiting ones go at the restart) and repeats nobody (one left
``sending``, which may have arrived, is never sent again: ``unsure``). A subscriber who
blocked the bot, or a group that is gone, is dropped quietly; a send that timed out may have
arrived and is not retried; other network failures are tried again later.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
from collections.abc import Sequence

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError, TimedOut
from telegram.ext import ContextTypes

from bot.core import Document, briefing_item, counted
from bot.store import Delivery, StoreError, utc_now
from bot.tg.latest import render_item
from bot.tg.render import escape
from bot.tg.replies import NO_PREVIEW, reply_html
from bot.tg.state import Announcer, BotState, get_state
from bot.tg.tasks import cancel

logger = logging.getLogger(__name__)

PACE_SECONDS = 0.05  # 20 announcements a second at most
DIGEST_CHECK_SECONDS = 60.0
DAILY_HOUR = 8  # UTC, when /subscribe daily names none
RETRY_SECONDS = 30.0
SHOWN = 5  # new briefings in one announcement; the rest are counted
GROUP_ADMINS = frozenset({"administrator", "creator"})
GONE = ("chat not found", "bot was kicked", "user is deactivated", "group chat was deactivated")
NO_STORE = "Subscriptions need the state store (STATE_DB), and this bot runs without one."


def announcement(
    documents: Sequence[Document], username: str, *, daily: bool = False
) -> tuple[str, str]:
    """The announcement of ``documents`` (HTML) and its button (Telegram's JSON)."""
    head = "New briefing" if len(documents) == 1 else counted(len(documents), "new briefing")
    if daily:
        head = f"Your daily digest: {head[0].lower()}{head[1:]}"
    blocks = [f"\U0001f195 <b>{escape(head)}</b>"]
    blocks += [
        render_item(n, briefing_item(d, detailed=True)) for n, d in enumerate(documents[:SHOWN], 1)
    ]
    if len(documents) > SHOWN:
        blocks.append(escape(f"\u2026 and {len(documents) - SHOWN} more: /latest"))
    blocks.append(escape("/unsubscribe to stop these."))
    button = InlineKeyboardButton("Ask about it", url=f"https://t.me/{username}?start=ask")
    return "\n\n".join(blocks), json.dumps(InlineKeyboardMarkup([[button]]).to_dict())


async def announce(state: BotState, documents: Sequence[Document]) -> None:
    """Plan one announcement of ``documents`` to every subscriber, and wake the sender."""
    announcer, store = state.announcer, state.store
    if announcer is None or store is None or not documents:
        return
    newest = sorted(documents, key=lambda d: d.meta.published or dt.date.min, reverse=True)
    text, markup = announcement(newest, announcer.bot.username)
    try:
        planned = await asyncio.to_thread(
            store.plan_broadcast,
            text,
            markup,
            bot_id=announcer.bot.id,
            paths=[d.path for d in newest],
        )
    except StoreError as exc:
        logger.warning("new briefings not announced: %s", exc)
        return
    logger.info(
        "announcing %s to %s", counted(len(documents), "briefing"), counted(planned, "subscriber")
    )
    announcer.wake.set()


async def _send(announcer: Announcer, state: BotState, delivery: Delivery) -> str:
    """Send one delivery; the state it ends in."""
    markup = (
        InlineKeyboardMarkup.de_json(json.loads(delivery.markup), announcer.bot)
        if delivery.markup
        else None
    )
    try:
        await announcer.bot.send_message(
            delivery.chat_id,
            delivery.text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            link_preview_options=NO_PREVIEW,
        )
    except Forbidden:
        return "dropped"
    except BadRequest as exc:
        if any(gone in str(exc).lower() for gone in GONE):
            return "dropped"
        logger.warning("announcement to %d refused: %s", delivery.chat_id, exc)
        return "failed"
    except TimedOut:
        return "unsure"  # it may have arrived: never twice
    except TelegramError as exc:
        logger.warning("announcement to %d not sent, tried again later: %s", delivery.chat_id, exc)
        return "waiting"
    return "sent"


async def deliver_forever(state: BotState, announcer: Announcer) -> None:
    """Send the waiting deliveries, oldest first, paced; wait for new ones; until cancelled."""
    store = state.store
    assert store is not None
    bot_id = announcer.bot.id
    while True:  # nothing is sent before the last stop's cut-off sends are settled
        try:
            unsure = await asyncio.to_thread(store.settle_deliveries, bot_id=bot_id)
            break
        except StoreError as exc:
            logger.warning("announcements paused: %s", exc)
            await asyncio.sleep(RETRY_SECONDS)
    if unsure:
        logger.warning(
            "%s cut off by the last stop not sent again", counted(unsure, "announcement")
        )
    while True:
        announcer.wake.clear()
        try:
            delivery = await asyncio.to_thread(store.take_delivery, bot_id=bot_id)
        except StoreError as exc:
            logger.warning("announcements paused: %s", exc)
            await asyncio.sleep(RETRY_SECONDS)
            continue
        if delivery is None:
            await announcer.wake.wait()
            continue
        ended = await _send(announcer, state, delivery)
        with contextlib.suppress(StoreError):  # logged by the store; the next start settles it
            await asyncio.to_thread(store.mark_delivery, delivery, ended)
            if ended == "dropped":
                await asyncio.to_thread(store.unsubscribe, delivery.chat_id, bot_id=bot_id)
                logger.info(
                    "subscriber %d dropped: it blocked the bot or is gone", delivery.chat_id
                )
        await asyncio.sleep(RETRY_SECONDS if ended == "waiting" else PACE_SECONDS)


async def plan_due_digests(state: BotState, announcer: Announcer, now: dt.datetime) -> int:
    """Plan the daily digests due at ``now``; how many have something to send."""
    store = state.store
    assert store is not None
    bot = announcer.bot
    planned = 0
    for due in await asyncio.to_thread(store.daily_due, now, bot_id=bot.id):
        wanted = set(due.paths)
        documents = [d for d in state.answerer.base.newest_first() if d.path in wanted]
        text, markup = (
            announcement(documents, bot.username, daily=True) if documents else (None, None)
        )
        made = await asyncio.to_thread(store.plan_daily, due, text, markup, bot_id=bot.id)
        planned += made and text is not None
    if planned:
        logger.info("daily digests planned: %d", planned)
        announcer.wake.set()
    return planned


async def digests_forever(state: BotState, announcer: Announcer) -> None:
    """Plan the daily digests every ``DIGEST_CHECK_SECONDS``, until cancelled."""
    while True:
        try:
            await plan_due_digests(state, announcer, utc_now())
        except StoreError as exc:
            logger.warning("daily digests not planned: %s", exc)
        await asyncio.sleep(DIGEST_CHECK_SECONDS)


def start_announcing(state: BotState, bot: Bot) -> None:
    """Start sending announcements in the background (once), with a state store."""
    if state.store is None or state.announcer is not None:
        return
    announcer = Announcer(bot)
    announcer.task = asyncio.create_task(deliver_forever(state, announcer), name="announcements")
    announcer.daily = asyncio.create_task(digests_forever(state, announcer), name="daily digests")
    state.announcer = announcer


async def stop_announcing(state: BotState) -> None:
    """Cancel the sender and wait for it (a delivery mid-send stays ``sending``: unsure)."""
    announcer, state.announcer = state.announcer, None
    if announcer is not None:
        await cancel(announcer.daily)
        await cancel(announcer.task)


async def _may_subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Anyone in private; in a group its administrators and the bot's admins."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    if chat.type == "private" or get_state(context).is_admin(user.id):
        return True
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        logger.warning("cannot tell whether %d administers %d: %s", user.id, chat.id, exc)
        return False
    return member.status in GROUP_ADMINS


async def subscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/subscribe``: a message when briefings arrive; ``/subscribe daily [HOUR]``: a day's."""
    await _subscription(update, context, subscribing=True)


def daily_hour(args: Sequence[str]) -> int | str | None:
    """What ``/subscribe``'s arguments ask for.

    ``None``: a message for each installation; an hour (UTC): a daily digest; a string: the
    line saying how to write them.
    """
    words = [a.lower().rstrip(":h") for a in args]
    if not words or words[0] in ("each", "all", "every"):
        return None
    if words[0] != "daily" or len(words) > 2:
        return (
            "Subscribe like this: /subscribe, or /subscribe daily 8 for one message a day"
            " at 08:00 UTC."
        )
    if len(words) == 1:
        return DAILY_HOUR
    hour = words[1].split(":")[0]
    if not hour.isdigit() or not 0 <= int(hour) <= 23:
        return "The hour is 0 to 23 (UTC): /subscribe daily 8 for 08:00."
    return int(hour)


async def unsubscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/unsubscribe``: no more messages about new briefings here."""
    await _subscription(update, context, subscribing=False)


async def _subscription(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, subscribing: bool
) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    state = get_state(context)
    if state.store is None:
        await reply_html(message, escape(NO_STORE))
        return
    if not await _may_subscribe(update, context):
        await reply_html(message, escape("Only this group's admins can change its subscription."))
        return
    hour = daily_hour(context.args or []) if subscribing else None
    if isinstance(hour, str):
        await reply_html(message, escape(hour))
        return
    try:
        if subscribing:
            changed = await asyncio.to_thread(
                state.store.subscribe, chat.id, chat.type, bot_id=context.bot.id, daily_hour=hour
            )
        else:
            changed = await asyncio.to_thread(
                state.store.unsubscribe, chat.id, bot_id=context.bot.id
            )
    except StoreError as exc:
        await reply_html(message, escape(f"That did not work: {exc}. Please try again later."))
        return
    here = "this chat" if chat.type == "private" else "this group"
    if subscribing:
        how = (
            "a message when new briefings arrive"
            if hour is None
            else f"one message a day at {hour:02d}:00 UTC with the briefings that arrived since"
        )
        text = (
            f"Subscribed: {here} gets {how}. /unsubscribe stops it."
            if changed
            else f"{here.capitalize()} is already subscribed that way. /unsubscribe stops it."
        )
    else:
        text = (
            f"Unsubscribed: no more messages about new briefings in {here}."
            if changed
            else f"{here.capitalize()} was not subscribed. /subscribe to get new briefings."
        )
    logger.info(
        "%s chat=%s changed=%s", "subscribe" if subscribing else "unsubscribe", chat.type, changed
    )
    await reply_html(message, escape(text))
