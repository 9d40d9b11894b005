"""Confirm on any knowledge that the fast index ranks exactly as rank-bm25 would.

The served index never scores every sentence: BM25Okapi's numbers are precomputed by term
(``search.postings``) and a question adds up only its terms' entries. This module is the
engine as it was before that: each field a ``rank_bm25.BM25Okapi`` over the same terms, every
sentence scored for every question with ``get_scores``, ranked with a full sort
(``ExhaustiveAnswerer``, the same ranking as ``Answerer.rank`` by words alone, written densely).
``verify`` asks both a sample of questions and counts where they agree, so an admin
(``python -m bot check --verify``) can confirm on their own knowledge that nothing was lost on
the way; tests and the benchmark compare the two the same way.

What is compared is the BM25 stage: the ranking by words (fields, word pairs, answer types),
before abstention and before the sentence model fuses its nearest sentences. rank-bm25 is
imported only when a reference is built, never by the answering code.

Questions come from the bot's question log where there is one (the caller passes them), and
from the knowledge itself: for a seeded random sample of sentences, a few of each sentence's
words, rare and common ones, sometimes after a question word, so every part of the knowledge
and every feature of the ranking is exercised without anyone writing questions.
"""

from __future__ import annotations

import itertools
import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
from pydantic import BaseModel

from bot.core.analysis.terms import tokenize, tokens
from bot.core.answer import Answerer
from bot.core.errors import QuestionError
from bot.core.ingest.loading import load_knowledge
from bot.core.options import AnswerOptions, EngineConfig
from bot.core.question import Question
from bot.core.ranking.answer_types import REFINE_DEPTH, fits, refine_moment
from bot.core.search.build import HEADING_B, HEADING_K1, SENTENCE_B, SENTENCE_K1
from bot.core.search.cache import FILE_NAME, cache_key, load
from bot.core.search.index import SentenceIndex
from bot.core.search.postings import Floats
from bot.core.search.sentence_table import text_key
from bot.core.search.vectors import Reading

TOP = 10  # the depth compared, as in the benchmark's "top 10"
DEFAULT_SAMPLE = 200
DEFAULT_SEED = 0
# A made question is a few of a sentence's words, after one of these (or none): the answer
# type a question word asks for changes the ranking (``ranking.answer_types``).
QUESTION_WORDS = ("", "", "", "what", "who", "when", "where", "how many", "which")
MAX_WORDS = 4

Key = TypeVar("Key", int, str)


