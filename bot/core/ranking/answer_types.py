"""Favour the candidates that hold the very kind of answer a question asks for.

"How many peacekeepers?" wants a number, "When was it handed over?" a date, "Who guards it?"
a name. A sentence that holds none cannot be the answer, however well its words match. Two
tiers, both proportional boosts that never remove a sentence (the patterns miss phrasings):

- coarse: any number, any date; marked for every sentence when the index is built and boosted
  while scoring (``bot.core.search.scoring``);
- fine, checked here on the best few candidates only: a number that counts the thing asked
  about ("how many farms" -> "32,463 farms"), a percentage when one is asked for, a name the
  question does not already give when it asks "who", a period when one is asked for ("how
  long" -> "five to ten years", "start and end" -> "between September 27 and November 9");
  and the moment of an event a question about time asks for ("when does it open?" -> "the
  start of the summit", not "the closing declaration").
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.analysis import entities
from bot.core.lexicon import held, kin
from bot.core.question import Period, Question, Wanted
from bot.core.ranking.candidates import top
from bot.core.search.postings import Floats, Ints

REFINE_DEPTH = 30  # candidates checked for the fine answer type


def fits(wanted: Wanted, sentence: str) -> bool:
    """Whether a candidate sentence holds the fine answer asked for."""
    return strength(wanted, sentence) > 0


def strength(wanted: Wanted, sentence: str) -> float:
    """How fully a candidate holds the fine answer asked for: 1, a part of it, or 0.

    "How long" is answered by a duration or both ends of a period; a sentence with only one
    end ("since 1991") is half an answer. "Who is X" and "what is X" are answered by a
    sentence that defines X, half by one that says something of it in passing.
    """
    if wanted.subject is not None:
        return entities.definition_strength(sentence, wanted.subject)
    if wanted.period is Period.LENGTH and not entities.holds_period(sentence):
        return 0.5 if entities.holds_period_end(sentence) else 0.0
    return 1.0 if _holds(wanted, sentence) else 0.0


def _holds(wanted: Wanted, sentence: str) -> bool:
    if wanted.percent and entities.holds_percentage(sentence):
        return True
    if wanted.counted and entities.counts(sentence, wanted.counted):
        return True
    if wanted.period and entities.holds_period(sentence):
        return True
    if wanted.name_besides is not None:
        besides = wanted.name_besides
        return any(not set(name.split()) & besides for name in entities.names(sentence))
    return False


def refine_moment(
    question: Question, ids: Ints, scores: Floats, text: Callable[[int], str], boost: float
) -> None:
    """Boost, in place, those of the best candidates that name the moment asked for.

    The moment is ``Question.moment``: "open" in "when does the summit open?". A sentence that
    holds it, or another word for it ("the start of the summit"), gets the boost of a fine
    answer type; the verb itself is not searched for, so nothing else favours it. In a
    yes-or-no question its opposite counts too: it denies what was asked.
    """
    moment, denied = question.moment, question.polar
    if not moment or not boost:
        return
    for i in top(scores, ids, REFINE_DEPTH):
        found = held(text(int(ids[i])))
        if scores[i] > 0 and any(kin(word, found, denied=denied) for word in moment):
            scores[i] *= 1.0 + boost


def refine(
    wanted: Wanted, ids: Ints, scores: Floats, text: Callable[[int], str], boost: float
) -> None:
    """Boost, in place, those of the ``REFINE_DEPTH`` best candidates that fit ``wanted``."""
    if not wanted.anything or not boost:
        return
    for i in top(scores, ids, REFINE_DEPTH):
        if scores[i] > 0 and (part := strength(wanted, text(int(ids[i])))):
            scores[i] *= 1.0 + boost * part
