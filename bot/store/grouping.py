"""Unanswered questions grouped by what they ask, not only by the words they use.

"apple pie recipe?", "What is the recipe for apple pie?" and "what's a good recipe for apple
pie" are one question. Those that search the same terms are one group (``group_key``). With
the sentence model a question also keeps its vector, and groups that mean the same are
merged: their questions' cosine is at least ``SAME_MEANING`` and they name the same names.
The names matter because meaning alone reads "the president of Armenia" and "the president of
Azerbaijan" as nearly one question (cosine 0.78 with all-MiniLM-L6-v2, 0.84 with
all-mpnet-base-v2), closer than "the currency of Armenia" is to "what money do they use in
Armenia" (0.80, 0.81). Vectors of different models are never compared.

Groups are merged greedily, the most asked first, each into the closest earlier one that
matches: ``MERGED_GROUPS`` of them at most, the most asked and latest, so a report over a
large log stays a fraction of a second (the rest keep their groups by terms).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SAME_MEANING = 0.8
MERGED_GROUPS = 2000
_WORD = re.compile(r"[\w'\u2019-]+")


@dataclass
class Asked:
    """The latest question of a group, as the report reads it; ``asked_at`` as stored."""

    id: int
    text: str
    asked_at: str
    meaning: bytes | None = None
    meaning_model: str | None = None


@dataclass
class Group:
    """Questions grouped by their terms (``key``): how many, and the latest of them."""

    key: str
    count: int
    latest: Asked

    def order(self) -> tuple[int, int]:
        """Most asked first, then the latest asked."""
        return (-self.count, -self.latest.id)


def names(text: str) -> frozenset[str]:
    """The capitalised words after the first: what a question names."""
    words = _WORD.findall(text)
    return frozenset(w.lower() for w in words[1:] if w[:1].isupper())


def _vector(asked: Asked) -> npt.NDArray[np.float32] | None:
    if asked.meaning is None:
        return None
    return np.frombuffer(asked.meaning, dtype=np.float16).astype(np.float32)


def merge(groups: list[Group]) -> list[Group]:
    """``groups`` (most asked first) with those that mean the same merged, most asked first.

    Only the first ``MERGED_GROUPS`` are compared; the rest keep their groups by terms.
    """
    merged = _merge(groups[:MERGED_GROUPS]) + groups[MERGED_GROUPS:]
    return sorted(merged, key=Group.order)


def _merge(groups: list[Group]) -> list[Group]:
    """Merge each group into the closest earlier one that means the same and names the same."""
    kept: list[Group] = []
    leaders: dict[str, tuple[npt.NDArray[np.float32], list[int]]] = {}  # model -> vectors, kept
    for candidate in groups:
        vector, model = _vector(candidate.latest), candidate.latest.meaning_model
        if vector is None or model is None:
            kept.append(candidate)
            continue
        if model not in leaders:
            leaders[model] = (np.zeros((len(groups), vector.size), dtype=np.float32), [])
        matrix, owners = leaders[model]
        into = None
        if owners and matrix.shape[1] == vector.size:
            cosines = matrix[: len(owners)] @ vector
            close = np.flatnonzero(cosines >= SAME_MEANING)
            asked_names = names(candidate.latest.text)
            for at in close[np.argsort(-cosines[close])]:
                leader = kept[owners[at]]
                if names(leader.latest.text) == asked_names:
                    into = leader
                    break
        if into is None:
            if matrix.shape[1] == vector.size:
                matrix[len(owners)] = vector
                owners.append(len(kept))
            kept.append(candidate)
            continue
        into.count += candidate.count
        if candidate.latest.id > into.latest.id:
            into.latest = candidate.latest  # its example, the latest; the leader's vector stays
    return kept
