"""Knowledge directories of a given size, made from real text by repeating the SQuAD articles.

Each copy of an article gets its own file name and so its own title ("Super Bowl 50 v7"), so
copies are distinct documents, as yearly briefings on the same topics would be; their
sentences repeat word for word, which is the hard case for ranking (many exact ties).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from bot.core.ingest.loading import knowledge_files, load_knowledge

MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Corpus:
    """A generated knowledge directory and how it was made."""

    directory: Path
    copies: int
    files: int
    sentences: int

    def describe(self, source: Path) -> str:
        """One line saying how the corpus was made."""
        articles = self.files // self.copies
        return (
            f"{self.sentences:,} sentences = {self.copies} copies of the {articles} articles in"
            f" {source} (file names and titles numbered per copy, text unchanged)"
        )


def make_corpus(source: Path, target: int, root: Path) -> Corpus:
    """Write (once) a directory of about ``target`` sentences under ``root``."""
    files = knowledge_files(source)
    per_copy = load_knowledge(source, max_bytes=MAX_BYTES).sentence_count
    copies = max(1, round(target / per_copy))
    directory = root / f"squad-x{copies}"
    done = directory / ".complete"
    if not done.exists():
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        for copy in range(1, copies + 1):
            for path in files:
                name = f"{path.stem}_v{copy}{path.suffix}"  # title "Super Bowl 50 v3"
                (directory / name).write_bytes(path.read_bytes())
        done.write_text("ok\n")
    return Corpus(directory, copies, copies * len(files), copies * per_copy)
