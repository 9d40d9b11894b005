"""Which language a question is written in, when it is plainly not English.

The briefings are English and so is everything the engine reads, so a question in Russian or
German finds nothing and gets "the briefings do not say", as if the bot had not understood
that it was asked at all. Knowing the language, the bot can say in it (and in English) that it
answers questions in English.

The detector is py3langid (langid.py's naive Bayes over byte n-grams, maintained by the
author of trafilatura, BSD-3-Clause): its model ships inside the wheel (4.6 MB), so nothing
is downloaded, it reads a question in a tenth of a millisecond, and it gives a probability
for each language, so "is it English?" can be asked directly. It is restricted to
``LANGUAGES``, the languages this bot's readers are likely to write (the fewer it weighs, the
less it confuses one for another on a short text). Loading takes most of a second and about
85 MB, so it happens on the first question that needs it.

A wrong "this is not English" costs an English question its answer, so the rule leans hard
towards English (measured on the shared question sets and ours: no English question of 2,300
is taken for another language; ``benchmarks.languages``):

- a text mostly in another script than Latin (Cyrillic, Armenian, Georgian, Arabic, CJK) is
  not English, whatever its Latin names;
- a text in Latin letters must have at least ``MIN_WORDS`` words ("Shusha?" or "Aliyev" could
  be anything), and English must be all but ruled out: under ``ENGLISH_FLOOR``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Any

LANGUAGES = "en ru uk az tr hy ka kk fr de es it pt pl nl sv cs ro el bg ar fa he zh ja ko".split()
NAMES = {
    "ru": "Russian",
    "uk": "Ukrainian",
    "az": "Azerbaijani",
    "tr": "Turkish",
    "hy": "Armenian",
    "ka": "Georgian",
    "kk": "Kazakh",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "pl": "Polish",
    "nl": "Dutch",
    "sv": "Swedish",
    "cs": "Czech",
    "ro": "Romanian",
    "el": "Greek",
    "bg": "Bulgarian",
    "ar": "Arabic",
    "fa": "Persian",
    "he": "Hebrew",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
}
MIN_WORDS = 2
ENGLISH_FLOOR = 0.01
_WORD = re.compile(r"[^\W\d_]+")


def latin_share(text: str) -> float:
    """The share of the text's letters that are Latin ones (1 for a text without letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    latin = sum(unicodedata.name(c, "").startswith("LATIN") for c in letters)
    return latin / len(letters)


class LanguageReader:
    """Tells a question that is not in English, and names its language.

    Thread-safe: the bot answers in worker threads, and the model is loaded once, by the first
    of them that needs it.
    """

    def __init__(self) -> None:
        self._identifier: Any = None
        self._lock = threading.Lock()

    def _ranked(self, text: str) -> dict[str, float]:
        with self._lock:
            if self._identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                identifier.set_languages(list(LANGUAGES))
                self._identifier = identifier
            identifier = self._identifier
        return {language: float(p) for language, p in identifier.rank(text)}

    def foreign(self, text: str) -> str | None:
        """The language code of ``text`` if it is plainly not English, else ``None``."""
        words = _WORD.findall(text)
        if not words:
            return None
        latin = latin_share(text) >= 0.5
        if latin and len(words) < MIN_WORDS:
            return None
        ranked = self._ranked(text)
        if latin and ranked.get("en", 0.0) >= ENGLISH_FLOOR:
            return None
        others = {k: v for k, v in ranked.items() if k != "en"}
        return max(others, key=others.__getitem__)
