"""Errors raised by the answer engine.

The hierarchy is small on purpose::

    BriefingBotError             anything the engine refuses to do, with a message for people
    ├── KnowledgeFileError       one knowledge file is unusable (names the file, maybe the line)
    ├── KnowledgeDirectoryError  a knowledge directory has problems; lists every file error
    ├── ExtractionError          a PDF or web page whose text cannot be got out (no text layer,
    │                            encrypted, damaged, no article); the loader reports it as a
    │                            KnowledgeFileError naming the file
    ├── QuestionError            a question that cannot be asked at all (empty, too long)
    └── ModelError               a sentence model that cannot be used (the engine then answers
                                 by words alone)

"No answer" is not an error: the answerer returns an ``Answer`` with no matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class BriefingBotError(Exception):
    """Base class: ``str(error)`` is one line fit to show an admin or a user."""


class KnowledgeFileError(BriefingBotError):
    """A knowledge file that cannot be loaded, with where and why."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")

    def __reduce__(self) -> tuple[type[KnowledgeFileError], tuple[str, str, int | None]]:
        """Pickle by the constructor's arguments (a build in another process raises these)."""
        return type(self), (self.path, self.reason, self.line)


class KnowledgeDirectoryError(BriefingBotError):
    """A knowledge directory that cannot be served as a whole.

    Loading is all or nothing, so this carries every problem found, not just the first.
    """

    def __init__(self, directory: Path | str, problems: Sequence[KnowledgeFileError | str]):
        self.directory = str(directory)
        self.problems = [str(p) for p in problems]
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        detail = "; ".join(self.problems)
        super().__init__(f"knowledge directory {self.directory}: {count} {noun}: {detail}")

    def __reduce__(self) -> tuple[type[KnowledgeDirectoryError], tuple[str, list[str]]]:
        """Pickle by the constructor's arguments (a build in another process raises these)."""
        return type(self), (self.directory, self.problems)


class ExtractionError(BriefingBotError):
    """A PDF or a web page that yields no text to index, and why, in one line.

    Raised by the extractors, which see bytes and no file name (a page fetched by URL has
    none): whoever knows the name wraps it, as the loader does in a ``KnowledgeFileError``.
    """


class QuestionError(BriefingBotError):
    """A question that cannot be asked, such as an empty one."""


class ModelError(BriefingBotError):
    """A sentence model that cannot be used: missing, damaged, foreign or unreadable.

    ``str(error)`` is one line naming the path and the reason. The engine answers lexically
    when it gets one, so the message is for the admin's log, never a traceback.
    """

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"sentence model {self.path}: {reason}")

    def __reduce__(self) -> tuple[type[ModelError], tuple[str, str]]:
        """Pickle by the constructor's arguments (a build in another process raises these)."""
        return type(self), (self.path, self.reason)