class ReferenceField:
    """One rank-bm25 BM25Okapi corpus, floored at zero, safe on empty corpora."""

    def __init__(self, corpus: Sequence[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        from rank_bm25 import BM25Okapi  # only here: the answering code never needs it

        self.size = len(corpus)
        self.tokens = [set(doc) for doc in corpus]
        self.bm25 = BM25Okapi(list(corpus), k1=k1, b=b) if any(corpus) else None

    def scores(self, terms: Sequence[str]) -> Floats:
        """``get_scores`` of every document, floored at zero."""
        if self.bm25 is None or not terms:
            return np.zeros(self.size)
        return np.maximum(np.asarray(self.bm25.get_scores(list(terms)), dtype=np.float64), 0.0)


def _windows(sentences: list[list[str]], paragraph_of: list[int]) -> list[list[str]]:
    windows = []
    for i, terms in enumerate(sentences):
        window = list(terms)
        for j in (i - 1, i + 1):
            if 0 <= j < len(sentences) and paragraph_of[j] == paragraph_of[i]:
                window.extend(sentences[j])
        windows.append(window)
    return windows


class ReferenceIndex:
    """The dense fields of a knowledge base, from the fast index's own sentence order.

    Only the sentence order and the knowledge's text are taken from the fast index: every
    field is tokenised again and scored by rank-bm25.
    """

    def __init__(self, index: SentenceIndex) -> None:
        entries = list(index.entries)
        sentences = [tokenize(e.text) for e in entries]
        paragraphs: dict[int, list[str]] = defaultdict(list)
        for entry, terms in zip(entries, sentences, strict=True):
            paragraphs[entry.paragraph_id].extend(terms)
        headings: dict[int, list[str]] = {}
        for entry in entries:
            section = tokenize(entry.paragraph.section or "")
            headings.setdefault(entry.heading_id, tokenize(entry.document.title) + section)
        self.paragraph_of = np.array([e.paragraph_id for e in entries], dtype=np.int64)
        self.heading_of = np.array([e.heading_id for e in entries], dtype=np.int64)
        self.sentences = ReferenceField(sentences, SENTENCE_K1, SENTENCE_B)
        windows = _windows(sentences, [e.paragraph_id for e in entries])
        self.windows = ReferenceField(windows, SENTENCE_K1, SENTENCE_B)
        self.paragraphs = ReferenceField(
            [paragraphs[p] for p in range(len(paragraphs))], SENTENCE_K1, SENTENCE_B
        )
        self.headings = ReferenceField(
            [headings[h] for h in range(len(headings))], HEADING_K1, HEADING_B
        )
        self.texts = [e.text for e in entries]
        self.weight = index.sentences.weight
        self.pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, terms in enumerate(sentences):
            for pair in dict.fromkeys(itertools.pairwise(terms)):
                self.pairs[pair].append(i)

    def pair_scores(self, terms: Sequence[str]) -> Floats:
        """The word-pair bonus of every sentence, found by scanning every sentence's pairs."""
        total = np.zeros(len(self.texts))
        for pair in dict.fromkeys(itertools.pairwise(terms)):
            hits = self.pairs.get(pair)
            if hits:
                weight = self.weight(pair[0]) + self.weight(pair[1])
                total[hits] += weight / 2
        return total

    def scores(self, terms: Sequence[str], options: AnswerOptions) -> Floats:
        """Every sentence's score before answer types: its fields weighed, plus pairs."""
        total = self.sentences.scores(terms)
        if not len(self.texts):
            return total
        if options.window_weight:
            total += options.window_weight * self.windows.scores(terms)
        if options.paragraph_weight:
            total += options.paragraph_weight * self.paragraphs.scores(terms)[self.paragraph_of]
        if options.heading_weight:
            total += options.heading_weight * self.headings.scores(terms)[self.heading_of]
        if options.pair_weight:
            total += options.pair_weight * self.pair_scores(terms)
        return total


class ExhaustiveAnswerer(Answerer):
    """``Answerer`` whose ranking scores every sentence with rank-bm25 and sorts them all.

    Slow (time in proportion to the whole knowledge, for every question): a reference to
    check the fast ranking against, never an answerer to serve.
    """

    def __init__(self, answerer: Answerer) -> None:
        self.base = answerer.base
        self.options = answerer.options
        self.index = answerer.index
        self.meaning = None  # words alone: the reference is exhaustive BM25
        self.reference = ReferenceIndex(answerer.index)

    def dense_scores(self, question: Question) -> Floats:
        """Every sentence's final score: fields, answer type, fine answer type, moment."""
        opts = self.options
        scores = self.reference.scores(question.terms, opts)
        kind = question.kind
        if kind is not None:
            scores = scores * np.where(self.index.holds[kind], 1.0 + opts.type_boost, 1.0)
        want = question.wanted
        if want.anything and opts.fine_type_boost:
            best = np.lexsort((np.arange(len(scores)), -scores))[:REFINE_DEPTH]
            for i in best:
                if scores[i] > 0 and fits(want, self.reference.texts[i]):
                    scores[i] *= 1.0 + opts.fine_type_boost
        texts = self.reference.texts
        ids = np.arange(len(scores))
        refine_moment(question, ids, scores, texts.__getitem__, opts.fine_type_boost)
        return scores

    def rank(
        self, question: Question, count: int, reading: Reading | None = None
    ) -> list[tuple[int, float]]:
        """The same ranking as ``Answerer.rank`` by words alone, from every dense score."""
        assert reading is None, "the exhaustive reference ranks by words alone"
        terms = set(question.terms)
        scores = self.dense_scores(question)
        order = np.lexsort((np.arange(len(scores)), -scores))
        ranked: list[tuple[int, float]] = []
        seen: set[str] = set()
        for i in order:
            score = float(scores[i])
            if score <= self.options.min_score or len(ranked) == count:
                break
            text = text_key(self.reference.texts[i])  # a repeat, case and spacing aside, is one
            if text not in seen and self.reference.sentences.tokens[i] & terms:
                seen.add(text)
                ranked.append((int(i), score))
        return ranked


def same_first(a: Sequence[tuple[Key, float]], b: Sequence[tuple[Key, float]]) -> bool:
    """Top-1 agreement: the same first entry with the same score (or neither has one)."""
    return list(a[:1]) == list(b[:1])


def same_up_to_ties(a: Sequence[tuple[Key, float]], b: Sequence[tuple[Key, float]]) -> bool:
    """Top-k agreement: the same entries with the same scores, in order up to equal scores."""
    return list(a) == list(b) or sorted(a, key=lambda m: (-m[1], m[0])) == sorted(
        b, key=lambda m: (-m[1], m[0])
    )


class FirstSentence(BaseModel):
    """The sentence a ranking puts first, and its score there."""

    text: str
    score: float


class Disagreement(BaseModel):
    """A question the served index and rank-bm25 rank differently."""

    question: str
    top1: bool  # whether the first sentences still agree (only the rest of the ten differ)
    served: FirstSentence | None
    reference: FirstSentence | None


class VerificationReport(BaseModel):
    """How often the served index's BM25 ranking equals rank-bm25's over a question sample."""

    logged: int  # questions from the bot's question log
    made: int  # questions made from the knowledge's sentences
    top1: int  # questions whose first sentence (and score) agree
    top10: int  # questions whose ten best agree, in order up to equal scores
    seconds: float
    disagreements: list[Disagreement]

    @property
    def questions(self) -> int:
        """Questions checked."""
        return self.logged + self.made

    @property
    def exact(self) -> bool:
        """Whether every question agreed, top 1 and top 10."""
        return self.top1 == self.top10 == self.questions


def _first(answerer: Answerer, ranked: list[tuple[int, float]]) -> FirstSentence | None:
    if not ranked:
        return None
    sentence, score = ranked[0]
    return FirstSentence(text=answerer.index.entries[sentence].text, score=score)


def _asked(answerer: Answerer, question: str) -> Question | None:
    """``question`` read against the knowledge, or ``None`` if no term of it is in there.

    A question of unknown words ranks nothing either way: it would agree without testing.
    """
    try:
        read = answerer.read(question)
    except QuestionError:
        return None
    return read if any(answerer.index.knows(t) for t in read.terms) else None


def logged_sample(
    answerer: Answerer, logged: Sequence[str], count: int, seed: int = DEFAULT_SEED
) -> list[str]:
    """Up to ``count`` distinct logged questions using the knowledge's words, a seeded sample."""
    usable = [q for q in dict.fromkeys(logged) if _asked(answerer, q) is not None]
    if len(usable) <= count:
        return usable
    return random.Random(seed).sample(usable, count)


def _question_from(text: str, df: Counter[str], rng: random.Random) -> str | None:
    """A few of a sentence's words, rare and common, in the sentence's order."""
    words: dict[str, tuple[int, str]] = {}  # first term -> (position, the word)
    for position, (_, word, terms) in enumerate(tokens(text)):
        if terms:
            words.setdefault(terms[0], (position, word))
    if not words:
        return None
    by_rarity = sorted(words, key=lambda t: (df[t], words[t][0]))
    half = (len(by_rarity) + 1) // 2
    rare, common = by_rarity[:half], by_rarity[half:]
    count = rng.randint(1, min(MAX_WORDS, len(by_rarity)))
    from_common = min(count // 2, len(common))
    chosen = rng.sample(rare, count - from_common) + rng.sample(common, from_common)
    asked = " ".join(words[t][1] for t in sorted(chosen, key=lambda t: words[t][0]))
    opener = rng.choice(QUESTION_WORDS)
    return f"{opener} {asked}" if opener else asked


def made_questions(reference: ReferenceIndex, count: int, seed: int = DEFAULT_SEED) -> list[str]:
    """``count`` distinct questions made from a seeded random sample of the sentences.

    Each is one to four of a sentence's words (the rarer half first, so the sentence is
    findable; the commoner half too, so common terms and their low or negative IDF are
    scored), sometimes after a question word. Sentences are drawn without repeats, and drawn
    again while questions are missing, so a small knowledge still yields ``count`` if it can.
    """
    size = len(reference.texts)
    if not size or count <= 0:
        return []
    rng = random.Random(seed)
    df = Counter(t for held in reference.sentences.tokens for t in held)
    found: dict[str, None] = {}
    for _ in range(4 * max(1, -(-count // size))):
        for sentence in rng.sample(range(size), min(size, count - len(found))):
            question = _question_from(reference.texts[sentence], df, rng)
            if question is not None:
                found.setdefault(question)
        if len(found) >= count:
            break
    return list(found)[:count]


def verify(
    answerer: Answerer,
    *,
    sample: int = DEFAULT_SAMPLE,
    seed: int = DEFAULT_SEED,
    logged: Sequence[str] = (),
) -> VerificationReport:
    """Rank ``sample`` questions with the served index and with rank-bm25, and compare.

    Up to half of the sample are questions from ``logged`` (the bot's question log), the rest
    are made from the knowledge (``made_questions``). The BM25 stage is compared: ``answerer``
    ranks by words alone here even if it has sentence vectors. Agreement is the benchmark's:
    top 1, the same first sentence with the same score; top 10, the same ten sentences with the
    same scores, in the same order up to sentences of equal score.
    """
    started = time.perf_counter()
    served = answerer.with_meaning(None)
    reference = ExhaustiveAnswerer(served)
    from_log = logged_sample(served, logged, sample // 2, seed)
    made = made_questions(reference.reference, sample - len(from_log), seed)
    asked = [(q, read) for q in [*from_log, *made] if (read := _asked(served, q)) is not None]
    top1 = top10 = 0
    disagreements = []
    for question, read in asked:
        fast, slow = served.rank(read, TOP), reference.rank(read, TOP)
        first, ten = same_first(fast, slow), same_up_to_ties(fast, slow)
        top1 += first
        top10 += ten
        if not (first and ten):
            disagreements.append(
                Disagreement(
                    question=question,
                    top1=first,
                    served=_first(served, fast),
                    reference=_first(served, slow),
                )
            )
    return VerificationReport(
        logged=len(from_log),
        made=len(asked) - len(from_log),
        top1=top1,
        top10=top10,
        seconds=time.perf_counter() - started,
        disagreements=disagreements,
    )


def served_answerer(config: EngineConfig) -> tuple[Answerer, Path | None]:
    """The index the bot would answer from, by words alone, and the cache it was read from.

    A fresh index cache (one the bot would load, ``search.cache``) is read as it is, so a fault
    in saving or loading it would show; with none, the index is built from the files, as the
    bot builds it. Nothing is written: a knowledge directory may be read-only.
    """
    base = load_knowledge(config.knowledge_dir, max_bytes=config.max_file_bytes)
    if config.cache_dir is not None:
        path = config.cache_dir / FILE_NAME
        loaded = [(d.path, d.digest) for d in base.documents]  # the key the cache is saved under
        hit = load(path, cache_key(loaded, config.max_file_bytes), config.knowledge_dir)
        if hit is not None:
            return Answerer(hit[0], config.options, hit[1]), path
    return Answerer(base, config.options), None
