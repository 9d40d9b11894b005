"""Sentence splitting for English news prose.

A full stop ends a sentence only when what follows looks like a new sentence (a capital, a
digit, an opening quote or bracket) and what precedes it is not an abbreviation ("Dec. 1",
"Mr. Smith", "U.S. troops", "J. R. R. Tolkien"). Closing quotes and brackets after the stop stay
with the sentence they close. Decimals and thousands ("3.5", "2,000") never split, since no
space follows their stop. Rule-based and fast: a million sentences split in seconds.
"""

from __future__ import annotations

import re

from bot.core.lexicon import MONTH_ABBREVIATIONS

# Words that end with a stop but rarely end a sentence when a capital follows.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft rev gen col lt maj capt cmdr sgt adm gov sen rep pres
    hon fr messrs mme mlle
    mon tue tues wed thu thur thurs fri sat sun
    no nos vol vols p pp ch fig figs art sec para ed eds eg ie cf vs etc al approx est inc
    ltd co corp bros dept univ assn ave blvd rd
    """.split()
).union(MONTH_ABBREVIATIONS)
# After these, a following capital is usually a new sentence even after an acronym.
_SENTENCE_STARTERS = frozenset(
    "the a an it he she they we i in on at this that there these those but and however "
    "meanwhile after before when while its his her their our".split()
)
_TERMINATORS = ".!?\u2026"
_CLOSERS = "\"'\u201d\u2019)]}\u00bb"
_OPENERS = "\"'\u201c\u2018([{\u00ab"
_CANDIDATE = re.compile(
    rf"(?:[{_TERMINATORS}]+)[{re.escape(_CLOSERS)}]*(?=\s+[{re.escape(_OPENERS)}]*[^\W_])"
)
_WORD_BEFORE = re.compile(r"([^\s\"'(\[{\u201c\u2018]+)$")
_LOOKBACK = 64
_NEXT_WORD = re.compile(r"\s+[" + re.escape(_OPENERS) + r"]*([^\s]+)")


def _word_before(text: str, end: int) -> re.Match[str] | None:
    """The word that ends at ``end``, found near it.

    Searching from 0 every time is quadratic in long paragraphs; only a word as long as the
    look-back window needs the search from the start.
    """
    start = max(0, end - _LOOKBACK)
    found = _WORD_BEFORE.search(text, start, end)
    if found is not None and found.start() == start and start > 0:
        return _WORD_BEFORE.search(text, 0, end)
    return found


def _is_boundary(text: str, stop: re.Match[str]) -> bool:
    """Decide whether the candidate ``stop`` really ends a sentence."""
    nxt = _NEXT_WORD.match(text, stop.end())
    if nxt is None:
        return False
    following = nxt.group(1)
    if not (following[0].isupper() or following[0].isdigit()):
        return False
    punct = stop.group()
    if punct[0] != "." or punct.startswith(".."):
        return True  # "?", "!" and ellipses before a capital end a sentence
    before = _word_before(text, stop.start())
    if before is None:
        return True
    word = before.group(1)
    bare = word.rstrip(".").lower()
    starter = following.strip("\"'\u201c\u2018,;:").lower() in _SENTENCE_STARTERS
    if "." in word:  # "U.S." or "e.g." (the candidate's stop is the acronym's last one)
        return starter
    if bare in ABBREVIATIONS:
        return starter and bare not in {"mr", "mrs", "ms", "dr", "st", "no", "vs", "p", "pp"}
    # a single capital is an initial, as in "John F. Kennedy"
    return not (len(bare) == 1 and bare.isalpha() and word[0].isupper())


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, each stripped, none empty."""
    text = " ".join(text.split())
    sentences: list[str] = []
    start = 0
    for stop in _CANDIDATE.finditer(text):
        if _is_boundary(text, stop):
            piece = text[start : stop.end()].strip()
            if piece:
                sentences.append(piece)
            start = stop.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
