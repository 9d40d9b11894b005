"""The nearest sections' buttons under "not found": read how each section begins.

A refusal that only says "not found" leaves people where they started; the sections nearest
their question (``Answer.nearest``) show where the briefings come closest. A tap edits the
refusal in place to quote that section's first sentence, cited; the buttons stay, so another
can be read. The question is asked again, so after a reload the buttons show what the new
index holds.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.tg.more_button import EXPIRED, question_of
from bot.tg.questions import answer_markup, ask
from bot.tg.render import render_answer, render_section
from bot.tg.replies import edit_in_place, section_choice
from bot.tg.state import get_state


async def nearest_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the first sentence of the section whose button was pressed."""
    query = update.callback_query
    if query is None:
        return
    message = query.message
    choice = section_choice(query.data)
    if choice is None or not isinstance(message, Message):
        await query.answer(EXPIRED)
        return
    chosen, question_id = choice
    question = question_of(message, question_id, context)
    if question is None:
        await query.answer(EXPIRED)
        return
    answer = await ask(get_state(context).answerer, question)
    if answer.best is None and chosen >= len(answer.nearest):
        await query.answer(EXPIRED)
        return
    # The knowledge may answer now (a reload since): then the answer replaces the refusal.
    text = render_answer(answer) if answer.best is not None else render_section(answer, chosen)
    await query.answer()
    await edit_in_place(query, text, answer_markup(answer, question_id))
