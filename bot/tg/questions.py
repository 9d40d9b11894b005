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

from bot.core import Answer, Answerer, QuestionError, read_small_talk
from bot.tg import question_log
from bot.tg.examples import examples
from bot.tg.languages import language_note
from bot.tg.render import escape, render_answer, section_label
from bot.tg.replies import more_button, nearest_buttons, reply_html
from bot.tg.small_talk import reply_small_talk
from bot.tg.state import BotState, get_state

logger = logging.getLogger(__name__)

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
    """Answer any text in a private chat; a reply to an answer is a follow-up."""
    message = update.effective_message
    if message is not None and message.text:
        earlier = _earlier_question(message, context)
        await answer_question(message, context, message.text, earlier=earlier)


def _earlier_question(message: Message, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """Return the question behind the bot's answer that ``message`` replies to, if any."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return None
    return get_state(context).recent.get(replied.chat_id, replied.message_id)


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer ``/ask question``, or the replied-to message for a bare ``/ask``."""
    message = update.effective_message
    if message is None:
        return
    question = strip_command(message_text(message)) or message_text(message.reply_to_message)
    if not question:
        await reply_html(message, escape(ASK_USAGE))
        return
    await answer_question(message, context, question)


async def follow_up(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Treat a group reply to one of the bot's answers as a follow-up question."""
    message = update.effective_message
    if message is None or message.reply_to_message is None or not message.text:
        return
    replied = message.reply_to_message
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    earlier = _earlier_question(message, context)
    await answer_question(message, context, message.text, earlier=earlier)


async def answer_question(
    message: Message,
    context: ContextTypes.DEFAULT_TYPE,
    question: str,
    earlier: str | None = None,
) -> None:
    """Rate-limit, answer off the event loop, reply with the quote, log one line.

    Small talk ("hi", "thanks!") gets a reply of its own and is not logged as a question; a
    greeting before a question ("Hi! When is ...?") is set aside and the question asked.
    """
    state = get_state(context)
    if not await _within_rate(message, state):
        return
    talk = read_small_talk(question, context.bot.username)
    if talk.kind is not None:
        await reply_small_talk(message, context, talk.kind)
        return
    question = talk.question
    language = await asyncio.to_thread(state.languages.foreign, question)
    if language is not None:
        await reply_other_language(message, state, language)
        return
    started = time.perf_counter()
    try:
        answer = await ask(state.answerer, question, earlier)
    except QuestionError as exc:
        await reply_html(message, escape(f"I cannot look that up: {exc}."))
        log_question(message.chat.type, started, Answer(question=question[:80]))
        return
    answered = time.perf_counter()
    user = message.from_user
    logged = question_log.record(
        state, message.chat.type, answer, (answered - started) * 1000, user.id if user else None
    )
    markup = answer_markup(answer, logged)
    sent = await reply_html(message, render_answer(answer), markup)
    if markup is not None:  # its buttons ask the question again
        state.recent.remember(sent.chat_id, sent.message_id, answer.question)
    log_question(message.chat.type, started, answer, answered)


def answer_markup(answer: Answer, question_id: int | None) -> InlineKeyboardMarkup | None:
    """The "More" button and the votes under an answer; the nearest sections under a refusal."""
    if answer.best is not None:
        return more_button(question_id=question_id)
    return nearest_buttons([section_label(m) for m in answer.nearest], question_id)


async def ask(answerer: Answerer, question: str, earlier: str | None = None) -> Answer:
    """Ask in a worker thread, so a large index never blocks other chats.

    Callers read ``state.answerer`` once and pass it in, so one update never mixes two indexes
    when a reload swaps them. A follow-up such as "and Lachin?" means little alone, so when it
    finds nothing it is asked again together with the question it replies to.
    """
    answer = await asyncio.to_thread(answerer.ask, question)
    if answer.best is None and earlier:
        combined = await asyncio.to_thread(answerer.ask, f"{earlier} {question}")
        if combined.best is not None:
            return combined
    return answer


async def reply_other_language(message: Message, state: BotState, language: str) -> None:
    """Say, in the reader's language and in English, that questions are answered in English."""
    questions = await examples(state) if state.answerer.base.documents else ()
    await reply_html(message, language_note(language, questions[0] if questions else None))
    logger.info("other language chat=%s language=%s", message.chat.type, language)


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
