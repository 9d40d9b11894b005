"""The "More"/"Less" button and inline mode: answers shown in place, never as new messages.

"More" edits the answer message to add the paragraph around the quote and the runners-up;
"Less" edits it back. The question is looked up by the answer message (``BotState.recent``) and
asked again, so after a reload the button shows what the new index says. After a restart the
question can still be read from the message the answer replied to, if it carried it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.core import Answer, Answerer, Match, QuestionError
from bot.tg.handlers import ask, message_text, strip_command
from bot.tg.render import citation, fit, inline_title, quote, render_answer, render_more
from bot.tg.replies import LESS, NO_PREVIEW, more_button
from bot.tg.state import get_state

EXPIRED = "This answer is too old to expand. Please ask again."
INLINE_CACHE_SECONDS = 30
NOTHING_FOUND = "Nothing found: see what I know"
HOW_TO_ASK = "Type a question about the briefings"


def _question_of(message: Message, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    remembered = get_state(context).recent.get(message.chat_id, message.message_id)
    return remembered or strip_command(message_text(message.reply_to_message)) or None


async def more_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Expand or collapse an answer by editing its message."""
    query = update.callback_query
    if query is None:
        return
    message = query.message
    question = _question_of(message, context) if isinstance(message, Message) else None
    if question is None:
        await query.answer(EXPIRED)
        return
    state = get_state(context)
    answerer = state.answerer
    answer = await ask(answerer, question)
    text, markup = _toggled(answerer, answer, expand=query.data != LESS)
    await query.answer()
    try:
        await query.edit_message_text(
            text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, reply_markup=markup
        )
    except BadRequest as exc:  # a double tap edits to the same text: harmless
        if "not modified" not in str(exc):
            raise
    if answer.best is not None and isinstance(message, Message):
        state.recent.remember(message.chat_id, message.message_id, question)


def _toggled(
    answerer: Answerer, answer: Answer, expand: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Render the expanded or the short answer, with the button that switches back."""
    best = answer.best
    if best is None:
        return render_answer(answer), None
    if expand:
        return render_more(answer, answerer.context(best)), more_button(expanded=True)
    return render_answer(answer), more_button()


def inline_article(
    number: int, match: Match, question: str, terms: Collection[str]
) -> InlineQueryResultArticle:
    """One inline result: the sentence as the title, the quote (``terms`` bold) as the message."""
    text = f"\u2753 {fit(question, 500)}\n{quote(match, terms)}\n{citation(match)}"
    where = " \u00b7 ".join(p for p in (match.title, match.section) if p)
    return InlineQueryResultArticle(
        id=str(number),
        title=inline_title(match),
        description=where[:200],
        input_message_content=InputTextMessageContent(
            text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
        ),
    )


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the best matches for ``@bot question`` as articles to post."""
    query = update.inline_query
    if query is None:
        return
    state = get_state(context)
    question = query.query.strip()
    answer = Answer(question=question)
    if question and state.inline_throttle.allow(query.from_user.id):
        with contextlib.suppress(QuestionError):
            answer = await ask(state.answerer, question)
    button = None
    if not question:
        button = InlineQueryResultsButton(text=HOW_TO_ASK, start_parameter="help")
    elif not answer.matches:
        button = InlineQueryResultsButton(text=NOTHING_FOUND, start_parameter="sources")
    await query.answer(
        [inline_article(i, m, question, answer.terms) for i, m in enumerate(answer.matches)],
        cache_time=INLINE_CACHE_SECONDS,
        button=button,
    )
