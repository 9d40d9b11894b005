"""Wire the bot once: the Application, its handlers, its sending policy and start-up steps."""

from __future__ import annotations

import functools
import logging
import zlib
from typing import Any

from telegram import BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, Update
from telegram import BotCommandScopeChat as ChatScope
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.config import Settings, SettingsError
from bot.core import Answerer, SentenceEncoder
from bot.store import StateStore
from bot.tg.admin import document_upload, reload_command
from bot.tg.announcements import (
    start_announcing,
    stop_announcing,
    subscribe_command,
    unsubscribe_command,
)
from bot.tg.durable import FINISHED_GROUP, RecordingQueue, finished, replay_unfinished
from bot.tg.error_handler import on_error
from bot.tg.feed_commands import feed_command
from bot.tg.feed_poller import schedule_feeds, stop_feeds
from bot.tg.health import start_health, stop_health
from bot.tg.help import (
    ADMIN_COMMANDS,
    GROUP_COMMANDS,
    PRIVATE_COMMANDS,
    help_command,
    sources_command,
    unknown_command,
)
from bot.tg.inline import inline_query
from bot.tg.knowledge_follower import schedule_follower, stop_follower
from bot.tg.latest import latest_command
from bot.tg.leases import schedule_leases, stop_leases
from bot.tg.links import LINK, add_command, link_message
from bot.tg.meaning import schedule_meaning, stop_meaning
from bot.tg.more_button import more_button_pressed
from bot.tg.nearest import nearest_pressed
from bot.tg.pruning import schedule_pruning, stop_pruning
from bot.tg.questions import ask_command, follow_up, private_text
from bot.tg.rate_limiter import RetryingLimiter, SharedPace, api_address
from bot.tg.removal import REMOVAL, removal_pressed, remove_command
from bot.tg.replies import MORE_OR_LESS, NEAR_SECTION, VOTE
from bot.tg.reports import feedback_command, stats_command, unanswered_command
from bot.tg.state import STATE_KEY, BotState, Synced
from bot.tg.votes import vote_pressed

logger = logging.getLogger(__name__)

BotApp = Application[Any, Any, Any, Any, Any, Any]
# Updates are handled concurrently so one chat waiting out a 429 never holds up the others.
CONCURRENT_UPDATES = 64


def require_token(settings: Settings) -> str:
    """Return the bot token, or raise ``SettingsError`` naming the variable."""
    token = settings.telegram_bot_token
    value = token.get_secret_value().strip() if token else ""
    if not value:
        raise SettingsError("TELEGRAM_BOT_TOKEN: required to run the bot; get one from @BotFather")
    return value


def build_application(
    settings: Settings,
    answerer: Answerer,
    *,
    encoder: SentenceEncoder | None = None,
    store: StateStore | None = None,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    synced: Synced | None = None,
) -> BotApp:
    """Build the Application; ``request`` replaces HTTP for tests and the fake Bot API.

    With ``encoder``, the sentence vectors ``answerer`` lacks are embedded in the background
    once the bot runs (``bot.tg.meaning``). With ``store``, every update is recorded before
    Telegram is told it arrived (``bot.tg.durable``) and questions and votes are logged.
    With ``synced``, the knowledge is the store's, followed as other replicas change it
    (``bot.tg.knowledge_follower``).
    """
    builder = (
        Application.builder()
        .token(require_token(settings))
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .rate_limiter(
            RetryingLimiter(
                address=api_address(settings.telegram_base_url),
                shared_pace=shared_pace(store, settings),
            )
        )
        .concurrent_updates(CONCURRENT_UPDATES)
        .update_queue(RecordingQueue(store))
        .post_init(start_up)
        .post_shutdown(shut_down)
    )
    if request is not None:
        builder = builder.request(request)
    if updates_request is not None:
        builder = builder.get_updates_request(updates_request)
    app: BotApp = builder.build()
    app.bot_data[STATE_KEY] = BotState(
        settings=settings, answerer=answerer, encoder=encoder, store=store, synced=synced
    )
    add_handlers(app)
    return app


