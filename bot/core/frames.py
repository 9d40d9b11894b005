"""Question frames: the words of a question that say what kind of answer it wants.

"How many peacekeepers?" is about peacekeepers; "how many" asks for a number. "When did the
conflict start and end?" is about the conflict; "when ... start and end" asks for the dates it
began and ended. Frame words shape the answer but are rarely in it (a writer says "between
September 27 and November 9", not "started on September 27"), so they are not searched for and
do not count towards how much of a question a sentence covers; ``answer_types`` reads the kind
of answer off them instead.
"""

from __future__ import annotations

import re

ASKS_COUNT = re.compile(
    r"\bhow\s+(?:many|much)\b|\bwhat\s+(?:number|percentage|percent|amount|proportion)\b",
    re.IGNORECASE,
)
# "When" asks only where a question starts or ends with it: "what happens when it ends?"
# asks what happens.
ASKS_DATE = re.compile(
    r"^\W*(?:(?:and|but|so|then|or|since|until|till|how|where|why|who)\s+(?:and\s+|or\s+)?)?"
    r"when\b|\bwhen\W*$|\b(?:what|which)\s+(?:year|years|century|decade|date|day|month|era)\b",
    re.IGNORECASE,
)
ASKS_DURATION = re.compile(r"\bhow\s+long\b", re.IGNORECASE)
# "How old", "how far": a measure, so a number.
ASKS_MEASURE = re.compile(
    r"\bhow\s+(?:old|far|high|tall|big|large|fast|often|heavy|deep|wide|hot|cold)\b",
    re.IGNORECASE,
)
# Both ends of a period: "start and end", "begin and finish", "began and ended".
ASKS_BOTH_ENDS = re.compile(
    r"\b(?:start(?:ed)?|beg[ai]n)\s+and\s+(?:end(?:ed)?|finish(?:ed)?|stop(?:ped)?)\b",
    re.IGNORECASE,
)

_HOW_MUCH = re.compile(r"\bhow\s+(?:many|much|long)\b", re.IGNORECASE)
# Verbs that, in a question about time, only say which moment of an event is wanted.
_EVENT_VERBS = re.compile(
    r"\b(?:start|begin|end|finish|last|happen|occur)(?:s|es|ed|red|ing|ning)?\b|\b(?:began|begun)\b"
    r"|\b(?:take|takes|took|taken|taking)\s+place\b",
    re.IGNORECASE,
)


def asks_time(question: str) -> bool:
    """Whether a question asks when something was, or how long it lasted."""
    return bool(ASKS_DATE.search(question) or ASKS_DURATION.search(question))


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
