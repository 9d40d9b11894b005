"""The question log and the votes on its answers.

A question's row id is its answer's id: the bot puts it in the answer's buttons, so "More" and
votes still work after a restart, and a vote on a question pruned since finds nothing rather
than the wrong answer. One voter has one vote per answer and may change it. These functions
run inside the caller's transaction; reports read the same rows through ``from_row``.
"""

from __future__ import annotations

from typing import Any

from bot.store.connection import Db
from bot.store.models import Citation, LoggedQuestion, QuestionEntry, Totals
from bot.store.times import parse

COLUMNS = (
    "q.id, q.asked_at, q.chat_type, q.text, q.group_key, q.cited_file, q.cited_position,"
    " q.cited_text, q.score, q.latency_ms, q.user_hash, q.edit_of"
)
# Per answered-on question: its votes. FILTER is standard SQL (PostgreSQL has it too).
TOTALS = (
    "SELECT question_id, COUNT(*) FILTER (WHERE value = 1) AS up,"
    " COUNT(*) FILTER (WHERE value = -1) AS down FROM votes"
)


def log(db: Db, entry: QuestionEntry, asked_at: str) -> int:
    """Append a question; its id."""
    cited = entry.citation
    cursor = db.execute(
        "INSERT INTO questions (asked_at, chat_type, text, group_key, answered, cited_file,"
        " cited_position, cited_text, score, latency_ms, user_hash, edit_of)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            asked_at,
            entry.chat_type,
            entry.text,
            entry.group_key,
            int(entry.answered),
            cited.file if cited else None,
            cited.position if cited else None,
            cited.text if cited else None,
            cited.score if cited else None,
            entry.latency_ms,
            entry.user_hash,
            entry.edit_of,
        ),
    )
    question_id = int(cursor.fetchone()[0])
    if entry.meaning is not None and entry.meaning_model is not None:
        db.execute(
            "INSERT INTO meanings (question_id, model, vector) VALUES (?, ?, ?)",
            (question_id, entry.meaning_model, entry.meaning),
        )
    return question_id


def from_row(row: Any, votes: Totals | None = None) -> LoggedQuestion:
    """A ``LoggedQuestion`` from a row selected with ``COLUMNS`` (and ``up``, ``down``)."""
    citation = None
    if row["cited_file"] is not None:
        citation = Citation(
            file=row["cited_file"],
            position=row["cited_position"],
            text=row["cited_text"],
            score=row["score"],
        )
    return LoggedQuestion(
        id=row["id"],
        asked_at=parse(row["asked_at"]),
        chat_type=row["chat_type"],
        text=row["text"],
        group_key=row["group_key"],
        citation=citation,
        latency_ms=row["latency_ms"],
        user_hash=row["user_hash"],
        edit_of=row["edit_of"],
        votes=votes if votes is not None else Totals(up=row["up"] or 0, down=row["down"] or 0),
    )


def get(db: Db, question_id: int) -> LoggedQuestion | None:
    """One question with its votes, or ``None`` if it was never logged or was pruned."""
    row = db.execute(f"SELECT {COLUMNS} FROM questions q WHERE q.id = ?", (question_id,))
    found = row.fetchone()
    return from_row(found, totals(db, question_id)) if found is not None else None


def totals(db: Db, question_id: int) -> Totals:
    """The votes on one answer."""
    row = db.execute(
        "SELECT COUNT(*) FILTER (WHERE value = 1) AS up,"
        " COUNT(*) FILTER (WHERE value = -1) AS down FROM votes WHERE question_id = ?",
        (question_id,),
    ).fetchone()
    return Totals(up=row["up"], down=row["down"])


def vote(db: Db, question_id: int, voter: str, value: int, now: str) -> Totals | None:
    """Set ``voter``'s vote on an answer; the answer's totals, or ``None`` if it is gone."""
    if db.execute("SELECT 1 FROM questions WHERE id = ?", (question_id,)).fetchone() is None:
        return None
    db.execute(
        "INSERT INTO votes (question_id, voter, value, voted_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (question_id, voter) DO UPDATE"
        " SET value = excluded.value, voted_at = excluded.voted_at"
        " WHERE votes.value != excluded.value",
        (question_id, voter, value, now),
    )
    return totals(db, question_id)


def prune(db: Db, before: str) -> tuple[int, int]:
    """Delete questions asked before ``before`` and their votes; how many of each."""
    votes = db.execute(
        "DELETE FROM votes WHERE question_id IN (SELECT id FROM questions WHERE asked_at < ?)",
        (before,),
    ).rowcount
    db.execute(
        "DELETE FROM meanings WHERE question_id IN (SELECT id FROM questions WHERE asked_at < ?)",
        (before,),
    )
    questions = db.execute("DELETE FROM questions WHERE asked_at < ?", (before,)).rowcount
    return questions, votes
