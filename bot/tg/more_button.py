"""The "More"/"Less" button under an answer: expand and collapse it in place.

"More" edits the answer message to add the paragraph around the quote and the runners-up;
"Less" edits it back; neither ever sends a new message. The question is asked again, so after a
reload the button shows what the new index says. It is found by the id in the button's data,
in the question log (``bot.store``), which outlives restarts; answers sent without one (before
the log existed) are looked up by the answer message (``BotState.recent``), or read from the
message the answer replied to.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.core import Answer, Answerer
from bot.tg.questions import answer_markup, ask, message_text, strip_command
from bot.tg.render import render_answer, render_more
from bot.tg.replies import LESS, callback_id, edit_in_place, more_button
from bot.tg.state import get_state

EXPIRED = "This answer is too old to expand. Please ask again."


def question_of(
    message: Message, question_id: int | None, context: ContextTypes.DEFAULT_TYPE
) -> str | None:
    """The question behind a bot's answer message: logged, remembered, or replied to."""
    state = get_state(context)
    if question_id is not None and state.store is not None:
        logged = state.store.logged_question(question_id)
        if logged is not None:
            return logged.text
    remembered = state.recent.get(message.chat_id, message.message_id)
    return remembered or strip_command(message_text(message.reply_to_message)) or None


async def more_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Expand or collapse an answer by editing its message."""
    query = update.callback_query
    if query is None:
        return
    message = query.message
    question_id = callback_id(query.data)
    question = question_of(message, question_id, context) if isinstance(message, Message) else None
    if question is None:
        await query.answer(EXPIRED)
        return
    state = get_state(context)
    answerer = state.answerer
    answer = await ask(answerer, question)
    expand = not (query.data or "").startswith(LESS)
    text, markup = _toggled(answerer, answer, expand, question_id)
    await query.answer()
    await edit_in_place(query, text, markup)
    if answer.best is not None and isinstance(message, Message):
        state.recent.remember(message.chat_id, message.message_id, question)


def _toggled(
    answerer: Answerer, answer: Answer, expand: bool, question_id: int | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Render the expanded or the short answer, with the button that switches back."""
    best = answer.best
    if best is None:
        return render_answer(answer), answer_markup(answer, question_id)
    if expand:
        more = render_more(answer, answerer.context(best))
        return more, more_button(expanded=True, question_id=question_id)
    return render_answer(answer), more_button(question_id=question_id)
