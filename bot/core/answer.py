"""Questions in, cited sentences out, or no answer when the knowledge does not hold one.

Orchestration only, one pass per question: the question is read once (``question``), the
sentences it reaches are scored (``search.scoring``: BM25 of each sentence and its context,
word pairs, the coarse answer type); with sentence vectors (``search.vectors``), the nearest
sentences join them and both are ranked together (``ranking.fusion``); the best candidates are
refined by the fine answer type and ordered (``ranking``), the best is checked for whether it
answers at all (``ranking.abstention``: by words alone, or with vectors by meaning, words, and
the question's words aligned with the sentence's, ``ranking.alignment``). Before the distinct
best are picked, a newer document's sentence goes first where it scores close to an older one
or says nearly the same (``ranking.recency``), and a sentence repeated in several documents is
cited from the newest. A quote then gets the probability that it is right (``confidence``);
below ``min_confidence`` there is none, and a refusal offers the sections nearest the question.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from bot.core.analysis.days import day_reading
from bot.core.confidence import Signals, lead
from bot.core.facts import fact
from bot.core.ingest.documents import KnowledgeBase
from bot.core.options import AnswerOptions
from bot.core.question import Question, read_question
from bot.core.ranking.abstention import (
    answers,
    held_share,
    meaning_too_weak,
    missing_names,
    term_weights,
    too_weak,
)
from bot.core.ranking.alignment import aligned_share, verbatim_share
from bot.core.ranking.answer_types import REFINE_DEPTH, fits, refine, refine_moment
from bot.core.ranking.candidates import distinct_best
from bot.core.ranking.fusion import fuse
from bot.core.ranking.pairs import pair_hits
from bot.core.ranking.recency import cited_copy, recency_order
from bot.core.results import Answer, Match, QuestionMeaning
from bot.core.search.build import IndexArrays
from bot.core.search.index import SentenceIndex
from bot.core.search.postings import Bools, Floats, Ints
from bot.core.search.scoring import Scored, score_sentences
from bot.core.search.vectors import Meaning, Reading, embedded_text

NEAREST = 5  # candidates ranked at least, whatever the count asked for
NEAREST_SECTIONS = 3  # sections a refusal offers


class Alignment:
    """The share of the question's words a sentence speaks to (``ranking.alignment``).

    Reading the sentence with the model costs a run, so abstention asks for it only when
    ``floor`` (the words held verbatim) does not settle the question. Confidence needs the
    share itself (with the floor in its place it was worse calibrated on the unfitted sets:
    ECE 0.060 against 0.044 with all-MiniLM-L6-v2), so a quote gets the run too, unless every
    word is verbatim and the share is 1 without it.
    """

    def __init__(self, floor: float, read: Callable[[], float]) -> None:
        self.floor = floor
        self._read = read
        self._value: float | None = None

    def __call__(self) -> float:
        """The share, read with the model the first time it is asked for."""
        if self._value is None:
            self._value = self._read()
        return self._value

    @property
    def share(self) -> float:
        """The share, without a model run when every word is held verbatim."""
        return self.floor if self.floor >= 1.0 else self()


WITHIN_KEPT = 16


class Answerer:
    """Answers questions from one loaded knowledge base; immutable, so safe to swap whole."""

    def __init__(
        self,
        base: KnowledgeBase,
        options: AnswerOptions | None = None,
        arrays: IndexArrays | None = None,
        meaning: Meaning | None = None,
    ) -> None:
        self.base = base
        self.options = options or AnswerOptions()
        self.index = SentenceIndex(base, arrays)
        self.meaning = self._fitting(meaning)
        # Recency orders documents of different dates: fewer than two dates, nothing to order.
        self._dated = len({d.meta.published for d in base.documents} - {None}) > 1
        self._within: dict[frozenset[str], Answerer] = {}  # ``within``'s, latest last

    def _fitting(self, meaning: Meaning | None) -> Meaning | None:
        """``meaning``, if it has a vector for every sentence of this index."""
        if meaning is not None and len(meaning.vectors) != len(self.index):
            raise ValueError("the sentence vectors do not fit the knowledge")
        return meaning

    @property
    def semantic(self) -> bool:
        """Whether answers use the sentence vectors as well as the words."""
        return self.meaning is not None

    def with_meaning(self, meaning: Meaning | None) -> Answerer:
        """The same knowledge and index, answering with ``meaning`` (or by words alone)."""
        answerer = copy.copy(self)  # shares the index: building it again would cost seconds
        answerer.meaning = self._fitting(meaning)
        answerer._within = {}  # those were made with the old meaning
        return answerer

    def read(self, question: str) -> Question:
        """Read a question against this knowledge (its misspelt words read as known ones)."""
        return read_question(question, self.index.knows, self.index.speller.correct)

    def ask(self, question: str, answer_count: int | None = None) -> Answer:
        """Answer ``question`` with up to ``answer_count`` sentences; none means no answer.

        Raises ``QuestionError`` for a question that cannot be asked (empty, too long).
        """
        read = self.read(question)
        count = answer_count or self.options.answer_count
        # An answer without matches keeps the terms too: they group similar unanswered questions.
        if not len(self.index) or (self.meaning is None and not read.terms):
            return Answer(question=read.text, terms=read.terms)
        reading = self.meaning.read(read.text) if self.meaning is not None else None
        # At least NEAREST deep whatever is asked for: the runner-up's score is a signal of
        # confidence, and a refusal offers the nearest sections.
        ranked = self.rank(read, max(count, NEAREST), reading)
        answer = self.decide(read, ranked, reading, count)
        if reading is None or self.meaning is None:
            return answer
        vector = reading.tokens.vector.astype(np.float16).tobytes()
        meaning = QuestionMeaning(model=self.meaning.encoder.identity, vector=vector)
        return answer.model_copy(update={"meaning": meaning})

    def decide(
        self,
        question: Question,
        ranked: list[tuple[int, float]],
        reading: Reading | None,
        count: int,
    ) -> Answer:
        """The answer from ``ranked`` (``rank``'s candidates): quote the best, or decline.

        The rules of ``ranking.abstention`` decline a sentence that cannot answer; one that
        passes them gets the probability that it is right (``confidence``), and is
        declined below ``min_confidence`` (``words_min_confidence`` by words alone) and offered
        as doubtful below ``sure_confidence``.
        Public so that evaluation can ask what the engine would answer without some sentences.
        """
        if not ranked:
            return Answer(question=question.text, terms=question.terms)
        best = ranked[0][0]
        aligned = self._aligned(best, reading)
        if self._too_weak(question, best, reading, aligned):
            return self._declined(question, ranked)
        signals = self._signals(question, ranked, reading, aligned)
        options = self.options
        calibration, floor = (
            (options.meaning_calibration, options.min_confidence)
            if reading is not None
            else (options.words_calibration, options.words_min_confidence)
        )
        confidence = round(calibration.probability(signals), 4)
        if confidence < floor:
            return self._declined(question, ranked)
        matches = tuple(self._match(i, s) for i, s in ranked[:count])
        return Answer(
            question=question.text,
            matches=matches,
            terms=question.terms,
            fact=fact(question, matches[0].text),
            confidence=confidence,
            doubtful=confidence < self.options.sure_confidence,
            signals=signals,
        )

    def _declined(self, question: Question, ranked: list[tuple[int, float]]) -> Answer:
        """No answer, with the first sentences of the sections nearest the question."""
        starts: dict[int, None] = {}
        for sentence, _ in ranked:
            starts.setdefault(self.index.entries.section_start(sentence))
        nearest = tuple(self._match(s, 0.0) for s in list(starts)[:NEAREST_SECTIONS])
        return Answer(question=question.text, terms=question.terms, nearest=nearest)

    def _aligned(self, best: int, reading: Reading | None) -> Alignment:
        """How much of the question the best sentence speaks to, the model run only if needed."""
        if reading is None or self.meaning is None:
            return Alignment(0.0, lambda: 0.0)
        meaning, similarity = self.meaning, self.options.aligned_similarity
        entry = self.index.entries[best]
        text = embedded_text(entry.document.title, entry.paragraph.section, entry.text)
        return Alignment(
            verbatim_share(reading.tokens, text),
            lambda: aligned_share(reading.tokens, meaning.tokens(text), similarity, text),
        )

    def _too_weak(
        self, question: Question, best: int, reading: Reading | None, aligned: Alignment
    ) -> bool:
        if reading is None or self.meaning is None:
            return too_weak(self.index, question, best, self.options)
        cosine = float(reading.cosines[best])
        return meaning_too_weak(
            self.index, question, best, cosine, self.options, aligned, aligned.floor
        )

    def _signals(
        self,
        question: Question,
        ranked: list[tuple[int, float]],
        reading: Reading | None,
        aligned: Alignment,
    ) -> Signals:
        """What ``confidence`` weighs, for the best of ``ranked``."""
        index, best = self.index, ranked[0][0]
        weights = term_weights(index, question.terms)
        cosine = float(reading.cosines[best]) if reading is not None else 0.0
        return Signals(
            cosine=cosine,
            nearest_gap=float(reading.cosines.max()) - cosine if reading is not None else 0.0,
            coverage=held_share(index, weights, best),
            paragraph_coverage=held_share(index, weights, best, paragraph=True),
            aligned=aligned.share,
            lead=lead([s for _, s in ranked[:2]]),
            fine_missed=question.wanted.anything
            and not fits(question.wanted, index.entries.text(best)),
            names_missing=bool(missing_names(index, question, best)),
            terms=len(set(question.terms)),
            leads=index.entries.section_start(best) == best,
        )

    def rank(
        self, question: Question, count: int, reading: Reading | None = None
    ) -> list[tuple[int, float]]:
        """The ``count`` best distinct sentences, as (sentence, score), best first.

        With ``reading`` (the question as the model read it, with every sentence's cosine),
        BM25's candidates and the nearest sentences are ranked together, and a sentence need
        not share a word to rank.
        """
        opts, text = self.options, self.index.entries.text
        if reading is None:
            refining = question.wanted.anything or question.moment
            depth = REFINE_DEPTH if refining and opts.fine_type_boost else 0
            scored = self._scored(question, depth)
            refine(question.wanted, scored.ids, scored.scores, text, opts.fine_type_boost)
            refine_moment(question, scored.ids, scored.scores, text, opts.fine_type_boost)
            return self._distinct(question, scored.ids, scored.scores, scored.matched, count)
        scored = self._scored(question, opts.lexical_candidates)
        ids, scores = fuse(self.index, question, scored, reading.cosines, opts)
        refine(question.wanted, ids, scores, text, opts.fine_type_boost)
        refine_moment(question, ids, scores, text, opts.fine_type_boost)
        anyone = np.ones(len(ids), dtype=bool)  # meaning needs no shared word
        return self._distinct(question, ids, scores, anyone, count, reading)

    def _distinct(
        self,
        question: Question,
        ids: Ints,
        scores: Floats,
        matched: Bools,
        count: int,
        reading: Reading | None = None,
    ) -> list[tuple[int, float]]:
        """The ``count`` best distinct sentences, newer documents first where recency applies."""
        vectors = self.meaning.vectors if self.meaning is not None else None
        index, options = self.index, self.options
        first: list[int] = []
        if self._dated:
            weights = term_weights(index, question.terms)  # once, for every candidate

            def answering(sentence: int) -> bool:
                return answers(index, question, sentence, options, weights)

            speaks = None
            if reading is not None:

                def speaks(sentence: int) -> float:
                    return self._aligned(sentence, reading).share

            first = recency_order(index, vectors, ids, scores, matched, options, answering, speaks)
        text, least = self.index.entries.text, self.options.min_score
        return distinct_best(ids, scores, matched, text, count, least, first)

    def _scored(self, question: Question, depth: int) -> Scored:
        """BM25 (with context, pairs and the coarse answer type) of the sentences reached."""
        index = self.index
        return score_sentences(
            index.fields,
            index.term_ids(question.terms),
            self.options,
            pairs=pair_hits(index, question.terms) if self.options.pair_weight else (),
            boosted=index.holds[question.kind] if question.kind is not None else None,
            depth=depth,
        )

    def _match(self, ranked: int, score: float) -> Match:
        sentence, also_in = cited_copy(self.index, ranked)
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
            published=meta.published,
            reading=day_reading(entry.text, meta.published),
            also_in=also_in,
        )

    def context(self, match: Match) -> tuple[str, ...]:
        """The sentences of the paragraph around a matched sentence, for "show more"."""
        entry = self.index.entries.find(match.file, match.position)
        return entry.paragraph.sentences if entry is not None else (match.text,)

    def within(self, paths: frozenset[str]) -> Answerer:
        """An answerer over only the documents at ``paths``: a day's briefings, or one named.

        Its index is built for them alone (a day's briefings: milliseconds), their vectors
        taken from this one's; the last ``WITHIN_KEPT`` are kept, as readers ask a day again.
        """
        kept = self._within.get(paths)
        if kept is not None:
            return kept
        documents = self.base.documents
        meaning = self.meaning
        if meaning is not None:
            others = np.array([d.path not in paths for d in documents], dtype=bool)
            meaning = meaning.without(np.repeat(others, [d.sentence_count for d in documents]))
        base = KnowledgeBase(self.base.directory, tuple(d for d in documents if d.path in paths))
        answerer = Answerer(base, self.options, meaning=meaning)
        while len(self._within) >= WITHIN_KEPT:
            self._within.pop(next(iter(self._within)))
        self._within[paths] = answerer
        return answerer

    def without(self, path: str) -> Answerer:
        """An answerer over the same knowledge less one file (for held-out evaluation)."""
        meaning = self.meaning
        if meaning is not None:
            documents = self.base.documents
            held = np.array([d.path == path for d in documents], dtype=bool)
            meaning = meaning.without(np.repeat(held, [d.sentence_count for d in documents]))
        return Answerer(self.base.without(path), self.options, meaning=meaning)
