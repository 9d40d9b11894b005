"""``/start``, ``/help``, ``/sources`` and the command menu: what the bot knows, how to ask it."""

from __future__ import annotations

from telegram import BotCommand, Message, Update
from telegram.ext import ContextTypes

from bot.core import KnowledgeBase
from bot.tg.examples import example_lines, examples
from bot.tg.render import escape, fit, render_sources
from bot.tg.replies import reply_all, reply_html
from bot.tg.state import get_state

PRIVATE_COMMANDS = (
    BotCommand("ask", "Ask about the briefings (or just write the question)"),
    BotCommand("sources", "The briefings I have read"),
    BotCommand("latest", "The newest briefings"),
    BotCommand("subscribe", "A message when new briefings arrive (/unsubscribe stops it)"),
    BotCommand("help", "How to ask me"),
)
GROUP_COMMANDS = (
    BotCommand("ask", "Ask about the briefings: /ask your question"),
    BotCommand("sources", "The briefings I have read"),
    BotCommand("latest", "The newest briefings"),
    BotCommand("subscribe", "A message when new briefings arrive (/unsubscribe stops it)"),
    BotCommand("help", "How to ask me"),
)
ADMIN_COMMANDS = (
    *PRIVATE_COMMANDS,
    BotCommand("reload", "Reload the briefings (admins)"),
    BotCommand("add", "Add a briefing from a link: /add URL (admins)"),
    BotCommand("remove", "Remove a briefing: /remove NAME (admins)"),
    BotCommand("feed", "Follow RSS or Atom feeds: /feed add URL, list, remove, poll (admins)"),
    BotCommand("unanswered", "Most asked questions I could not answer, last week (admins)"),
    BotCommand("stats", "Questions, answers and votes a day, last week (admins)"),
    BotCommand("feedback", "Answers people voted down (admins)"),
)
SHOWN_SOURCES = 5


def help_text(base: KnowledgeBase, username: str, is_admin: bool) -> str:
    """Explain what the bot has read and the ways to ask it."""
    newest = base.newest_first()[:SHOWN_SOURCES]
    titles = [f"\u2022 <i>{fit(d.title, 200)}</i>" for d in newest]
    if len(base.documents) > SHOWN_SOURCES:
        titles.append(f"\u2026 and {len(base.documents) - SHOWN_SOURCES} more: /sources")
    lines = [
        "<b>I answer questions about news briefings</b> with the exact sentence "
        "from the source, and say where it comes from.",
        "",
        "<b>Private chat:</b> just write your question.",
        "<b>Groups:</b> /ask your question, or reply /ask to a message. "
        "Reply to my answer to ask a follow-up.",
        f"<b>Any chat:</b> type @{escape(username)} and your question.",
        "<b>What is new:</b> /latest, or just ask \u201cwhat\u2019s new?\u201d",
        "",
        "When I am not sure, I say \u201cThe closest the briefings come\u201d above the quote; "
        "when the briefings do not say, I offer the sections that come nearest.",
        "",
        "<b>What I have read:</b>",
        *titles,
    ]
    if is_admin:
        lines += [
            "",
            "<b>Admin:</b> /reload, /add a link, or send me a briefing file here "
            "(.md, .txt, .pdf, .html); /remove NAME takes one out; /feed add URL follows a "
            "feed. "
            "What people ask: /unanswered, /stats, /feedback.",
        ]
    return "\n".join(lines)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply to ``/start`` and ``/help``; ``/start sources`` (a deep link) lists sources."""
    message = update.effective_message
    if message is None:
        return
    if context.args and context.args[0] == "sources":
        await sources_command(update, context)
        return
    if context.args and context.args[0] == "ask":  # an announcement's "Ask about it"
        questions = await examples(get_state(context))
        lines = [escape("Ask me anything about the briefings: just write your question.")]
        if questions:
            lines += ["", *example_lines(questions, group=False)]
        await reply_html(message, "\n".join(lines))
        return
    await reply_html(message, await help_page(message, context))


async def help_page(message: Message, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The help page, then questions the knowledge answers (for ``/help`` and "help")."""
    state = get_state(context)
    user = message.from_user
    private = message.chat.type == "private"
    admin = private and state.is_admin(user.id if user else None)
    text = help_text(state.answerer.base, context.bot.username, admin)
    if state.answerer.base.documents and (questions := await examples(state)):
        text = "\n".join([text, "", *example_lines(questions, group=not private)])
    return text


async def sources_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the documents newest first: dates, sections, links and sentence counts."""
    message = update.effective_message
    if message is not None:
        await reply_all(message, render_sources(get_state(context).answerer.base))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Point a private user at the commands that exist."""
    message = update.effective_message
    if message is not None:
        await reply_html(message, "I know /ask, /sources and /help. Or just write your question.")
