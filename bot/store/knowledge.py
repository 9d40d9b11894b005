"""The knowledge files kept in the store, for replicas that must all answer from the same.

With PostgreSQL, several replicas serve one bot, each from its own copy of the knowledge
directory. The store holds the files themselves (knowledge files and their ``.originals``, by
their path relative to the directory) and one version number, raised by every change: a
replica that changed its directory publishes the files it changed, and the others, told of the
new version, copy them and reload. These functions run inside the caller's transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from bot.store.connection import Db
from bot.store.models import KnowledgeSnapshot


def digest(data: bytes) -> str:
    """The hex SHA-256 of a file's bytes, as the store and the index cache key files by."""
    return hashlib.sha256(data).hexdigest()


def version(db: Db) -> int:
    """The knowledge's version: 0 while no replica has put any knowledge into the store."""
    row = db.execute("SELECT version FROM knowledge_version WHERE id = 1").fetchone()
    return 0 if row is None else int(row[0])


def snapshot(db: Db, have: Mapping[str, str]) -> KnowledgeSnapshot:
    """The store's files: every path's digest, and the bytes of those ``have`` lacks.

    ``have`` maps the caller's paths to their digests, so that a file it already holds is
    not sent again. Run in one read transaction, the version and the files agree.
    """
    current = version(db)
    digests = {
        str(path): str(sha)
        for path, sha in db.execute("SELECT path, sha256 FROM knowledge_files").fetchall()
    }
    wanted = sorted(p for p, sha in digests.items() if have.get(p) != sha)
    data: dict[str, bytes] = {}
    for path in wanted:
        row = db.execute("SELECT data FROM knowledge_files WHERE path = ?", (path,)).fetchone()
        data[path] = bytes(row[0])
    return KnowledgeSnapshot(version=current, digests=digests, data=data)


def publish(
    db: Db,
    changes: Mapping[str, bytes | None],
    now: str,
    by: str,
    *,
    mirror: bool = False,
    seed: bool = False,
) -> int | None:
    """Write ``changes`` (``None`` removes a path) and raise the version; the new version.

    ``mirror``: the paths ``changes`` does not name are removed, so the store holds exactly
    those files. ``seed``: only into a store that never held knowledge (``None`` otherwise),
    so that replicas starting together put their folder in once, not each in turn.
    """
    if seed:
        row = db.execute(
            "INSERT INTO knowledge_version (id, version, changed_at, changed_by)"
            " VALUES (1, 1, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING version",
            (now, by),
        ).fetchone()
        if row is None:
            return None
        new = int(row[0])
    else:
        # The upsert takes the row's lock: publishers wait for each other, in turn.
        new = int(
            db.execute(
                "INSERT INTO knowledge_version (id, version, changed_at, changed_by)"
                " VALUES (1, 1, ?, ?) ON CONFLICT (id) DO UPDATE"
                " SET version = knowledge_version.version + 1,"
                " changed_at = excluded.changed_at, changed_by = excluded.changed_by"
                " RETURNING version",
                (now, by),
            ).fetchone()[0]
        )
    if mirror:
        kept = set(changes)
        for (path,) in db.execute("SELECT path FROM knowledge_files").fetchall():
            if str(path) not in kept:
                db.execute("DELETE FROM knowledge_files WHERE path = ?", (path,))
    for path, data in sorted(changes.items()):
        if data is None:
            db.execute("DELETE FROM knowledge_files WHERE path = ?", (path,))
            continue
        db.execute(
            "INSERT INTO knowledge_files (path, sha256, data, changed_at, changed_by)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET sha256 = excluded.sha256,"
            " data = excluded.data, changed_at = excluded.changed_at,"
            " changed_by = excluded.changed_by WHERE knowledge_files.sha256 <> excluded.sha256",
            (path, digest(data), data, now, by),
        )
    return new


def take_turn(db: Db, name: str, now: float, every: float, by: str) -> bool:
    """Whether ``by`` takes the turn ``name`` now; if so, nobody else does for ``every`` s.

    One statement, so replicas asking at once are ordered by the row's lock.
    """
    row = db.execute(
        "INSERT INTO turns (name, next_at, taken_by) VALUES (?, ?, ?) ON CONFLICT (name)"
        " DO UPDATE SET next_at = excluded.next_at, taken_by = excluded.taken_by"
        " WHERE turns.next_at <= ? RETURNING name",
        (name, now + every, by, now),
    ).fetchone()
    return row is not None
