"""A question, read once: what it is about (its terms, its names) and what kind of answer it wants.

Every later step (search, ranking, abstention) works from this one ``Question`` value instead of
re-reading the text.

Frames: "How many peacekeepers?" is about peacekeepers; "how many" asks for a number. "When did
the conflict start and end?" is about the conflict; "when ... start and end" asks for the dates
it began and ended. Frame words shape the answer but are rarely in it (a writer says "between
September 27 and November 9", not "started on September 27"), so they are not searched for and
do not count towards how much of a question a sentence covers; the kind of answer is read off
them instead (``AnswerType`` for the coarse kind every sentence is checked for, ``Wanted`` for
the fine kind checked on the best candidates).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from bot.core.analysis.entities import AnswerType, times
from bot.core.analysis.terms import tokenize, tokens, word_terms
from bot.core.errors import QuestionError
from bot.core.lexicon import paired, polar, words

MAX_QUESTION_CHARS = 1000

_ASKS_COUNT = re.compile(
    r"\bhow\s+(?:many|much)\b|\bwhat\s+(?:number|percentage|percent|amount|proportion)\b",
    re.IGNORECASE,
)
# "When" asks only where a question starts or ends with it: "what happens when it ends?"
# asks what happens.
_ASKS_DATE = re.compile(
    r"^\W*(?:(?:and|but|so|then|or|since|until|till|how|where|why|who)\s+(?:and\s+|or\s+)?)?"
    r"when\b|\bwhen\W*$|\b(?:what|which)\s+(?:year|years|century|decade|date|day|month|era)\b",
    re.IGNORECASE,
)
_ASKS_DURATION = re.compile(r"\bhow\s+long\b", re.IGNORECASE)
# "How old", "how far": a measure, so a number.
_ASKS_MEASURE = re.compile(
    r"\bhow\s+(?:old|far|high|tall|big|large|fast|often|heavy|deep|wide|hot|cold)\b",
    re.IGNORECASE,
)
# Both ends of a period: "start and end", "begin and finish", "began and ended".
_ASKS_BOTH_ENDS = re.compile(
    r"\b(?:start(?:ed)?|beg[ai]n)\s+and\s+(?:end(?:ed)?|finish(?:ed)?|stop(?:ped)?)\b",
    re.IGNORECASE,
)

# "Is the war over?" asks whether it has ended: "over" is a stop word, searched for nowhere,
# so at the end of a yes-or-no question it is read as "ended" (searched for, and the event
# asked about: ``Question.moment``).
_OVER = re.compile(r"\bover(?=(?:\s+(?:yet|now|already|for\s+good))?\W*$)", re.IGNORECASE)

_HOW_MUCH = re.compile(r"\bhow\s+(?:many|much|long)\b", re.IGNORECASE)
# Verbs that, in a question about time, only say which moment of an event is wanted.
_EVENT_VERBS = re.compile(
    r"\b(?:start|begin|end|finish|last|happen|occur|open|close|launch|conclude)"
    r"(?:s|es|ed|d|red|ing|ning)?\b|\b(?:began|begun)\b"
    r"|\b(?:take|takes|took|taken|taking)\s+place\b",
    re.IGNORECASE,
)


def asks_time(question: str) -> bool:
    """Whether a question asks when something was, or how long it lasted."""
    return bool(_ASKS_DATE.search(question) or _ASKS_DURATION.search(question))


def predicate(question: str) -> str:
    """The question with a yes-or-no question's closing "over" read as "ended"."""
    return _OVER.sub("ended", question) if polar(words(question)) else question


def without_frames(question: str) -> str:
    """The question less its frame words, for search.

    "How many" and "how long" go always: "many" is rare enough in prose to pull in any
    sentence that says it, and "long" finds "decades-long" for "how long did it last?". Verbs
    of happening, beginning and ending go from questions about time: on the shared SQuAD set
    that moved no question's right sentence down, and on the briefing it lets the dated
    sentence about the conflict outrank one that only says "ending".
    """
    if asks_time(question):
        question = _EVENT_VERBS.sub(" ", question)
    return _HOW_MUCH.sub(" ", question)


