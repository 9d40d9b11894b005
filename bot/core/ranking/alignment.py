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
"""

from __future__ import annotations

from bot.core.analysis.encoder import TokenStates
from bot.core.lexicon import STOP_WORDS


def content_rows(question: TokenStates) -> list[int]:
    """The pieces that begin a content word of the question: what it asks about."""
    return [
        row
        for row, word in enumerate(question.words)
        if word and any(c.isalnum() for c in word) and word.lower() not in STOP_WORDS
    ]


def aligned_share(question: TokenStates, sentence: TokenStates, similarity: float) -> float:
    """Share of the question's content words with a piece of ``sentence`` this close or closer.

    0.0 for a question of stop words only, or an empty sentence: nothing to vouch for.
    """
    rows = content_rows(question)
    if not rows or not len(sentence.states):
        return 0.0
    closest = (question.states[rows] @ sentence.states.T).max(axis=1)
    return float((closest >= similarity).mean())
