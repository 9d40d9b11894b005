"""The question reports as plain text, the same words in Telegram and on the command line.

``/unanswered``, ``/stats``, ``/feedback`` and ``python -m bot report`` all use these. And the
logged questions as a question set ``eval`` reads (``export_cases``), so admins grow
their own evaluation set from real use: an answer voted up becomes a case whose right sentence
is the one quoted; an answer voted down, or a question left unanswered, becomes a case marked
``"todo"`` for the admin to fill in (its ``accept`` is empty until then, which ``eval`` reads as
"no answer is right").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.core import counted
from bot.store import DayStats, FeedbackItem, LoggedQuestion, UnansweredGroup

UNANSWERED_DAYS = 7
STATS_DAYS = 7
FEEDBACK_COUNT = 10
TODO_UNANSWERED = "not answered: add the phrase of the right sentence to accept, or leave []"
TODO_VOTED_DOWN = "voted down: the quoted sentence is wrong; add the right one's phrase to accept"


def since(now: datetime, days: int) -> datetime:
    """The start of a report covering the last ``days`` days."""
    return now - timedelta(days=days)


def unanswered_text(groups: Sequence[UnansweredGroup], days: int) -> str:
    """The questions most asked without an answer: what to add to the briefings next."""
    if not groups:
        return f"No unanswered questions in the last {counted(days, 'day')}."
    lines = [f"Most asked without an answer, last {counted(days, 'day')}:"]
    for group in groups:
        times = "once" if group.count == 1 else f"{group.count} times"
        lines.append(f"- {times}: {group.example}")
    return "\n".join(lines)


def stats_text(days: Sequence[DayStats], span: int) -> str:
    """Questions a day, the share answered, votes and the median time to answer."""
    if not days:
        return f"No questions in the last {counted(span, 'day')}."
    lines = [
        f"Questions, last {counted(span, 'day')} (UTC):",
        "day         asked answered  up down  median",
    ]
    for day in days:
        lines.append(
            f"{day.day.isoformat()}  {day.questions:5d}   {day.answered_share:5.0%}"
            f"  {day.up:3d}  {day.down:3d}  {day.median_latency_ms:5.0f} ms"
        )
    total = sum(d.questions for d in days)
    answered = sum(d.answered for d in days)
    up, down = sum(d.up for d in days), sum(d.down for d in days)
    lines.append(
        f"all: {counted(total, 'question')}, {answered / total:.0%} answered, {up} up, {down} down"
    )
    return "\n".join(lines)


def feedback_text(items: Sequence[FeedbackItem]) -> str:
    """The answers people voted down, latest first, with what was asked and quoted."""
    if not items:
        return "No answer has been voted down."
    lines = ["Answers voted down, latest first:"]
    for item in items:
        question = item.question
        cited = question.citation
        where = f" ({cited.file}, sentence {cited.position})" if cited else ""
        quoted = cited.text if cited else "(no answer)"
        votes = question.votes
        lines.append(
            f"- {question.text}\n  quoted{where}: {quoted}\n  \U0001f44d {votes.up}"
            f" \u00b7 \U0001f44e {votes.down}, last {item.last_down_at:%Y-%m-%d %H:%M} UTC"
        )
    return "\n".join(lines)


def export_cases(questions: Sequence[LoggedQuestion]) -> list[dict[str, Any]]:
    """The logged questions as ``eval`` cases, one for each group of similar questions.

    Questions group as in ``/unanswered`` (by their search terms); the latest of a group is kept.

    Voted up (and never down): the quoted sentence is accepted. Voted down, or unanswered:
    marked ``todo``. Answered without votes: left out, since nobody said whether it was right.
    """
    cases: dict[str, dict[str, Any]] = {}
    for question in questions:
        cited, votes = question.citation, question.votes
        case: dict[str, Any] = {"q": question.text}
        if cited is not None and votes.up and not votes.down:
            case.update(accept=[cited.text], file=cited.file)
        elif cited is not None and votes.down:
            case.update(accept=[], todo=TODO_VOTED_DOWN, voted_down=cited.text)
        elif cited is None:
            case.update(accept=[], todo=TODO_UNANSWERED)
        else:
            continue
        cases[question.group_key] = case
    return list(cases.values())
