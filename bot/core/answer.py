"""Questions in, cited sentences out, or no answer when the knowledge does not hold one.

Ranking adds a sentence's BM25 score to weighted BM25 scores of its context (neighbours,
paragraph, headings) and a bonus for the question's words side by side (see ``index``), then
favours sentences holding the kind of answer asked for (see ``answer_types``). The answerer
declines when the best sentence (with its headings) holds too little of the question's term
weight: a quote that shares one common word with the question misleads more than "the briefing
does not say".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from bot.core.answer_types import Wanted, asked_type, wanted
from bot.core.cache import load_indexed
from bot.core.errors import QuestionError
from bot.core.index import Entry, Scores, SentenceIndex
from bot.core.indexing import IndexArrays
from bot.core.knowledge import KnowledgeBase, load_knowledge
from bot.core.models import Answer, AnswerOptions, Match
from bot.core.scoring import best_first, top
from bot.core.sparse import Ints

MAX_QUESTION_CHARS = 1000
REFINE_DEPTH = 30  # candidates checked for the fine answer type
# Runs of capitalised words after the first ("Great Britain"), and acronyms: the names a
# question is about.
_NAME = re.compile(
    r"(?<=[\s\"'(\u201c])[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*|\b[A-Z]{2,}\b"
)


class Answerer:
    """Answers questions from one loaded knowledge base; immutable, so safe to swap whole."""

    def __init__(
        self,
        base: KnowledgeBase,
        options: AnswerOptions | None = None,
        arrays: IndexArrays | None = None,
    ) -> None:
        self.base = base
        self.options = options or AnswerOptions()
        self.index = SentenceIndex(base, arrays)

    def coverage(self, terms: Sequence[str], sentence: int, *, paragraph: bool = False) -> float:
        """Share of the question's term weight that a sentence and its headings contain.

        With ``paragraph``, terms its paragraph holds count too.
        """
        unique = set(terms)
        weights = {t: self.index.sentences.weight(t) for t in unique}
        total = sum(weights.values())
        if not total:
            return 0.0
        found = self.index.evidence(sentence)
        if paragraph:
            found |= self.index.in_paragraph(list(unique), sentence)
        return sum(w for t, w in weights.items() if t in found) / total

    def missing_names(self, question: str, sentence: int) -> list[str]:
        """Names in the question that the sentence's paragraph and headings never mention.

        A question about NATO put to a briefing that never names NATO has no answer there,
        however well its other words match; nor has a question about Greater London in a
        paragraph about Victoria that happens to count Muslims too. A name of several words is
        mentioned when its last, the head, is: "Great Britain" by "Britain".
        """
        names = dict.fromkeys(m.group() for m in _NAME.finditer(question))
        evidence = self.index.evidence(sentence)
        missing = []
        for name in names:
            terms = self.index.question_terms(name.split()[-1])
            mentioned = evidence.intersection(terms) or self.index.in_paragraph(terms, sentence)
            if terms and not mentioned:
                missing.append(name)
        return missing

    def ask(self, question: str, top_k: int | None = None) -> Answer:
        """Rank the knowledge's sentences for ``question``; no matches means no answer."""
        question = " ".join(question.split())
        if not question:
            raise QuestionError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionError(f"the question is longer than {MAX_QUESTION_CHARS} characters")
        terms = self.index.question_terms(question)
        k = top_k or self.options.top_k
        if not terms or not len(self.index):
            return Answer(question=question)
        ranked = self._rank(question, terms, k)
        if not ranked or self._too_weak(question, terms, ranked[0][0]):
            return Answer(question=question)
        return Answer(question=question, matches=tuple(self._match(i, s) for i, s in ranked))

    def _too_weak(self, question: str, terms: Sequence[str], best: int) -> bool:
        """Whether the best sentence is too poor a match to quote.

        It must hold enough of the question's term weight itself (with its headings), and its
        paragraph enough more: a sentence whose paragraph is about something else matched a
        few words by chance. A name the paragraph never mentions raises the bar: the rest of
        the question must then be matched well, as it is when the name is only a variant or a
        typo.
        """
        opts = self.options
        coverage = self.coverage(terms, best)
        if coverage < opts.min_coverage:
            return True
        if (
            coverage < opts.min_paragraph_coverage  # else the paragraph, holding more, passes too
            and self.coverage(terms, best, paragraph=True) < opts.min_paragraph_coverage
        ):
            return True
        return coverage < opts.unknown_name_coverage and bool(self.missing_names(question, best))

    def _rank(self, question: str, terms: Sequence[str], k: int) -> list[tuple[int, float]]:
        """Top ``k`` sentences by score, ties broken by order in the knowledge, distinct texts."""
        opts = self.options
        want = wanted(question)
        depth = REFINE_DEPTH if want.anything and opts.fine_type_boost else 0
        # "how many", "when": sentences that can say are favoured (asked_type); only sentences
        # that hold a term, or might be among the ``depth`` best, are scored.
        scored = self.index.score(terms, opts, asked_type(question), depth)
        scores, ids = scored.scores, scored.ids
        self._refine(want, ids, scores)
        ranked: list[tuple[int, float]] = []
        seen: set[str] = set()
        for i in best_first(scores, ids):
            score = float(scores[i])
            if score <= opts.min_score or len(ranked) == k:
                break
            text = self.index.entries.text(int(ids[i]))
            if text not in seen and scored.matched[i]:  # the sentence holds a question term
                seen.add(text)
                ranked.append((int(ids[i]), score))
        return ranked

    def _refine(self, want: Wanted, ids: Ints, scores: Scores) -> None:
        """Boost, in place, the best candidates that hold the very answer type asked for."""
        if not want.anything or not self.options.fine_type_boost:
            return
        for i in top(scores, ids, REFINE_DEPTH):
            if scores[i] > 0 and want.fits(self.index.entries.text(int(ids[i]))):
                scores[i] *= 1.0 + self.options.fine_type_boost

    def _match(self, sentence: int, score: float) -> Match:
        entry: Entry = self.index.entries[sentence]
        meta = entry.document.meta
        return Match(
            text=entry.text,
            score=round(score, 4),
            title=meta.title,
            section=entry.paragraph.section,
            publisher=meta.publisher,
            source=meta.source,
            file=entry.document.path,
            position=entry.position,
            paragraph=entry.paragraph_number,
            line=entry.paragraph.line,
        )

    def context(self, match: Match) -> str:
        """The paragraph around a matched sentence, for "show more"."""
        entry = self.index.entries.find(match.file, match.position)
        return entry.paragraph.text if entry is not None else match.text


def build_answerer(
    directory: Path,
    *,
    options: AnswerOptions | None = None,
    max_bytes: int,
    cache_dir: Path | None = None,
) -> Answerer:
    """Load a knowledge directory and index it, all or nothing.

    With ``cache_dir``, an index cached there for exactly these files is loaded instead of
    rebuilt, and a rebuilt one is saved there (``bot.core.cache``).
    """
    if cache_dir is None:
        return Answerer(load_knowledge(directory, max_bytes=max_bytes), options)
    base, arrays = load_indexed(directory, max_bytes=max_bytes, cache_dir=cache_dir)
    return Answerer(base, options, arrays)
