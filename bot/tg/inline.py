"""Inline mode: ``@bot question`` in any chat offers the best sentences, cited, to post.

Each result's title is the sentence as plain text; the message it posts is the question, the
quote with the searched terms in bold, and its citation. An empty query offers help and a query
with no answer offers the list of sources, both as a button that opens a private chat.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.core import Answer, Match, QuestionError
from bot.tg.questions import ask
from bot.tg.render import DOUBTFUL, citation, escape, fit, inline_title, quote
from bot.tg.replies import NO_PREVIEW
from bot.tg.state import get_state

INLINE_CACHE_SECONDS = 30
NOTHING_FOUND = "Nothing found: see what I know"
HOW_TO_ASK = "Type a question about the briefings"


def inline_article(
    number: int, match: Match, question: str, terms: Collection[str], doubtful: bool = False
) -> InlineQueryResultArticle:
    """One inline result: the sentence as the title, the quote (``terms`` bold) as the message.

    A ``doubtful`` one (``Answer.doubtful``) says so in its description and in what it posts.
    """
    lead = f"<i>{escape(DOUBTFUL)}</i>\n" if doubtful else ""
    reading = f"<i>{escape(match.reading)}</i>\n" if match.reading else ""
    text = f"\u2753 {fit(question, 500)}\n{lead}{quote(match, terms)}\n{reading}{citation(match)}"
    where = " \u00b7 ".join(
        p for p in (DOUBTFUL if doubtful else None, match.title, match.section) if p
    )
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
        [
            inline_article(i, m, question, answer.terms, doubtful=answer.doubtful)
            for i, m in enumerate(answer.matches)
        ],
        cache_time=INLINE_CACHE_SECONDS,
        button=button,
    )