_ASKS = {
    AnswerType.NUMBER: (_ASKS_COUNT, _ASKS_DURATION, _ASKS_MEASURE),
    AnswerType.DATE: (_ASKS_DATE,),
}
_COUNTED = re.compile(
    r"\bhow\s+(?:many|much)\s+(?:of\s+the\s+|more\s+|other\s+)?([^\W\d_][\w-]*)", re.IGNORECASE
)
_ASKS_PERCENT = re.compile(r"\b(?:percentage|percent|proportion)\b", re.IGNORECASE)
_ASKS_WHO = re.compile(r"^\W*(?:who|whom|whose)\b", re.IGNORECASE)
# Runs of capitalised words after the first ("Great Britain"), and acronyms: the names a
# question is about.
_NAME = re.compile(
    r"(?<=[\s\"'(\u201c])[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*|\b[A-Z]{2,}\b"
)


# "Who is Aliyev?", "What is the Minsk Group?", "what are points on a mortgage": asks for who or
# what something is; the subject runs to the first preposition ("points"), but "of" asks for
# something of it ("the capital of France"), not what it is.
_ASKS_IDENTITY = re.compile(
    r"^\W*(?:(?:who|what)\s+(?:is|are|was|were)|(?:who|what)['\u2019]s)\s+(?:(?:a|an|the)\s+)?"
    r"(?P<subject>[\w'\u2019-]+(?:\s+[\w'\u2019-]+){0,3}?)"
    r"(?:\s+(?P<after>of|on|in|for|at|to|from|by|with|called|about|used|like)\b.*)?\W*$",
    re.IGNORECASE,
)
# Not a subject: a participle or an adjective the question goes on from ("What was enhanced",
# "Who is subject to vetting"), or a question word ("what is which").
# A participle is told by its ending only in lower case: "Ahmed" and "Sweden" are subjects.
_NOT_SUBJECT = re.compile(
    r"^(?:[a-z]{4,}ed|taken|given|chosen|written|seen|done|made|shown|known|born|subject|able"
    r"|likely|responsible|(?i:which|what|who|it|this|that|there|they|he|she|the))$"
)


def asked_subject(question: str) -> str | None:
    """What a "who is" or "what is" question asks to be told about, if it is one."""
    match = _ASKS_IDENTITY.search(question)
    if match is None:
        return None
    subject = match.group("subject")
    words = subject.split()
    if _NOT_SUBJECT.match(words[0]) or _NOT_SUBJECT.match(words[-1]):
        return None
    # "the capital of France", "Armenia and Turkey": asks for an attribute, or several things.
    if {w.lower() for w in words} & {"of", "and", "or"} or match.group("after") == "of":
        return None
    return subject


class Period(Enum):
    """How much of a period a question about time asks for."""

    LENGTH = "length"  # "how long": a duration, or the end it ran until or since
    ENDS = "ends"  # "when did it start and end": a duration, or both its ends


@dataclass(frozen=True, slots=True)
class Wanted:
    """The fine-grained answer a question asks for."""

    counted: str | None  # the search term of what "how many" counts
    percent: bool
    name_besides: frozenset[str] | None  # for "who": names the question already gives
    period: Period | None = None
    subject: str | None = None  # for "who is X?", "what is X?": X, to be defined

    @property
    def anything(self) -> bool:
        """Whether there is anything to check candidates for."""
        return bool(
            self.counted
            or self.percent
            or self.name_besides is not None
            or self.period
            or self.subject
        )


