"""Questions in, cited sentences out, or no answer when the knowledge does not hold one.

Orchestration only, one pass per question: the question is read once (``question``), the
sentences it reaches are scored (``search.scoring``: BM25 of each sentence and its context,
word pairs, the coarse answer type), the best candidates are refined by the fine answer type
and ordered (``ranking``), the best is checked for whether it answers at all
(``ranking.abstention``), and the chosen sentences are cited.
"""

from __future__ import annotations

from bot.core.ingest.documents import KnowledgeBase
from bot.core.options import AnswerOptions
from bot.core.question import Question, read_question
from bot.core.ranking.abstention import too_weak
from bot.core.ranking.answer_types import REFINE_DEPTH, refine
from bot.core.ranking.candidates import distinct_best
from bot.core.ranking.pairs import pair_hits
from bot.core.results import Answer, Match
from bot.core.search.build import IndexArrays
from bot.core.search.index import SentenceIndex
from bot.core.search.scoring import score_sentences


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

    def read(self, question: str) -> Question:
        """Read a question against this knowledge (its misspelt words read as known ones)."""
        return read_question(question, self.index.knows, self.index.speller.correct)

    def ask(self, question: str, answer_count: int | None = None) -> Answer:
        """Answer ``question`` with up to ``answer_count`` sentences; none means no answer.

        Raises ``QuestionError`` for a question that cannot be asked (empty, too long).
        """
        read = self.read(question)
        if not read.terms or not len(self.index):
            return Answer(question=read.text)
        ranked = self.rank(read, answer_count or self.options.answer_count)
        if not ranked or too_weak(self.index, read, ranked[0][0], self.options):
            return Answer(question=read.text)
        matches = tuple(self._match(i, s) for i, s in ranked)
        return Answer(question=read.text, matches=matches, terms=read.terms)

    def rank(self, question: Question, count: int) -> list[tuple[int, float]]:
        """The ``count`` best distinct sentences, as (sentence, score), best first."""
        opts, index = self.options, self.index
        depth = REFINE_DEPTH if question.wanted.anything and opts.fine_type_boost else 0
        scored = score_sentences(
            index.fields,
            index.term_ids(question.terms),
            opts,
            pairs=pair_hits(index, question.terms) if opts.pair_weight else (),
            boosted=index.holds[question.kind] if question.kind is not None else None,
            depth=depth,
        )
        text = index.entries.text
        refine(question.wanted, scored.ids, scored.scores, text, opts.fine_type_boost)
        return distinct_best(
            scored.ids, scored.scores, scored.matched, text, count, opts.min_score
        )

    def _match(self, sentence: int, score: float) -> Match:
        entry = self.index.entries[sentence]
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

    def context(self, match: Match) -> tuple[str, ...]:
        """The sentences of the paragraph around a matched sentence, for "show more"."""
        entry = self.index.entries.find(match.file, match.position)
        return entry.paragraph.sentences if entry is not None else (match.text,)

    def without(self, path: str) -> Answerer:
        """An answerer over the same knowledge less one file (for held-out evaluation)."""
        return Answerer(self.base.without(path), self.options)
