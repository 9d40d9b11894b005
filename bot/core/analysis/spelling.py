"""Mend misspelt question words against the knowledge base's own vocabulary.

People type "Ghengis" and "Univeristy". A word of the question that the knowledge never uses,
but that is one or two edits away from a word it does use, is read as that word. Matching is
done by rapidfuzz (C++ Levenshtein), and only for unknown words, so the common case costs
nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

_MIN_LENGTH = 7  # shorter words have too many one-edit neighbours ("send", "end")
_LONG_WORD = 10  # from this length on, two edits are still a confident guess


class Speller:
    """Closest known word for an unknown one, preferring frequent words on ties."""

    def __init__(self, words: Iterable[str]) -> None:
        self._by_length: dict[int, list[str]] = {}
        self._add(Counter(w for w in words if len(w) >= _MIN_LENGTH - 1 and w.isalpha()))

    @classmethod
    def from_counts(cls, counts: Mapping[str, int]) -> Speller:
        """The speller ``Speller(words)`` would make, from counts in first-seen order.

        Indexing counts words while it tokenises, in one pass over the sentences.
        """
        speller = cls(())
        speller._add(
            Counter({w: n for w, n in counts.items() if len(w) >= _MIN_LENGTH - 1 and w.isalpha()})
        )
        return speller

    def _add(self, counts: Counter[str]) -> None:
        for word, _ in counts.most_common():
            self._by_length.setdefault(len(word), []).append(word)

    def correct(self, word: str) -> str | None:
        """The known word ``word`` was probably meant to be, or ``None``."""
        if len(word) < _MIN_LENGTH or not word.isalpha():
            return None
        limit = 2 if len(word) >= _LONG_WORD else 1
        best: tuple[int, str] | None = None
        for length in range(len(word) - limit, len(word) + limit + 1):
            candidates = self._by_length.get(length)
            if not candidates:
                continue
            found = process.extractOne(
                word, candidates, scorer=Levenshtein.distance, score_cutoff=limit
            )
            if found is not None and (best is None or found[1] < best[0]):
                best = (int(found[1]), str(found[0]))
        return best[1] if best else None
