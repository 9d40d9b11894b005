"""A question that leans on the one before: "and how many of them?", "what about Aghdam?".

In a conversation people ask the next thing in as few words as they can: the subject is the
one just talked about, so "when?" alone says nothing a briefing can match. ``answer_follow_up``
reads such a question with the earlier one (and the sentence that answered it) as context:

- "what about X?" / "and X?" asks the earlier question again of X: after "When is Kalbajar
  handed over?", "what about Aghdam?" is "When is Aghdam handed over?";
- any other question that leans on the earlier one (it opens with "and", "but", "so"; or it
  names nothing and is short or points back with "it", "they", "there", ...) is asked alone
  and with the earlier question's words (and, if it points back, the names of the sentence
  that answered: "them" after "The Russian mission will also guard ..." may be the Russian
  mission), and the answer the engine is surest of (``Answer.confidence``) is taken: the
  calibrated probability is what makes readings of different length comparable; but when the
  question asked alone is answered surely (not doubtful), that answer stands: "their" in "Why
  did people burn their homes?" is the people's, not the earlier question's.

A complete question ("Who leads Armenia?", which names what it asks of) is asked alone, as if
nothing came before: measured on ``tests/fixtures/follow_ups.jsonl`` (36 pairs), context
turns 9 right answers of 25 follow-ups into 18 with all-MiniLM-L6-v2 (10 into 18 with
all-mpnet-base-v2, 9 into 16 by words alone) and spoils none of the 11 complete questions
with any of them (``python -m benchmarks.follow_ups``).
"""

from __future__ import annotations

import re

from bot.core.analysis.days import WEEKDAYS
from bot.core.answer import Answerer
from bot.core.lexicon import MONTHS
from bot.core.question import Question
from bot.core.results import Answer

OPENINGS = ("and ", "but ", "also ", "so ", "then ", "what about ", "how about ")
# Words that point back at what was talked about, in a question that names nothing itself.
POINTING = frozenset("it its they them their theirs he him his she her there".split())
SHORT = 4  # words: "out of how many?", "for how long?", "why so late?"
# "what about X?", "how about X?", "and X?" (not "and when ...?": that asks a new thing of it)
_ABOUT = re.compile(
    r"^\s*(?:and\s+)?(?:what|how)\s+about\s+(?P<about>.+?)\s*\??\s*$"
    r"|^\s*and\s+(?!(?:what|when|who|whom|whose|how|why|where|which|is|are|was|were|do|does"
    r"|did|will|can|has|have)\b)(?P<also>.+?)\s*\??\s*$",
    re.IGNORECASE,
)
# A name, in the earlier answer: a run of capitalised words that does not open the sentence.
_NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][\w'\u2019-]+(?: [A-Z][\w'\u2019-]+)*")


def leans_on(question: Question) -> bool:
    """Whether ``question`` reads as the next one in a conversation rather than a new one."""
    text = question.text.strip().lower()
    if text.startswith(OPENINGS):
        return True
    if question.names:
        return False
    words = re.findall(r"[\w']+", text)
    return len(words) <= SHORT or any(w in POINTING for w in words)


def asked_again(question: str, earlier: Question) -> str | None:
    """The earlier question asked of what "what about X?" names, if it is one and can be."""
    found = _ABOUT.match(question)
    if found is None or not earlier.names:
        return None
    about = (found.group("about") or found.group("also") or "").strip()
    if not about or len(about.split()) > SHORT:
        return None
    return earlier.text.replace(earlier.names[0].text, about, 1)


def readings(question: Question, earlier: Question, sentence: str | None) -> list[str]:
    """The texts to ask for ``question`` after ``earlier`` (answered by ``sentence``)."""
    if (again := asked_again(question.text, earlier)) is not None:
        return [again]
    if not leans_on(question):
        return [question.text]
    before = earlier.text.strip().rstrip("?")
    found = [question.text, f"{question.text} {before}"]
    names = " ".join(answer_names(sentence or ""))
    if names and POINTING.intersection(re.findall(r"[\w']+", question.text.lower())):
        found.append(f"{question.text} {before} {names}")  # what "them" may stand for
    return found


def answer_names(sentence: str) -> list[str]:
    """A sentence's names, each once: capitalised runs not opening it, months and days aside."""
    calendar = {m.lower() for m in MONTHS} | {d.lower() for d in WEEKDAYS}
    found = (n for n in _NAME.findall(sentence) if n.split()[0].lower() not in calendar)
    return list(dict.fromkeys(found))


def answer_follow_up(
    answerer: Answerer,
    question: str,
    earlier: str,
    sentence: str | None = None,
    answer_count: int | None = None,
) -> Answer:
    """Answer ``question`` asked after ``earlier`` (answered by ``sentence``, if it was).

    Raises ``QuestionError`` as ``Answerer.ask`` does, for ``question`` itself.
    """
    read = answerer.read(question)
    texts = readings(read, answerer.read(earlier), sentence)
    answers = [answerer.ask(text, answer_count) for text in texts]
    if len(answers) == 1 and texts[0] != read.text and answers[0].best is None:
        return answerer.ask(question, answer_count)  # "what about X?" that X does not answer
    alone = answers[0]
    if texts[0] == read.text and alone.best is not None and not alone.doubtful:
        return alone  # sure of the question by itself: "their" was its own people's
    quoted = [a for a in answers if a.best is not None]
    if not quoted:
        return answers[0]
    return max(quoted, key=lambda a: a.confidence or 0.0)
