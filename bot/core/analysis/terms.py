"""Text analysis shared by the index and the question: one analyser, so both sides agree.

Tokens are for search, not for show: folded case and accents, English Snowball stems, no stop
words, "Dec." equal to "December", "2,000" equal to "2000", hyphenated words split into their
parts, possessives dropped, "U.S." kept as one token, "Russian" also read as "Russia". A word
such as "handover" or "pullout" also yields its verb ("hand", "pull"), so a reader's "handed
over" finds the writer's "handover" and the other way round.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import Stemmer

from bot.core.lexicon import MONTH_ABBREVIATIONS, STOP_WORDS

# Acronyms with dots ("U.S.", "e.g."), numbers with separators ("2,000", "3.5", "1990s"),
# then runs of letters and digits. Apostrophes stay inside a word until possessives go.
_TOKEN = re.compile(
    rf"(?P<month>\b(?:{'|'.join(sorted(MONTH_ABBREVIATIONS, key=len, reverse=True))})\.|\bsept\b)"
    r"|(?P<acronym>(?:[^\W\d_]\.){2,})"
    r"|(?P<number>\d+(?:[.,]\d+)*[^\W\d_]*)"
    r"|(?P<word>[^\W_]+(?:'[^\W_]+)*)"
)
_DECADE = re.compile(r"^\d+0s$")  # "1990s" meets "1990's" and "1990"
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_PARTICLES = ("over", "out", "off", "up", "down", "back", "away")
_MIN_VERB = 4
_DEMONYM_ENDINGS = ("ian", "ean", "an", "ani", "eli", "stani")
_MIN_DEMONYM = 6


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a folded word; cached, since vocabularies are small."""
    return str(_stemmer().stemWord(word))


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` ("Café" and "cafe" meet).

    Most English text is ASCII, where normalising changes nothing: skipping it there keeps
    indexing a million sentences fast.
    """
    text = text.translate(_APOSTROPHES).casefold()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _word_terms(word: str) -> Iterator[str]:
    """Terms for one folded word: its stem, and the verb of a particle compound."""
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    if not word or word in STOP_WORDS or (len(word) == 1 and not word.isdigit()):
        return
    yield stem(word)
    if len(word) >= _MIN_DEMONYM and word.endswith(_DEMONYM_ENDINGS):
        yield stem(word[:-1])  # "russian" -> "russia", "israeli" -> "israel"
    for particle in _PARTICLES:
        verb = word[: -len(particle)]
        if word.endswith(particle) and len(verb) >= _MIN_VERB and verb.isalpha():
            if verb not in STOP_WORDS:
                yield stem(verb)
            break


def _match_terms(match: re.Match[str]) -> tuple[str, ...]:
    return _token_terms(match.lastgroup, match.group())


@lru_cache(maxsize=500_000)
def _token_terms(kind: str | None, raw: str) -> tuple[str, ...]:
    """Terms of one token; cached, since a vocabulary is far smaller than a text."""
    return tuple(_raw_terms(kind, raw))


def _raw_terms(kind: str | None, raw: str) -> Iterator[str]:
    if kind == "month":  # "Dec. 1" is December 1; a bare "Jan" may be a name, so needs the dot
        yield stem(MONTH_ABBREVIATIONS[raw.rstrip(".")])
    elif kind == "acronym":
        yield raw.replace(".", "")
    elif kind == "number":
        number = raw.replace(",", "") if _THOUSANDS.match(raw) else raw.rstrip(".,")
        yield number[:-1] if _DECADE.match(number) else number
    else:
        yield from _word_terms(raw)


def tokenize(text: str) -> list[str]:
    """Search terms of ``text``, in order, with repeats (BM25 counts them)."""
    return [term for m in _TOKEN.finditer(fold(text)) for term in _match_terms(m)]


def analyse(text: str) -> tuple[list[str], list[str]]:
    """``tokenize`` of ``text`` and its plain folded words (the spelling vocabulary), in one pass.

    Indexing reads many sentences, so each is scanned once for both.
    """
    terms: list[str] = []
    found: list[str] = []
    for m in _TOKEN.finditer(fold(text)):
        kind, raw = m.lastgroup, m.group()
        terms.extend(_token_terms(kind, raw))
        if kind == "word":
            found.append(raw)
    return terms, found


def word_terms(word: str) -> tuple[str, ...]:
    """Terms of one folded word, such as the known word a misspelt one is read as."""
    return tuple(_word_terms(word))


def tokens(text: str) -> Iterator[tuple[bool, str, tuple[str, ...]]]:
    """Each token of ``text``, folded: whether it is a plain word, its text and its terms.

    The question reader walks these to mend the misspelt words among them.
    """
    for match in _TOKEN.finditer(fold(text)):
        yield match.lastgroup == "word", match.group(), _match_terms(match)


def term_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Character spans of the words in ``text`` whose terms meet ``terms``.

    Used to mark the question's words in a quoted sentence. Folding can change a string's
    length, so words are found in the original text and folded one at a time.
    """
    spans = []
    for m in re.finditer(r"[^\W_]+(?:[.,'\u2019][^\W_]+)*\.?", text):
        word = m.group()
        if terms.intersection(tokenize(word)):
            end = m.end() - 1 if word.endswith(".") and word.count(".") == 1 else m.end()
            spans.append((m.start(), end))
    return spans
