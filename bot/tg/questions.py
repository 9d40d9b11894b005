"""Question handlers: find the question in an update, answer it, reply, log one line.

Private chats treat every text as a question; groups answer only ``/ask`` and replies to the
bot's own answers, so the bot stays quiet in busy groups (and works with privacy mode on, where
Telegram sends a bot exactly those messages).
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.core import (
    Answer,
    Answerer,
    QuestionError,
    answer_follow_up,
    asks_whats_new,
    news_about,
    read_scope,
    read_small_talk,
)
from bot.store import utc_now
from bot.tg import question_log
from bot.tg.examples import examples
from bot.tg.languages import language_note
from bot.tg.latest import latest_text, scoped_documents, scoped_text
from bot.tg.render import escape, render_answer, section_label
from bot.tg.replies import more_button, nearest_buttons, reply_html
from bot.tg.reply_links import deliver, find_link
from bot.tg.small_talk import small_talk_reply
from bot.tg.state import BotState, Exchange, get_state

logger = logging.getLogger(__name__)

FOLLOW_UP_SECONDS = 300.0  # a message this soon after an answer may lean on it
ASK_USAGE = "Ask like this: /ask when is Kalbajar handed over? (or reply /ask to a message)"


def message_text(message: Message | None) -> str:
    """Return a message's text or caption, or an empty string."""
    if message is None:
        return ""
    return (message.text or message.caption or "").strip()


def strip_command(text: str) -> str:
    """Return what follows a leading ``/command`` (or ``/command@bot``), else the text."""
    if not text.startswith("/"):
        return text
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer any text in a private chat; one that leans on the last answer is a follow-up.

    A reply to one of the bot's answers is read after that answer; any other message after
    the chat's last answer, if that came at most ``FOLLOW_UP_SECONDS`` before.
    """
    message = update.effective_message
    if message is not None and message.text:
        state = get_state(context)
        earlier = _replied_exchange(message, context) or state.conversations.last(
            message.chat_id, FOLLOW_UP_SECONDS, time.monotonic()
        )
        edited = update.edited_message is not None
        await answer_question(message, context, message.text, earlier=earlier, edited=edited)


def _replied_exchange(message: Message, context: ContextTypes.DEFAULT_TYPE) -> Exchange | None:
    """The exchange behind the bot's answer that ``message`` replies to, if any."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return None
    state = get_state(context)
    known = state.conversations.behind(replied.chat_id, replied.message_id)
    if known is not None:
        return known
    question = state.recent.get(replied.chat_id, replied.message_id)  # its buttons' question
    return Exchange(question, None, 0.0) if question else None


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer ``/ask question``, or the replied-to message for a bare ``/ask``."""
    message = update.effective_message
    if message is None:
        return
    question = strip_command(message_text(message)) or message_text(message.reply_to_message)
    edited = update.edited_message is not None
    if not question:
        if not edited:  # an /ask edited down to nothing changes nothing
            await reply_html(message, escape(ASK_USAGE))
        return
    await answer_question(message, context, question, edited=edited)


async def follow_up(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Treat a group reply to one of the bot's answers as a follow-up question."""
    message = update.effective_message
    if message is None or message.reply_to_message is None or not message.text:
        return
    replied = message.reply_to_message
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    earlier = _replied_exchange(message, context)
    edited = update.edited_message is not None
    await answer_question(message, context, message.text, earlier=earlier, edited=edited)


