"""A stand-in for the sentence model: meaning from a small table of synonyms, in microseconds.

Each word but a stop word is mapped to a concept (itself, unless ``synonyms`` says
otherwise), and a text's vector is its normalised bag of concepts hashed into ``dimension``
slots; a word's state (``encode_tokens``) is its concept's slot alone. So "burn" and "alight"
can mean the same while nothing else does: enough to test what the engine does with meaning
(fusion, abstention, alignment, caching) without the real model.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from bot.core.analysis.encoder import TokenStates
from bot.core.lexicon import STOP_WORDS

_WORD = re.compile(r"[a-z0-9]+")


class FakeEncoder:
    """Unit vectors of concepts; counts what it was asked to encode."""

    def __init__(self, synonyms: Mapping[str, str] | None = None, dimension: int = 256) -> None:
        self.synonyms = dict(synonyms or {})
        self.dimension = dimension
        self.identity = (
            "fake-" + hashlib.sha256(repr(sorted(self.synonyms.items())).encode()).hexdigest()[:12]
        )
        self.encoded: list[str] = []

    def _slot(self, word: str) -> int:
        concept = self.synonyms.get(word, word)
        return int(hashlib.sha256(concept.encode()).hexdigest(), 16) % self.dimension

    def encode(
        self, texts: Sequence[str], *, progress: Callable[[int, int], None] | None = None
    ) -> npt.NDArray[np.float32]:
        """One unit vector a text (a zero text gets a fixed unit vector)."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            self.encoded.append(text)
            for word in _WORD.findall(text.lower()):
                if word in STOP_WORDS:
                    continue
                vectors[row, self._slot(word)] += 1.0
            norm = float(np.linalg.norm(vectors[row]))
            if norm:
                vectors[row] /= norm
            else:
                vectors[row, 0] = 1.0
        if progress is not None:
            progress(len(texts), len(texts))
        return vectors

    def encode_tokens(self, text: str) -> TokenStates:
        """The text's vector, and each word as one piece whose state is its concept.

        Not counted in ``encoded``: that counts embedding work, and this reads one text.
        """
        words = tuple(_WORD.findall(text.lower()))
        states = np.zeros((len(words), self.dimension), dtype=np.float32)
        for row, word in enumerate(words):
            states[row, self._slot(word)] = 1.0
        vector = self.encode([text])[0]
        self.encoded.pop()
        return TokenStates(vector, words, states)
