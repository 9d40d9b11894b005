"""The store's tables, the version they are at, and how a file is brought up to date.

``MIGRATIONS[n]`` takes a store from version ``n`` to ``n + 1``; version 0 is an empty file, so
the first one creates today's schema. A change to the schema is a new function appended to
the tuple, never an edit of an old one: a file written by any release opens in every later one.
Each step runs in its own transaction with the version bump, so a crash mid-migration leaves
the previous version intact, and two processes opening a new file at once migrate it once.

Before anything is written, ``inspect`` reads the file: another program's database, a damaged
or truncated file, or a file from newer code is refused with one line, and left untouched.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.store.errors import StoreDamagedError, StoreError, StoreVersionError
from bot.store.privacy import new_salt

Migration = Callable[[sqlite3.Connection], None]
# Written into the file's header ("BBOT"), so `file` and a glance with sqlite3 tell it apart.
APPLICATION_ID = 0x42424F54

_V1 = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    # seq keeps arrival order: update ids restart at random after a week of silence.
    """CREATE TABLE updates (
        seq INTEGER PRIMARY KEY,
        update_id INTEGER NOT NULL UNIQUE,
        payload TEXT NOT NULL,
        received_at TEXT NOT NULL,
        done_at TEXT
    )""",
    # No index on done_at: the table holds about a day of updates, read whole only at start
    # and when pruning, and every index would be one more page written per question.
    # AUTOINCREMENT: an id in an old button's callback data never comes to mean a new question,
    # even after every question has been pruned.
    """CREATE TABLE questions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        asked_at TEXT NOT NULL,
        chat_type TEXT NOT NULL,
        text TEXT NOT NULL,
        group_key TEXT NOT NULL,
        answered INTEGER NOT NULL CHECK (answered IN (0, 1)),
        cited_file TEXT,
        cited_position INTEGER,
        cited_text TEXT,
        score REAL,
        latency_ms REAL NOT NULL,
        user_hash TEXT,
        CHECK (answered = (cited_file IS NOT NULL))
    )""",
    # Covering for the daily figures: a report over a month reads the index alone.
    "CREATE INDEX questions_asked ON questions (asked_at, answered, latency_ms)",
    "CREATE INDEX questions_unanswered ON questions (asked_at) WHERE answered = 0",
    """CREATE TABLE votes (
        question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        value INTEGER NOT NULL CHECK (value IN (-1, 1)),
        voted_at TEXT NOT NULL,
        PRIMARY KEY (question_id, voter)
    ) WITHOUT ROWID""",
)


def _create_v1(db: sqlite3.Connection) -> None:
    """Version 1: updates, the question log, votes, and the salt for user hashes."""
    for statement in _V1:
        db.execute(statement)
    db.execute("INSERT INTO meta (key, value) VALUES ('salt', ?)", (new_salt(),))


def _count_replays_v2(db: sqlite3.Connection) -> None:
    """Version 2: how often each unfinished update was answered again after a restart.

    An update whose answering kills the process itself (a crash in a library, memory running
    out on one huge message) would otherwise be replayed, and kill it, at every start.
    """
    db.execute("ALTER TABLE updates ADD COLUMN replays INTEGER NOT NULL DEFAULT 0")


_UPDATES_V3 = """CREATE TABLE updates_v3 (
    seq INTEGER PRIMARY KEY,
    bot_id INTEGER,
    update_id INTEGER NOT NULL,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL,
    done_at TEXT,
    replays INTEGER NOT NULL DEFAULT 0,
    UNIQUE (bot_id, update_id)
)"""


def _key_updates_by_bot_v3(db: sqlite3.Connection) -> None:
    """Version 3: an update is known by its bot (``getMe``'s id) and its id, not its id alone.

    Each bot numbers its updates on its own, so two bots sharing one file (a test bot beside
    the production one) dropped each other's updates as redeliveries. SQLite cannot change a
    column's UNIQUE constraint in place, so the table is copied, every row kept with its
    ``seq`` (arrival order) and replay count. Rows from before have no bot (NULL): nobody
    recorded which bot they came from. The first bot to use the store adopts them all
    (``updates.adopt``), so for the usual one bot per file an update left unfinished by the
    old release is answered once and a redelivery of an answered one is still dropped. The
    UNIQUE index leads with ``bot_id``, so finding a bot's rows, or those with none, reads
    the index and never the table.
    """
    db.execute(_UPDATES_V3)
    db.execute(
        "INSERT INTO updates_v3 (seq, bot_id, update_id, payload, received_at, done_at, replays)"
        " SELECT seq, NULL, update_id, payload, received_at, done_at, replays FROM updates"
    )
    db.execute("DROP TABLE updates")
    db.execute("ALTER TABLE updates_v3 RENAME TO updates")


_REPLIES_V4 = """CREATE TABLE replies (
    bot_id INTEGER NOT NULL,
    chat TEXT NOT NULL,
    message_id INTEGER NOT NULL,
    reply_id INTEGER NOT NULL,
    question_id INTEGER,
    made_at TEXT NOT NULL,
    PRIMARY KEY (bot_id, chat, message_id)
) WITHOUT ROWID"""


_MEANINGS_V4 = """CREATE TABLE meanings (
    question_id INTEGER PRIMARY KEY,
    model TEXT NOT NULL,
    vector BLOB NOT NULL
)"""


def _link_replies_v4(db: sqlite3.Connection) -> None:
    """Version 4: which message answered which, edits and meaning in the question log.

    People fix a typo in a question and expect the answer to follow, after a restart too: so
    each answer's message is kept against the message it answered (``replies``), a week, and
    a question logged from an edited message names the logged question it replaces
    (``questions.edit_of``; NULL for every question before). The chat is kept as a salted
    hash, as users are: a private chat's id is its user's id. A question asked with the
    sentence model keeps its vector (``meanings``: float16, and the model's identity), so
    ``/unanswered`` groups questions by what they ask without running the model again; in a
    table of its own, so that the reports that scan ``questions`` do not read vectors too.
    """
    db.execute(_REPLIES_V4)
    db.execute("ALTER TABLE questions ADD COLUMN edit_of INTEGER")
    db.execute(_MEANINGS_V4)


_FEEDS_V5 = (
    """CREATE TABLE feeds (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        url TEXT NOT NULL UNIQUE,
        title TEXT,
        added_at TEXT NOT NULL,
        polled_at TEXT,
        etag TEXT,
        last_modified TEXT,
        error TEXT,
        error_at TEXT
    )""",
    """CREATE TABLE feed_entries (
        feed_id INTEGER NOT NULL,
        entry TEXT NOT NULL,
        file TEXT,
        taken_at TEXT NOT NULL,
        PRIMARY KEY (feed_id, entry)
    ) WITHOUT ROWID""",
)


def _follow_feeds_v5(db: sqlite3.Connection) -> None:
    """Version 5: the RSS and Atom feeds the bot follows, and the entries it has taken.

    Briefings arrive from feeds without an admin's hand, so what was taken must outlive a
    restart (or every entry would be fetched again), and the validators of the last poll
    (ETag, Last-Modified) make the next one conditional. Feeds belong to the knowledge, not to
    one bot: two bots on one store and one knowledge directory poll one list.
    """
    for statement in _FEEDS_V5:
        db.execute(statement)


_SUBSCRIPTIONS_V6 = (
    """CREATE TABLE subscriptions (
        bot_id INTEGER NOT NULL,
        chat_id INTEGER NOT NULL,
        chat_type TEXT NOT NULL,
        added_at TEXT NOT NULL,
        daily_hour INTEGER,
        daily_at TEXT,
        PRIMARY KEY (bot_id, chat_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE broadcasts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        bot_id INTEGER NOT NULL,
        made_at TEXT NOT NULL,
        text TEXT NOT NULL,
        markup TEXT,
        paths TEXT NOT NULL DEFAULT '[]'
    )""",
    """CREATE TABLE deliveries (
        broadcast_id INTEGER NOT NULL,
        chat_id INTEGER NOT NULL,
        state TEXT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0,
        changed_at TEXT NOT NULL,
        PRIMARY KEY (broadcast_id, chat_id)
    )""",
    "CREATE INDEX deliveries_waiting ON deliveries (state) WHERE state IN ('waiting', 'sending')",
)


def _subscribe_v6(db: sqlite3.Connection) -> None:
    """Version 6: chats subscribed to new briefings, and each announcement's deliveries.

    A subscription is a chat's own request to be written to, so its id is kept as it is (it is
    needed to send), per bot, until the chat unsubscribes or blocks the bot. A chat may ask for
    one daily digest at ``daily_hour`` (UTC) instead; ``daily_at`` is when its last was made,
    and each announcement keeps the briefings it announced (``paths``) for those digests. An
    announcement is planned in one transaction with a delivery for every subscriber at that
    moment, and each delivery goes waiting -> sending -> sent, each step written before the
    next: a crash mid-broadcast leaves the waiting ones for the restart, and never sends one
    twice.
    """
    for statement in _SUBSCRIPTIONS_V6:
        db.execute(statement)


def _lease_updates_v7(db: sqlite3.Connection) -> None:
    """Version 7: which replica is answering an update (``leased_by``), and until when.

    Replicas of one bot share a PostgreSQL store; one killed mid-update must leave its updates
    to the others, and no replica may take another's live ones. A replica records an update
    with a lease it renews while it works; another takes it over once the lease has run out.
    A store in one file has one process, so its updates carry no lease (both stay NULL) and a
    start answers everything left unfinished, as before.
    """
    db.execute("ALTER TABLE updates ADD COLUMN leased_by TEXT")
    db.execute("ALTER TABLE updates ADD COLUMN lease_until TEXT")


def _pace_sends_v8(db: sqlite3.Connection) -> None:
    """Version 8: when each bot may send next, shared by its replicas.

    Telegram caps a bot's sends (about 30 a second), not a process's: replicas sharing a store
    reserve each send's moment in one row (``next_at``, seconds since the epoch), so that
    their sum keeps the pace. A file is one process's, which paces itself: the table stays
    empty, and exists so that a version means the same tables in both stores.
    """
    db.execute("CREATE TABLE send_pace (bot_id INTEGER PRIMARY KEY, next_at REAL NOT NULL)")


def _keep_knowledge_v9(db: sqlite3.Connection) -> None:
    """Version 9: the knowledge files themselves, one version raised by each change, and turns.

    Replicas sharing a PostgreSQL store answer from the same knowledge: each keeps a copy of
    the directory and follows the store's (``bot.store.knowledge``). A file is one process's,
    whose directory is the knowledge: the tables stay empty, and exist so that a version means
    the same tables in both stores.
    """
    db.execute(
        "CREATE TABLE knowledge_files (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL,"
        " data BLOB NOT NULL, changed_at TEXT NOT NULL, changed_by TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE knowledge_version (id INTEGER PRIMARY KEY CHECK (id = 1),"
        " version INTEGER NOT NULL, changed_at TEXT NOT NULL, changed_by TEXT NOT NULL)"
    )
    # Work one replica does for all, such as polling the feeds: whose turn until when.
    db.execute(
        "CREATE TABLE turns (name TEXT PRIMARY KEY, next_at REAL NOT NULL, taken_by TEXT NOT NULL)"
    )


MIGRATIONS: tuple[Migration, ...] = (
    _create_v1,
    _count_replays_v2,
    _key_updates_by_bot_v3,
    _link_replies_v4,
    _follow_feeds_v5,
    _subscribe_v6,
    _lease_updates_v7,
    _pace_sends_v8,
    _keep_knowledge_v9,
)


def inspect(db: sqlite3.Connection, path: Path, known: int) -> int:
    """The file's schema version (0 for an empty file), reading only.

    Raises ``StoreDamagedError`` for anything that is not a sound state store and
    ``StoreVersionError`` for one newer than ``known``. One read transaction, so a store another
    process is creating at this moment is seen before or after, never halfway.
    """
    try:
        db.execute("BEGIN")
        return _inspect(db, path, known)
    except sqlite3.DatabaseError as error:
        raise StoreDamagedError(path, str(error)) from error
    finally:
        _rollback(db)


def _inspect(db: sqlite3.Connection, path: Path, known: int) -> int:
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        application = db.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise StoreDamagedError(path, str(error)) from error
    if not tables and application == 0:
        return 0
    if application != APPLICATION_ID or "schema_version" not in tables:
        raise StoreDamagedError(path, "an SQLite database of another program")
    version = _version(db, path)
    if version > known:
        raise StoreVersionError(path, version, known)
    _check_pages(db, path)
    return version


def _version(db: sqlite3.Connection, path: Path) -> int:
    try:
        rows = db.execute("SELECT version FROM schema_version").fetchall()
    except sqlite3.DatabaseError as error:
        raise StoreDamagedError(path, str(error)) from error
    if len(rows) != 1 or not isinstance(rows[0][0], int) or rows[0][0] < 1:
        raise StoreDamagedError(path, f"unreadable schema version {[r[0] for r in rows]}")
    return int(rows[0][0])


def _check_pages(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a torn or truncated file at start, not halfway through some later question."""
    try:
        problems = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as error:
        raise StoreDamagedError(path, str(error)) from error
    if problems != ["ok"]:
        raise StoreDamagedError(path, "; ".join(problems))


def migrate(db: sqlite3.Connection, path: Path, migrations: Sequence[Migration]) -> int:
    """Apply every migration the file lacks, each in its own transaction; the final version.

    An up-to-date file is only read, so a report can open a store on a read-only disk.
    """
    while True:
        version = _version(db, path) if _has_versions(db) else 0
        if version >= len(migrations):
            return version
        db.execute("BEGIN IMMEDIATE")  # re-read under the write lock: another opener may lead
        try:
            version = _version(db, path) if _has_versions(db) else 0
            if version >= len(migrations):
                db.execute("COMMIT")
                return version
            _step(db, migrations[version], version + 1)
            db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            _rollback(db)
            reason = f"cannot bring the schema to version {version + 1}: {error}"
            raise StoreError(path, reason) from error
        except BaseException:
            _rollback(db)
            raise


def _has_versions(db: sqlite3.Connection) -> bool:
    found = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_version'").fetchone()
    return found is not None


def _step(db: sqlite3.Connection, migration: Migration, version: int) -> None:
    if version == 1:
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.execute("INSERT INTO schema_version (version) VALUES (0)")
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migration(db)
    db.execute("UPDATE schema_version SET version = ?", (version,))


def _rollback(db: sqlite3.Connection) -> None:
    if db.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
