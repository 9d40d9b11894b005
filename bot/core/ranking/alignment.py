"""Which parts of a question a sentence speaks to, word by word, in meaning.

One cosine between a question and a sentence cannot tell "How many citizens does Armenia
have?" (answered by "an impoverished country of three million people") from "What is the
currency of Armenia?" put to the same sentence: both are about Armenia, and both score 0.47.
Word by word they differ: "citizens" has a near neighbour in that sentence ("people"),
"currency" has none. So each content word of the question (not a stop word, not punctuation)
is compared, as the model read it in the question, with every word piece of the sentence as
it was embedded (its headings and itself), and counts as held when the closest is within
``similarity``. The share of words held joins the cosine in deciding whether to quote
(``abstention.meaning_too_weak``).

States come from the model's last layer (``SentenceEncoder.encode_tokens``), so a word is
compared as its sentence uses it: "leave" of peacekeepers and "leave" of a holiday are 0.72
apart, not 1. With all-MiniLM-L6-v2 the words a paraphrase swaps ("citizens" and "people",
"Ankara" and "Turkey") mostly meet at 0.4 or more and a word the sentence says nothing about
("currency", "leader") stays near 0.2; 0.4 separated them best on the shared sets (README).

Opposites meet as closely as synonyms ("began" and "finished" fill the same slot), so a word
with an opposite in ``lexicon.OPPOSITES`` is not spoken to by a sentence that holds only its
opposite: "work on the sea wall began on Saturday" says nothing of when it will be finished.
A yes-or-no question is the exception: the opposite answers it ("Has the strike ended?" by
"the strike began again").
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from bot.core import lexicon
from bot.core.analysis.encoder import TokenStates
from bot.core.lexicon import STOP_WORDS, kin


def content_rows(question: TokenStates) -> list[int]:
    """The pieces that begin a content word of the question: what it asks about."""
    return [
        row
        for row, word in enumerate(question.words)
        if word and any(c.isalnum() for c in word) and word.lower() not in STOP_WORDS
    ]


def verbatim(question: TokenStates, text: str) -> npt.NDArray[np.bool_]:
    """Which of the question's content words ``text`` holds as they are (case aside).

    Or as another word for the same event (``lexicon.kin``: "start" for "open"), and in a
    yes-or-no question as its opposite, which denies it ("losing" for "keep").
    """
    held = lexicon.held(text)
    denied = lexicon.polar([word for word in question.words if word])
    words = [question.words[row] for row in content_rows(question)]
    return np.array([kin(word, held, denied=denied) for word in words], dtype=bool)


def contradicted(question: TokenStates, text: str) -> npt.NDArray[np.bool_]:
    """Which of the question's content words ``text`` holds only the opposite of.

    None for a yes-or-no question (``lexicon.polar``).
    """
    words = [question.words[row] for row in content_rows(question)]
    asked = [word for word in question.words if word]
    return np.array(lexicon.contradicted(words, asked, lexicon.held(text)), dtype=bool)


def verbatim_share(question: TokenStates, text: str) -> float:
    """Share of the question's content words ``text`` holds as they are: no model run needed.

    A word held verbatim counts as aligned (``aligned_share``), so this is a floor for it:
    abstention asks the model only when the floor does not settle the question already.
    """
    held = verbatim(question, text)
    return float(held.mean()) if len(held) else 0.0


def aligned_share(
    question: TokenStates, sentence: TokenStates, similarity: float, text: str = ""
) -> float:
    """Share of the question's content words that ``sentence`` speaks to.

    A word is aligned when ``text`` (what ``sentence`` was read from) holds it verbatim, or some
    piece of ``sentence`` is within ``similarity`` of it. 0.0 for a question of stop words only:
    nothing to vouch for.
    """
    rows = content_rows(question)
    if not rows:
        return 0.0
    held = verbatim(question, text)
    if len(sentence.states):
        near = (question.states[rows] @ sentence.states.T).max(axis=1) >= similarity
        held |= near & ~contradicted(question, text)
    return float(held.mean())
