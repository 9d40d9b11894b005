"""Errors raised by the state store.

The hierarchy is small on purpose::

    StoreError               the store cannot do what was asked; ``str(error)`` is one line
    ├── StoreDamagedError    the file is not a state store, or is damaged (never touched)
    ├── StoreVersionError    the file was written by newer code (never touched)
    └── StoreWriteError      updates could not be recorded durably (a full disk, an I/O error)

Only opening and ``record_updates`` raise on a failed write: the question log and votes are
worth less than an answer, so their failures are logged once and the bot carries on. The store
does not import the engine, so these do not derive from ``bot.core.BriefingBotError``.
"""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base class: ``str(error)`` is one line naming the file, fit for an admin's log."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"state store {self.path}: {reason}")


class StoreDamagedError(StoreError):
    """Not a state store, or a damaged one: the bot refuses it rather than overwrite it."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(
            path, f"not a state store / damaged: {reason}; move it aside to start afresh"
        )
        self.reason = reason


class StoreVersionError(StoreError):
    """A store from newer code: older code could misread it, so it is left as it is."""

    def __init__(self, path: Path | str, found: int, known: int) -> None:
        self.found = found
        self.known = known
        super().__init__(
            path,
            f"schema version {found} is newer than this code knows ({known});"
            " upgrade briefing-bot or point it at another file",
        )


class StoreWriteError(StoreError):
    """Updates were not recorded: the caller should still answer them, just without a net.

    Raised by ``record_updates`` only. Telegram has already delivered the updates; if the caller
    processed nothing when the disk is full, the bot would go silent, so it answers them and a
    crash before it finishes loses them, exactly as before the store existed.
    """
