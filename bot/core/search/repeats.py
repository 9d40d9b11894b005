"""Which sentences may repeat one another: a fingerprint of each sentence's terms, made once.

Daily briefings repeat sentences word for word, and a repeat is quoted once, from the newest
briefing (``ranking.recency``). Two copies of a sentence (whitespace and case aside) hold the
same terms, each as often, so they have the same fingerprint: each term's count times a fixed
random weight of that term, summed. Nearly every sentence's fingerprint is its own, which one
look-up tells; the sentences of each shared one are kept together, so a sentence's candidates
are one slice away, and only their texts are compared. Made in one sparse product and one sort
(about a tenth of a second at a million sentences), so a quote costs microseconds whether or
not its sentence repeats.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from bot.core.search.postings import Ints

SEED = 20251118
# Weights below 2**40: a sum of a sentence's terms stays far from overflowing 64 bits, while
# unrelated sentences rarely share a fingerprint (and a shared one is only a candidate).
WEIGHT_LIMIT = 2**40


class Fingerprints:
    """The groups of sentences that share a fingerprint, and each sentence's group (or -1)."""

    def __init__(self, counts: sp.csr_matrix) -> None:
        rng = np.random.default_rng(SEED)
        weights = rng.integers(1, WEIGHT_LIMIT, size=counts.shape[1], dtype=np.int64)
        prints = counts.astype(np.int64) @ weights if counts.shape[0] else _no_ints()
        order = np.argsort(prints, kind="stable")
        ranked = prints[order]
        starts = np.flatnonzero(np.diff(ranked, prepend=ranked[:1] - 1))  # each new fingerprint
        sizes = np.diff(np.append(starts, len(ranked)))
        shared = (sizes > 1) & (ranked[starts] != 0)  # no terms ("It is."): never a repeat
        # The sentences of each shared fingerprint, ascending (the sort is stable), end to end.
        members = np.repeat(shared, sizes)
        self._ids: Ints = order[members]
        self._starts: Ints = np.append(0, np.cumsum(sizes[shared])).astype(np.int64)
        self.group: npt.NDArray[np.int32] = np.full(len(ranked), -1, dtype=np.int32)
        self.group[self._ids] = np.repeat(np.arange(shared.sum(), dtype=np.int32), sizes[shared])

    def alike(self, sentence: int) -> list[int]:
        """The sentences with ``sentence``'s fingerprint, itself included, in knowledge order."""
        group = int(self.group[sentence])
        if group < 0:
            return [sentence]
        ids: list[int] = self._ids[self._starts[group] : self._starts[group + 1]].tolist()
        return ids


def _no_ints() -> Ints:
    return np.zeros(0, dtype=np.int64)
