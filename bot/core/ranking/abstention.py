"""When to say "the briefing does not say" rather than quote the best sentence found.

A quote that shares one common word with the question misleads more than no answer. The best
sentence (with its headings) must hold enough of the question's term weight, its paragraph
enough more, and the names the question is about must appear there. By words alone a question
whose words mostly occur where the knowledge does not answer it still passes; with the sentence
model, meaning vouches too (``meaning_too_weak``).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core import lexicon
from bot.core.analysis.entities import times
from bot.core.options import AnswerOptions
from bot.core.question import Question
from bot.core.ranking.answer_types import fits
from bot.core.search.index import SentenceIndex


def term_weights(index: SentenceIndex, terms: tuple[str, ...]) -> dict[str, float]:
    """How much each distinct term of a question says (rarer terms more)."""
    return {t: index.sentences.weight(t) for t in set(terms)}


def held_share(
    index: SentenceIndex, weights: dict[str, float], sentence: int, *, paragraph: bool = False
) -> float:
    """Share of ``weights`` (``term_weights``) that a sentence and its headings contain.

    With ``paragraph``, terms its paragraph holds count too. Ranking asks this of many
    candidates for one question, so the weights are worked out once, by the caller.
    """
    total = sum(weights.values())
    if not total:
        return 0.0
    found = index.evidence(sentence)
    if paragraph:
        found |= index.in_paragraph(list(weights), sentence)
    return sum(w for t, w in weights.items() if t in found) / total


def coverage(
    index: SentenceIndex, terms: tuple[str, ...], sentence: int, *, paragraph: bool = False
) -> float:
    """Share of the question's term weight that a sentence and its headings contain.

    With ``paragraph``, terms its paragraph holds count too.
    """
    return held_share(index, term_weights(index, terms), sentence, paragraph=paragraph)


def missing_names(index: SentenceIndex, question: Question, sentence: int) -> list[str]:
    """Names in the question that the sentence's paragraph and headings never mention.

    A question about NATO put to a briefing that never names NATO has no answer there,
    however well its other words match; nor has a question about Greater London in a
    paragraph about Victoria that happens to count Muslims too. A name of several words is
    mentioned when its last, the head, is: "Great Britain" by "Britain".
    """
    evidence = index.evidence(sentence)
    missing = []
    for name in question.names:
        terms = list(name.head_terms)
        mentioned = evidence.intersection(terms) or index.in_paragraph(terms, sentence)
        if terms and not mentioned:
            missing.append(name.text)
    return missing


def contradicts(question: str, sentence: str) -> bool:
    """Whether ``sentence`` holds only the opposite of one of the question's words.

    Never for a yes-or-no question, which the opposite answers (``lexicon.polar``).
    """
    words = lexicon.words(question)
    return any(lexicon.contradicted(words, words, lexicon.held(sentence)))


def another_time(index: SentenceIndex, question: Question, sentence: int) -> bool:
    """Whether the sentence is about another month or year than the one the question asks of.

    Meaning reads January and February as neighbours, and so do words by their weight, but
    "the port handled 1.2 million tonnes of cargo in February" does not say how much it
    handled in January. So a month or year the question names must be in the sentence, its
    headings or its paragraph, unless the sentence names no month or year at all.
    """
    asked = question.times
    if not asked:
        return False
    if index.evidence(sentence) & asked or index.in_paragraph(sorted(asked), sentence):
        return False
    return bool(times(index.entries.text(sentence)))


def meaning_too_weak(
    index: SentenceIndex,
    question: Question,
    best: int,
    cosine: float,
    options: AnswerOptions,
    aligned: Callable[[], float] = lambda: 0.0,
    aligned_at_least: float = 0.0,
) -> bool:
    """Whether the best sentence, found with the sentence vectors, is too poor to quote.

    Meaning and words vouch together: the cosine, plus a share of the question's term weight
    the sentence holds, plus the share of the question's words it speaks to in meaning
    (``aligned``, see ``alignment``), must reach ``min_meaning``. So a close paraphrase passes
    without a shared word, and a sentence on the question's subject that says nothing of what
    was asked ("currency" put to a sentence about Armenia's people) does not. ``aligned`` costs
    a run of the model, so it is only called when the rest, with ``aligned_at_least`` (a floor
    for it known without the model), leaves the outcome open.

    A question that asks for a number or a date is not answered by a sentence that holds none:
    on questions about the right page that it does not answer, that is what a near miss most
    often lacks.
    """
    if question.kind is not None and not index.holds[question.kind][best]:
        return True
    if another_time(index, question, best):
        return True
    share = coverage(index, question.terms, best)  # 0 for a question without terms
    score = cosine + options.meaning_coverage_weight * share
    if score + options.alignment_weight * aligned_at_least >= options.min_meaning:
        return False
    if score + options.alignment_weight < options.min_meaning:
        return True  # not even every word aligned would do
    return score + options.alignment_weight * aligned() < options.min_meaning


def too_weak(index: SentenceIndex, question: Question, best: int, options: AnswerOptions) -> bool:
    """Whether the best sentence is too poor a match to quote.

    It must hold enough of the question's term weight itself (with its headings), and its
    paragraph enough more: a sentence whose paragraph is about something else matched a
    few words by chance. A name the paragraph never mentions raises the bar: the rest of
    the question must then be matched well, as it is when the name is only a variant or a
    typo.
    """
    weights = term_weights(index, question.terms)
    share = held_share(index, weights, best)
    if share < options.min_coverage or another_time(index, question, best):
        return True
    if (
        share < options.min_paragraph_coverage  # else the paragraph, holding more, passes too
        and held_share(index, weights, best, paragraph=True) < options.min_paragraph_coverage
    ):
        return True
    return share < options.unknown_name_coverage and bool(missing_names(index, question, best))


def answers(
    index: SentenceIndex,
    question: Question,
    sentence: int,
    options: AnswerOptions,
    weights: dict[str, float] | None = None,
) -> bool:
    """Whether a sentence answers the question at all, whatever its score.

    It holds the kind of answer asked for (a date for "when", a duration for "how long"),
    mentions what the question names in itself or its headings (not only somewhere in its
    paragraph), holds enough of the
    question's term weight with its headings, and speaks of the question in its own words too:
    under a heading "Bus strike", a sentence on the union's new contract is no answer to "is
    the bus strike still going on?", while "Work is now expected to last two years" under
    "Merrow Bridge" answers how long the bridge takes. Recency asks it of newer candidates: a
    newer sentence about another district's handover is no update to "when is Kalbajar handed
    over?", however alike the two read. Nor does a sentence that holds only the opposite of
    what is asked (``lexicon.OPPOSITES``): "work on the sea wall began on Saturday" does not
    say when it will be finished. ``weights`` are ``term_weights`` of the question, for a
    caller that asks of many candidates.
    """
    if question.kind is not None and not index.holds[question.kind][sentence]:
        return False
    text = index.entries.text(sentence)
    if question.wanted.anything and not fits(question.wanted, text):
        return False
    evidence = index.evidence(sentence)
    if any(
        name.head_terms and not evidence.intersection(name.head_terms) for name in question.names
    ):
        return False
    if not index.own_terms(sentence).intersection(question.terms):
        return False
    if contradicts(question.text, text) or another_time(index, question, sentence):
        return False
    if weights is None:
        weights = term_weights(index, question.terms)
    return held_share(index, weights, sentence) >= options.min_coverage
