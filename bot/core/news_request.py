"""Whether a message asks what is new ("what's new?", "any news today?", "catch me up").

Asked as a question, "what's new?" finds some sentence with "new" in it, or nothing: what the
reader wants is the newest briefings (``bot.core.digest``). People ask it in many words, so it
is told by what the message is made of, not by a phrase: at least one word that asks for news
(``ASKING``: "new", "latest", "headlines", "updates", "happening", "catch ... up", ...) and no
word beyond those and the small words around them (``AROUND``: "what", "any", "today", "me",
"please", "briefings", ...). Anything that names a subject ("any news on Kalbajar?", "what's
new with the ferry strike?", "who is the new mayor?") is a question about it, for the engine,
which already prefers the newest briefing that answers.

Measured on ``tests/fixtures/whats_new.jsonl`` (requests and near misses of our own) and for
false alarms on every shared question set (``python -m benchmarks.news_requests``).
"""

from __future__ import annotations

import re

from bot.core.lexicon import STOP_WORDS

ASKING = frozenset(
    """new newer newest latest recent news update updates updated headline headlines digest
    roundup rundown summary summarize summarise brief happening happened happen fresh miss
    missed stories briefing briefings recap overview highlights developments stuff""".split()
)
# The small words around a request: English function words (the engine's stop words) but
# those that ask about a subject (who, when, where, why, how, which), words of time, and what
# people say around a request in a chat.
_ASKS_ABOUT = frozenset("who whom when where which why how".split())
_TIME = frozenset(
    """today todays tonight morning evening afternoon night overnight week weeks weekend month
    yesterday yesterdays day days lately recently currently since last past hours hour few
    two three four five several couple monday tuesday wednesday thursday friday saturday
    sunday""".split()
)
_CHAT = frozenset(
    """hi hello hey yo sup hiya good ok okay well thanks thank bot pls plz gimme give get got
    send show let can could quick quickly short whats anything something everything world
    interesting important big top main key daily right story item items offline back woke
    away busy fill going catch kindly provide share list need want appreciate covered come
    came run hit behind team meeting check request requesting omg lol""".split()
)
AROUND = (STOP_WORDS - _ASKS_ABOUT) | _TIME | _CHAT
# Chat spellings, read as the words they stand for.
_SPELLINGS = {
    "wat": "what",
    "wats": "what",
    "wht": "what",
    "happend": "happened",
    "goin": "going",
    "rn": "now",
    "u": "you",
    "ur": "your",
    "nu": "new",
}
# These ask only with a word of time, "I" or "me": "what happened?" alone is a question, and
# "briefings?" alone may be "which briefings do you have?"; "today's briefing" is a request.
_NEEDS_TIME = frozenset({"happened", "happen", "miss", "missed", "brief", "briefing", "briefings"})
_ARRIVING = ("come in", "came in", "come out", "came out", "arrived")  # briefings arriving
_WORD = re.compile(r"[a-z]+")
MAX_WORDS = 14


def _words(text: str) -> list[str]:
    found = _WORD.findall(text.lower().replace("\u2019", "'"))
    return [_SPELLINGS.get(word, word) for word in found]


def asks_whats_new(text: str) -> bool:
    """Whether ``text`` asks for the newest briefings rather than about a subject."""
    words = _words(text)
    if not words or len(words) > MAX_WORDS:
        return False
    if any(w not in ASKING and w not in AROUND for w in words):
        return False  # it names a subject: a question for the engine
    joined = f" {' '.join(words)} "
    asking = {w for w in words if w in ASKING}
    asking |= {"going on"} if " going on " in joined else set()
    asking |= {"catch up"} if "catch" in words and "up" in words else set()
    asking |= {"fill in"} if " fill me in " in joined or " fill us in " in joined else set()
    asking |= {p for p in _ARRIVING if f" {p} " in joined}
    if {"anything", "something"} & set(words) and _TIME & set(words):
        asking.add("anything since")  # "anything since Monday?", "anything overnight?"
    if not asking:
        return False
    # "what happened?" alone asks about something; "what did I miss?" and "today" do not
    return not asking <= _NEEDS_TIME or bool(_TIME & set(words)) or "i" in words or "me" in words
