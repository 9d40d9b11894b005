"""BM25 over every sentence, with its neighbours, paragraph and headings as context.

A sentence alone often lacks the words of the question: "Who guards it?" is answered by a
sentence whose neighbour, paragraph or section names "it". So each sentence is scored on several
fields with BM25Okapi (rank-bm25's formulas are the reference for what a score is): the
sentence, a window of it and its neighbours, its paragraph, and its headings (document title and
section). The fields' scores are precomputed by term (``postings``) and added up for a question
by ``scoring``; this module holds them together with what the rest of the engine asks of the
index: which terms the knowledge uses, what a sentence or its paragraph vouches for, and where
each sentence comes from (``sentence_table``).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from bot.core.analysis.entities import AnswerType
from bot.core.analysis.spelling import Speller
from bot.core.ingest.documents import KnowledgeBase
from bot.core.search.build import IndexArrays, build_arrays
from bot.core.search.postings import Postings
from bot.core.search.repeats import Fingerprints
from bot.core.search.scoring import Fields
from bot.core.search.sentence_table import Entries, text_key


class Bm25Field:
    """One BM25Okapi field: scores by term, and how much a term says in it."""

    def __init__(self, postings: Postings, vocabulary: dict[str, int]) -> None:
        self.postings = postings
        self.size = postings.size
        self._vocabulary = vocabulary

    def knows(self, term: str) -> bool:
        """Whether any document holds ``term``."""
        i = self._vocabulary.get(term)
        return i is not None and bool(self.postings.df[i])

    def weight(self, term: str) -> float:
        """How much a term says, always positive: rarer terms weigh more, unknown ones most."""
        i = self._vocabulary.get(term)
        n = int(self.postings.df[i]) if i is not None else 0
        return math.log(1.0 + (self.size - n + 0.5) / (n + 0.5))


class SentenceIndex:
    """The fields every sentence is scored on, over one knowledge base."""

    def __init__(self, base: KnowledgeBase, arrays: IndexArrays | None = None) -> None:
        self.base = base
        self.arrays = arrays = arrays or build_arrays(base)
        self.entries = Entries(base, arrays.heading_of)
        self._vocabulary = vocabulary = {t: i for i, t in enumerate(arrays.terms)}
        self.sentences = Bm25Field(arrays.sentences, vocabulary)
        self.windows = Bm25Field(arrays.windows, vocabulary)
        self.paragraphs = Bm25Field(arrays.paragraphs, vocabulary)
        self.headings = Bm25Field(arrays.headings, vocabulary)
        self.fields = Fields(
            arrays.sentences,
            arrays.windows,
            arrays.paragraphs,
            arrays.headings,
            self.entries.paragraph_of,
            self.entries.paragraph_start,
            arrays.heading_of,
        )
        self.holds: dict[AnswerType, npt.NDArray[np.bool_]] = arrays.holds
        self.speller = Speller.from_counts(arrays.word_counts)
        self.fingerprints = Fingerprints(arrays.sentence_terms)

    def __len__(self) -> int:
        return len(self.entries)

    def term_id(self, term: str) -> int | None:
        """The id of a term the index has seen, else ``None``."""
        return self._vocabulary.get(term)

    def term_ids(self, terms: tuple[str, ...] | list[str]) -> list[int]:
        """Ids of the known ``terms``, in order, repeats kept (BM25 counts them)."""
        return [i for t in terms if (i := self._vocabulary.get(t)) is not None]

    def knows(self, term: str) -> bool:
        """Whether the knowledge uses ``term`` in a sentence or a heading."""
        return self.sentences.knows(term) or self.headings.knows(term)

    def in_paragraph(self, terms: tuple[str, ...] | list[str], sentence: int) -> set[str]:
        """Those of ``terms`` that the sentence's paragraph holds."""
        paragraph = int(self.entries.paragraph_of[sentence])
        first, end = self.entries.paragraph_start[paragraph : paragraph + 2]
        rows = self.arrays.sentence_terms
        held = set(rows.indices[rows.indptr[first] : rows.indptr[end]].tolist())
        return {t for t in terms if self._vocabulary.get(t, -1) in held}

    def own_terms(self, sentence: int) -> set[str]:
        """Terms the sentence itself holds, without its headings'."""
        rows = self.arrays.sentence_terms
        found = rows.indices[rows.indptr[sentence] : rows.indptr[sentence + 1]].tolist()
        return {self.arrays.terms[i] for i in found}

    def evidence(self, sentence: int) -> set[str]:
        """Terms a sentence can vouch for: its own and its headings'."""
        rows = self.arrays.sentence_terms
        heads = self.arrays.heading_terms
        heading = int(self.arrays.heading_of[sentence])
        found = rows.indices[rows.indptr[sentence] : rows.indptr[sentence + 1]].tolist()
        found += heads.indices[heads.indptr[heading] : heads.indptr[heading + 1]].tolist()
        return {self.arrays.terms[i] for i in found}

    def copies(self, sentence: int) -> list[int]:
        """Every sentence whose text is ``sentence``'s, whitespace and case aside (itself too).

        Only sentences with the same terms can be copies (``repeats``); their texts decide.
        """
        alike = self.fingerprints.alike(sentence)
        if len(alike) == 1:
            return alike
        text = self.entries.text(sentence)
        texts = [self.entries.text(i) for i in alike]
        if all(t == text for t in texts):
            return alike
        key = text_key(text)
        return [i for i, t in zip(alike, texts, strict=True) if t == text or text_key(t) == key]
