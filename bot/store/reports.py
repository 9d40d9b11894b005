"""What admins read: questions the knowledge missed, daily figures, disliked answers.

Read-only queries over the question log, for ``/unanswered``, ``/stats``, ``/feedback`` and
``python -m bot report``. Days are UTC days, the first ten characters of a stored time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.store.connection import Db
from bot.store.grouping import MERGED_GROUPS, Asked, Group, merge
from bot.store.models import DayStats, FeedbackItem, LoggedQuestion, Totals, UnansweredGroup
from bot.store.questions import COLUMNS, TOTALS, from_row
from bot.store.times import parse, parse_day, stamp

# Every group, most asked first, with the text and time of its latest question (the row of
# MAX(id), joined back: both databases run it): ``grouping`` merges those that mean the same.
_UNANSWERED = """
    SELECT g.group_key, g.count, g.latest, q.text, q.asked_at
    FROM (
        SELECT group_key, COUNT(*) AS count, MAX(id) AS latest
        FROM questions
        WHERE answered = 0 AND asked_at >= ?
        GROUP BY group_key
    ) AS g JOIN questions q ON q.id = g.latest
    ORDER BY g.count DESC, g.latest DESC
"""
_MEANINGS = "SELECT question_id AS id, vector, model FROM meanings WHERE question_id IN ({})"
_IDS_AT_ONCE = 500  # SQLite's limit on parameters is 999 in old builds
# Both read the covering index alone. The median is the middle one or two latencies of each
# day, sorted by SQLite within the day's range: at 100,000 rows, a tenth of the time of
# window functions or of sorting in Python.
_DAYS = """
    SELECT substr(asked_at, 1, 10) AS day, COUNT(*) AS questions, SUM(answered) AS answered
    FROM questions
    WHERE asked_at >= ?
    GROUP BY day
    ORDER BY day
"""
_MIDDLE = """
    SELECT AVG(latency_ms) FROM (
        SELECT latency_ms FROM questions
        WHERE asked_at >= ? AND asked_at < ?
        ORDER BY latency_ms
        LIMIT ? OFFSET ?
    ) AS middle
"""
_DAY_VOTES = """
    SELECT substr(q.asked_at, 1, 10) AS day,
           COUNT(*) FILTER (WHERE v.value = 1) AS up,
           COUNT(*) FILTER (WHERE v.value = -1) AS down
    FROM votes v JOIN questions q ON q.id = v.question_id
    WHERE q.asked_at >= ?
    GROUP BY day
"""
_FEEDBACK = f"""
    SELECT {COLUMNS}, t.up, t.down, t.last_down
    FROM (
        SELECT question_id, COUNT(*) FILTER (WHERE value = 1) AS up,
               COUNT(*) FILTER (WHERE value = -1) AS down,
               MAX(voted_at) FILTER (WHERE value = -1) AS last_down
        FROM votes
        GROUP BY question_id
    ) AS t JOIN questions q ON q.id = t.question_id
    WHERE t.down > 0
    ORDER BY t.last_down DESC, q.id DESC
    LIMIT ?
"""
_QUESTIONS = f"""
    SELECT {COLUMNS}, t.up, t.down
    FROM questions q LEFT JOIN ({TOTALS} GROUP BY question_id) AS t ON t.question_id = q.id
    WHERE q.asked_at >= ?
    ORDER BY q.id
"""


def unanswered(db: Db, since: str, limit: int) -> list[UnansweredGroup]:
    """The most asked unanswered questions since ``since``, grouped by what they ask.

    Questions are grouped by their terms in SQL; only the latest question of each of the
    ``MERGED_GROUPS`` most asked groups is read with its vector, to merge groups by meaning.
    """
    groups = [
        Group(
            key=row["group_key"],
            count=row["count"],
            latest=Asked(row["latest"], row["text"], row["asked_at"]),
        )
        for row in db.execute(_UNANSWERED, (since,))
    ]
    merged = groups[:MERGED_GROUPS]
    meanings = {}
    for start in range(0, len(merged), _IDS_AT_ONCE):
        ids = [g.latest.id for g in merged[start : start + _IDS_AT_ONCE]]
        query = _MEANINGS.format(", ".join("?" * len(ids)))
        for row in db.execute(query, ids):
            meanings[row["id"]] = (row["vector"], row["model"])
    for found in merged:
        found.latest.meaning, found.latest.meaning_model = meanings.get(
            found.latest.id, (None, None)
        )
    return [
        UnansweredGroup(
            group_key=g.key,
            count=g.count,
            example=g.latest.text,
            last_asked=parse(g.latest.asked_at),
        )
        for g in merge(groups)[:limit]
    ]


def stats(db: Db, since: str) -> list[DayStats]:
    """Each UTC day since ``since`` that had questions, oldest first."""
    votes = {
        row["day"]: Totals(up=row["up"], down=row["down"])
        for row in db.execute(_DAY_VOTES, (since,))
    }
    days = []
    for row in db.execute(_DAYS, (since,)).fetchall():
        day, count = parse_day(row["day"]), row["questions"]
        day_votes = votes.get(row["day"], Totals())
        days.append(
            DayStats(
                day=day,
                questions=count,
                answered=row["answered"],
                up=day_votes.up,
                down=day_votes.down,
                median_latency_ms=_median(db, max(since, _start(day)), _start(day, 1), count),
            )
        )
    return days


def _start(day: date, later: int = 0) -> str:
    """The stamp of the first moment of ``day`` (or of ``later`` days after it)."""
    return stamp(datetime.combine(day + timedelta(days=later), time(), UTC))


def _median(db: Db, start: str, end: str, count: int) -> float:
    """The median latency of the ``count`` questions asked from ``start`` to before ``end``."""
    middle = db.execute(_MIDDLE, (start, end, 2 - count % 2, (count - 1) // 2)).fetchone()[0]
    return float(middle)


def feedback(db: Db, limit: int) -> list[FeedbackItem]:
    """The answers most recently voted down, with their votes."""
    return [
        FeedbackItem(question=from_row(row), last_down_at=parse(row["last_down"]))
        for row in db.execute(_FEEDBACK, (limit,))
    ]


def questions(db: Db, since: str) -> list[LoggedQuestion]:
    """Every question asked since ``since``, oldest first, with its votes (for export)."""
    return [from_row(row) for row in db.execute(_QUESTIONS, (since,))]
