"""``python -m bot knowledge push DIR | pull DIR``: a folder into and out of the store's knowledge.

Replicas on one PostgreSQL store answer from the knowledge it holds (``bot.shared_knowledge``).
``push`` makes a folder that knowledge, once it loads as the bot would load it: every replica
is told and reloads. ``pull`` copies the store's knowledge into a folder (made if missing), to
look at, edit and push again; files it replaces or removes go into the folder's ``.trash``.
With a store in a file there is one bot, whose knowledge is its directory: both refuse.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.core import BriefingBotError, counted
from bot.shared_knowledge import pull, push
from bot.store import StoreError, is_postgres_url, open_state_store, utc_now


def run_knowledge(
    action: str, directory: Path, settings: Settings, target: Path | str | None, out: TextIO
) -> int:
    """Push ``directory`` into the store at ``target`` (else ``STATE_DB``), or pull it out."""
    where = target or settings.state_store()
    if not isinstance(where, str) or not is_postgres_url(where):
        raise BriefingBotError(
            "knowledge lives in the store only with PostgreSQL (STATE_DB=postgresql://...);"
            " with a store in a file, the knowledge directory is the bot's knowledge"
        )
    try:
        with open_state_store(where) as store:
            if action == "push":
                version, files = push(store, directory, max_bytes=settings.max_file_bytes)
                print(
                    f"pushed {directory}: {counted(files, 'file')}, knowledge version {version};"
                    " every replica reloads from it",
                    file=out,
                )
                return 0
            applied = pull(store, directory, utc_now())
    except StoreError as exc:
        raise BriefingBotError(str(exc)) from None
    changed = f"{counted(len(applied.written), 'file')} written"
    if applied.removed:
        changed += f", {counted(len(applied.removed), 'file')} removed"
    if applied.trashed is not None:
        changed += f" (what they replaced is in {applied.trashed.folder})"
    print(f"pulled knowledge version {applied.version} into {directory}: {changed}", file=out)
    return 0