async def answer_question(
    message: Message,
    context: ContextTypes.DEFAULT_TYPE,
    question: str,
    earlier: Exchange | None = None,
    *,
    edited: bool = False,
) -> None:
    """Rate-limit, answer off the event loop, reply with the quote, log one line.

    Small talk ("hi", "thanks!") gets a reply of its own and is not logged as a question; a
    greeting before a question ("Hi! When is ...?") is set aside and the question asked. "What's
    new?" gets the newest briefings (``bot.tg.latest``), not logged either. An
    ``edited`` question edits the bot's answer to it in place (``reply_links.deliver``), and
    is logged as an edit of the question it replaces.
    """
    state = get_state(context)
    if not await _within_rate(message, state):
        return
    before = find_link(state, context.bot.id, message) if edited else None
    if before is not None and earlier is state.conversations.behind(
        message.chat_id, before.reply_id
    ):
        earlier = None  # the answer to this very message before its edit is no context
    if edited:
        logger.info(
            "edited question chat=%s answer known=%s", message.chat.type, before is not None
        )
    talk = read_small_talk(question, context.bot.username)
    if talk.kind is not None:
        text = await small_talk_reply(message, context, talk.kind)
        await deliver(message, context, text, earlier=before)
        return
    question = talk.question
    language = await asyncio.to_thread(state.languages.foreign, question)
    if language is not None:
        await deliver(
            message, context, await other_language_note(message, state, language), earlier=before
        )
        return
    group = message.chat.type != "private"
    scope = read_scope(question, utc_now().date())
    listed = scoped_text(state, scope, utc_now().date(), group=group) if scope else None
    if listed is not None:
        logger.info("scoped listing chat=%s", message.chat.type)
        await deliver(message, context, listed, earlier=before)
        return
    if scope is None and asks_whats_new(question):
        logger.info("whats new chat=%s", message.chat.type)
        await deliver(message, context, latest_text(state, group=group), earlier=before)
        return
    started = time.perf_counter()
    try:
        answer = await ask(state.answerer, question, earlier)
    except QuestionError as exc:
        await deliver(message, context, escape(f"I cannot look that up: {exc}."), earlier=before)
        log_question(message.chat.type, started, Answer(question=question[:80]))
        return
    answered = time.perf_counter()
    user = message.from_user
    logged = question_log.record(
        state,
        message.chat.type,
        answer,
        (answered - started) * 1000,
        user.id if user else None,
        edit_of=before.question_id if before else None,
    )
    markup = answer_markup(answer, logged)
    text = render_answer(answer)
    sent = await deliver(message, context, text, markup, earlier=before, question_id=logged)
    if markup is not None:  # its buttons ask the question again
        state.recent.remember(message.chat_id, sent, answer.question)
    quoted = answer.best.text if answer.best is not None else None
    exchange = Exchange(answer.question, quoted, time.monotonic())
    state.conversations.remember(message.chat_id, sent, exchange)
    log_question(message.chat.type, started, answer, answered)


def answer_markup(answer: Answer, question_id: int | None) -> InlineKeyboardMarkup | None:
    """The "More" button and the votes under an answer; the nearest sections under a refusal."""
    if answer.best is not None:
        return more_button(question_id=question_id)
    return nearest_buttons([section_label(m) for m in answer.nearest], question_id)


async def ask(answerer: Answerer, question: str, earlier: Exchange | None = None) -> Answer:
    """Ask in a worker thread, so a large index never blocks other chats.

    Callers read ``state.answerer`` once and pass it in, so one update never mixes two indexes
    when a reload swaps them. After ``earlier`` (the answer before), a question such as "and
    Lachin?" is read with it as context (``bot.core.follow_up``); a complete one is asked alone.
    """
    scope = read_scope(question, utc_now().date())
    if scope is not None and scope.question:
        documents, _ = scoped_documents(answerer.base, scope, utc_now().date())
        if documents:  # asked of that day's briefings, or the one named, alone
            within = await asyncio.to_thread(answerer.within, frozenset(d.path for d in documents))
            answer = await asyncio.to_thread(within.ask, scope.question)
            return answer.model_copy(update={"question": question})
    subject = news_about(question)
    if subject is not None:  # "what's the news on the ferry?": the latest about the ferry
        answer = await asyncio.to_thread(answerer.ask, subject)
        return answer.model_copy(update={"question": question})
    if earlier is None:
        return await asyncio.to_thread(answerer.ask, question)
    return await asyncio.to_thread(
        answer_follow_up, answerer, question, earlier.question, earlier.sentence
    )


async def other_language_note(message: Message, state: BotState, language: str) -> str:
    """The note, in the reader's language and in English, that questions are asked in English."""
    logger.info("other language chat=%s language=%s", message.chat.type, language)
    questions = await examples(state) if state.answerer.base.documents else ()
    return language_note(language, questions[0] if questions else None)


async def _within_rate(message: Message, state: BotState) -> bool:
    user = message.from_user
    if user is None or state.throttle.allow(user.id):
        return True
    if state.throttle.should_warn(user.id):
        wait = state.throttle.retry_in(user.id)
        limit = state.throttle.per_minute
        text = f"You are asking quickly ({limit} a minute at most). Try again in {wait}s."
        await reply_html(message, escape(text))
    return False


def log_question(
    chat_type: str, started: float, answer: Answer, answered: float | None = None
) -> None:
    """Log one line per question: chat type, latency, answered or not, top score.

    ``latency_ms`` runs until the reply was sent (Telegram's pacing included); ``answer_ms``
    is the bot's own work, finding the answer.
    """
    best = answer.best
    now = time.perf_counter()
    logger.info(
        "question chat=%s latency_ms=%.1f answer_ms=%.1f answered=%s top_score=%s",
        chat_type,
        (now - started) * 1000,
        ((answered or now) - started) * 1000,
        "yes" if best else "no",
        f"{best.score:.3f}" if best else "-",
    )