def add_handlers(app: BotApp) -> None:
    """Route updates: commands anywhere, plain text only in private or as a reply to the bot."""
    new = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE & new
    # An edited question edits its answer (``bot.tg.reply_links``); other edits change nothing.
    asked = filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE
    private_asked = filters.ChatType.PRIVATE & asked
    groups = filters.ChatType.GROUPS & asked
    app.add_handler(CommandHandler(["start", "help"], help_command, filters=new))
    app.add_handler(CommandHandler("ask", ask_command, filters=asked))
    app.add_handler(CommandHandler("sources", sources_command, filters=new))
    app.add_handler(CommandHandler("latest", latest_command, filters=new))
    app.add_handler(CommandHandler("subscribe", subscribe_command, filters=new))
    app.add_handler(CommandHandler("unsubscribe", unsubscribe_command, filters=new))
    app.add_handler(CommandHandler("reload", reload_command, filters=new))
    app.add_handler(CommandHandler("unanswered", unanswered_command, filters=new))
    app.add_handler(CommandHandler("stats", stats_command, filters=new))
    app.add_handler(CommandHandler("feedback", feedback_command, filters=new))
    app.add_handler(MessageHandler(private & filters.Document.ALL, document_upload))
    app.add_handler(CommandHandler("add", add_command, filters=new))
    app.add_handler(CommandHandler("remove", remove_command, filters=new))
    app.add_handler(CommandHandler("feed", feed_command, filters=new))
    app.add_handler(MessageHandler(private & filters.Regex(LINK) & ~filters.COMMAND, link_message))
    app.add_handler(MessageHandler(private_asked & filters.TEXT & ~filters.COMMAND, private_text))
    app.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    app.add_handler(
        MessageHandler(groups & filters.REPLY & filters.TEXT & ~filters.COMMAND, follow_up)
    )
    app.add_handler(CallbackQueryHandler(more_button_pressed, pattern=MORE_OR_LESS))
    app.add_handler(CallbackQueryHandler(vote_pressed, pattern=VOTE))
    app.add_handler(CallbackQueryHandler(nearest_pressed, pattern=NEAR_SECTION))
    app.add_handler(CallbackQueryHandler(removal_pressed, pattern=REMOVAL))
    app.add_handler(InlineQueryHandler(inline_query))
    # Last, after every group that answers (a failed handler still reaches it).
    app.add_handler(TypeHandler(Update, finished), group=FINISHED_GROUP)
    app.add_error_handler(on_error)


def shared_pace(store: StateStore | None, settings: Settings) -> SharedPace | None:
    """The store's pace for this bot's sends, where replicas share it; else none.

    Keyed by the token's bot id (its prefix): the limiter is built before ``getMe`` has
    answered, and the pace is per token, which is what Telegram limits.
    """
    if store is None or store.lease is None:
        return None
    token = require_token(settings)
    prefix = token.split(":", 1)[0]
    bot_id = int(prefix) if prefix.isdigit() else zlib.crc32(token.encode())
    return functools.partial(_reserve, store, bot_id)


def _reserve(store: StateStore, bot_id: int, interval: float) -> float | None:
    return store.reserve_send(interval, bot_id=bot_id)


def _state(app: BotApp) -> BotState:
    state = app.bot_data[STATE_KEY]
    assert isinstance(state, BotState)
    return state


async def start_up(app: BotApp) -> None:
    """Once connected: the command menu and the updates the last run left unfinished.

    Then, in the background, the missing sentence vectors, the question log's retention and
    the feeds' polls; last, the health endpoint, so a balancer sees it ready once all is.
    """
    await register_commands(app)
    if isinstance(app.update_queue, RecordingQueue):
        await replay_unfinished(app.update_queue, app.bot)
    state = _state(app)
    schedule_leases(state, app.update_queue, app.bot)
    schedule_meaning(state)
    schedule_pruning(state)
    schedule_feeds(state)
    schedule_follower(state)
    start_announcing(state, app.bot)
    await start_health(state)


async def shut_down(app: BotApp) -> None:
    """After the last update is handled: stop embedding sentence vectors, pruning, polling."""
    state = _state(app)
    await stop_health(state)
    await stop_leases(state)
    await stop_follower(state)
    await stop_feeds(state)
    await stop_announcing(state)
    await stop_meaning(state)
    await stop_pruning(state)


async def register_commands(app: BotApp) -> None:
    """Show the commands in Telegram's menu: private, group, and each admin's private chat."""
    bot = app.bot
    await bot.set_my_commands(PRIVATE_COMMANDS, scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(GROUP_COMMANDS, scope=BotCommandScopeAllGroupChats())
    state = _state(app)
    for admin in sorted(state.settings.admin_user_ids):
        try:  # fails until the admin has started a chat with the bot; harmless
            await bot.set_my_commands(ADMIN_COMMANDS, scope=ChatScope(admin))
        except TelegramError as exc:
            logger.info("no admin command menu for %s yet: %s", admin, exc)
    documents = len(state.answerer.base.documents)
    logger.info("bot @%s (id %d) ready: %d documents", bot.username, bot.id, documents)
