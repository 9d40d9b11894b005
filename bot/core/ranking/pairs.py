"""A bonus for keeping two of the question's words side by side, as in "Lachin corridor".

BM25 treats a sentence as a bag of words; a sentence that keeps two question terms adjacent,
in the question's order, is more likely about the same thing. The pairs of every sentence are
found when the index is built (``IndexArrays.pair_keys``); here a question's pairs are looked up.
"""

from __future__ import annotations

import itertools

import numpy as np

from bot.core.search.index import SentenceIndex
from bot.core.search.postings import Ints


def pair_hits(index: SentenceIndex, terms: tuple[str, ...]) -> list[tuple[Ints, float]]:
    """Sentences keeping each of the question's word pairs, with the pair's bonus.

    The bonus is the mean weight of the pair's two terms.
    """
    found = []
    arrays = index.arrays
    width = len(arrays.terms)
    keys, ptr = arrays.pair_keys, arrays.pair_ptr
    for first, second in dict.fromkeys(itertools.pairwise(terms)):
        a, b = index.term_id(first), index.term_id(second)
        if a is None or b is None:
            continue
        at = int(np.searchsorted(keys, a * width + b))
        if at < len(keys) and keys[at] == a * width + b:
            weight = index.sentences.weight(first) + index.sentences.weight(second)
            found.append((arrays.pair_sentences[ptr[at] : ptr[at + 1]], weight / 2))
    return found
