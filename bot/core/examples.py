"""Example questions drawn from the knowledge itself, each one the engine answers.

A greeting or "who are you?" is best met with questions the reader can ask next. Made-up
examples go stale with the knowledge (and one the bot then refuses teaches the reader it is
useless), so the examples come from the section headings of the newest briefings, asked as
"What about <heading>?", and only those are kept whose answer the engine gives with
confidence and from that very section.
"""

from __future__ import annotations

import re

from bot.core.answer import Answerer
from bot.core.errors import QuestionError

EXAMPLES = 3
SECTIONS_TRIED = 12  # headings asked at most: each costs an answer
_WORD = re.compile(r"[^\W\d_]+")


def heading_phrase(heading: str, text: str) -> str:
    """The heading as it reads inside a sentence: "Return of territory" as "return of territory".

    The first word keeps its capital when ``text`` (the knowledge's sentences) only ever writes
    it so (a name: "Russian peacekeepers"), since a heading capitalises its first word whatever
    it is.
    """
    phrase = heading.strip().rstrip(".:;!?")
    first = _WORD.match(phrase)
    if first is None or not first.group().istitle():
        return phrase
    word = first.group()
    if re.search(rf"\b{re.escape(word.lower())}\b", text):
        return word.lower() + phrase[len(word) :]
    return phrase


def example_questions(answerer: Answerer, count: int = EXAMPLES) -> tuple[str, ...]:
    """Up to ``count`` questions on the newest briefings' sections that the engine answers."""
    found: list[str] = []
    tried = 0
    documents = answerer.base.newest_first()
    text = "\n".join(s for d in documents for p in d.paragraphs for s in p.sentences)
    for document in documents:
        for section in document.sections:
            if len(found) >= count or tried >= SECTIONS_TRIED:
                return tuple(found)
            tried += 1
            question = f"What about {heading_phrase(section, text)}?"
            try:
                answer = answerer.ask(question, 1)
            except QuestionError:
                continue
            best = answer.best
            if best is not None and not answer.doubtful and best.section == section:
                found.append(question)
    return tuple(found)
