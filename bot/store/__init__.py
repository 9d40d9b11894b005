"""The bot's memory across restarts: an SQLite file, or PostgreSQL for replicas, one Protocol.

It holds Telegram updates until they are answered (so a crash loses no question), a log of
questions (text only, users as salted hashes), votes on answers, and the reports admins read.
It imports neither ``telegram`` nor the engine nor the settings: the Telegram adapter and the
command line pass it a path and a clock. ``docs/state-store.md`` covers retention, backups,
durability, and the store on PostgreSQL (``STATE_DB=postgresql://...``).

    interface.py  StateStore, the Protocol callers depend on
    opening.py    open_state_store: a file or a server; open_store: check a file, WAL, migrate
    schema.py     the tables, their version, migrations, refusing damaged or newer files
    sql_store.py  SqlStore: each call over SQL both databases run, what durability it gets
    connection.py Db: what the SQL functions need of a connection
    sqlite.py     SqliteStore: one connection, one lock
    postgres.py   PostgresStore: a pool of connections to a server (psycopg)
    pg_schema.py  the same versions in PostgreSQL's types, migrated under an advisory lock
    updates.py    updates recorded (per bot) before they are relied on, then marked done
    questions.py  the question log and votes
    pace.py       one pace for a bot's sends, shared by its replicas
    feeds.py      the feeds followed and the entries taken from them
    subscriptions.py  chats subscribed to new briefings, each announcement's deliveries
    grouping.py   unanswered questions merged by meaning
    replies.py    which message of the bot answered which message (edits)
    reports.py    unanswered questions, daily figures, disliked answers, export
    models.py     what goes in and comes out (frozen pydantic models)
    privacy.py    salted user hashes
    times.py      UTC times as stored
    errors.py     StoreError and its subclasses
"""

from bot.store.errors import StoreDamagedError, StoreError, StoreVersionError, StoreWriteError
from bot.store.interface import StateStore
from bot.store.models import (
    ChatType,
    Citation,
    DailyDue,
    DayStats,
    Delivery,
    Feed,
    FeedbackItem,
    KnowledgeSnapshot,
    LoggedQuestion,
    Pruned,
    QuestionEntry,
    ReplyLink,
    Totals,
    UnansweredGroup,
)
from bot.store.opening import is_postgres_url, open_state_store, open_store, store_target
from bot.store.schema import MIGRATIONS, Migration
from bot.store.sql_store import SqlStore
from bot.store.sqlite import SqliteStore
from bot.store.times import Clock, utc_now

__all__ = [
    "MIGRATIONS",
    "ChatType",
    "Citation",
    "Clock",
    "DailyDue",
    "DayStats",
    "Delivery",
    "Feed",
    "FeedbackItem",
    "KnowledgeSnapshot",
    "LoggedQuestion",
    "Migration",
    "Pruned",
    "QuestionEntry",
    "ReplyLink",
    "SqlStore",
    "SqliteStore",
    "StateStore",
    "StoreDamagedError",
    "StoreError",
    "StoreVersionError",
    "StoreWriteError",
    "Totals",
    "UnansweredGroup",
    "is_postgres_url",
    "open_state_store",
    "open_store",
    "store_target",
    "utc_now",
]