@dataclass(frozen=True, slots=True)
class Name:
    """A name the question mentions, and the search terms of its head (last) word.

    "Great Britain" is mentioned wherever "Britain" is: a name of several words is looked for by
    its head.
    """

    text: str
    head_terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Question:
    """A question as every later step needs it."""

    text: str  # white space folded, as asked
    terms: tuple[str, ...]  # searched for: frame words gone, misspelt words read as known ones
    kind: AnswerType | None  # the coarse kind of answer, favoured in every sentence
    wanted: Wanted  # the fine kind, checked on the best candidates
    names: tuple[Name, ...]
    # The months and years it names, as search terms (``entities.times``): a sentence about
    # another month does not answer it (``abstention.another_time``).
    times: frozenset[str] = frozenset()

    @property
    def polar(self) -> bool:
        """Whether it asks yes or no ("Did Armenia keep Shusha?"): a denial answers it too."""
        return polar(words(self.text))

    @property
    def moment(self) -> tuple[str, ...]:
        """The words that say which event, or which moment of one, the question asks about.

        "When does the summit open?": "open". They are frame words, not searched for, but a
        sentence that names the same moment ("moved the start of the summit to March 10")
        is likelier the answer than one that names another ("the closing declaration will
        be signed on March 21"). A yes-or-no question asks whether the event happened
        ("Did Armenia lose the war?", "Is the war over?"), and a sentence that names it or
        its opposite ("sealing its defeat") states or denies it. Only words of
        ``lexicon.OPPOSITES``, which says which are one. None when both moments are asked for
        ("when did it start and end?" asks for a period).
        """
        if self.polar:
            return tuple(w.lower() for w in words(predicate(self.text)) if paired(w))
        if not asks_time(self.text) or self.wanted.period is not None:
            return ()
        return tuple(w.lower() for w in words(self.text) if paired(w))


Known = Callable[[str], bool]
Correct = Callable[[str], str | None]


def _asked_type(question: str) -> AnswerType | None:
    """The coarse kind of answer a question wants, if its wording says so (counting wins)."""
    for kind, patterns in _ASKS.items():
        if any(p.search(question) for p in patterns):
            return kind
    return None


def _wanted(question: str, names: tuple[Name, ...]) -> Wanted:
    """The fine-grained answer type a question asks for."""
    counted = None
    if match := _COUNTED.search(question):
        terms = tokenize(match.group(1))
        counted = terms[0] if terms else None
    besides = None
    subject = asked_subject(question)
    if _ASKS_WHO.search(question) and subject is None:
        besides = frozenset(word for name in names for word in name.text.split())
    period = None
    if _ASKS_DURATION.search(question):
        period = Period.LENGTH
    elif asks_time(question) and _ASKS_BOTH_ENDS.search(question):
        period = Period.ENDS
    return Wanted(counted, bool(_ASKS_PERCENT.search(question)), besides, period, subject)


def _terms(text: str, known: Known | None, correct: Correct | None) -> list[str]:
    """Search terms of ``text``; a word whose terms are all unknown is read as ``correct`` says."""
    terms: list[str] = []
    for is_word, raw, found in tokens(text):
        if is_word and found and known and correct and not any(known(t) for t in found):
            fixed = correct(raw)
            terms.extend(word_terms(fixed) if fixed else found)
        else:
            terms.extend(found)
    return terms


def read_question(
    text: str, known: Known | None = None, correct: Correct | None = None
) -> Question:
    """Read a question once; ``known`` tells the knowledge's terms, ``correct`` mends typos.

    Raises ``QuestionError`` for a question that cannot be asked at all.
    """
    question = " ".join(text.split())
    if not question:
        raise QuestionError("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is longer than {MAX_QUESTION_CHARS} characters")
    found = dict.fromkeys(m.group() for m in _NAME.finditer(question))
    names = tuple(Name(n, tuple(_terms(n.split()[-1], known, correct))) for n in found)
    return Question(
        text=question,
        terms=tuple(_terms(without_frames(predicate(question)), known, correct)),
        kind=_asked_type(question),
        wanted=_wanted(question, names),
        names=names,
        times=times(question),
    )
