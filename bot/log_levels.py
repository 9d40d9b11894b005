"""Log levels shared by the command line and the bot.

The extraction libraries (pypdf for PDFs; trafilatura and its helpers for web pages) log
warnings about a bad file without naming it, just before the bot reports the same file in one
line, with its name and the reason. Their warnings add nothing an admin can act on.
"""

from __future__ import annotations

import logging

SILENT_LOGGERS = ("pypdf", "trafilatura", "htmldate", "courlan")


def silence_extractors(level: int) -> None:
    """Let the extraction libraries log only errors (or ``level``, if that is stricter)."""
    for name in SILENT_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.ERROR, level))
