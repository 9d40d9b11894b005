"""Whether a message asks what is new ("what's new?", "any news today?", "catch me up").

Asked as a question, "what's new?" finds some sentence with "new" in it, or nothing: what the
reader wants is the newest briefings (``bot.core.digest``). People ask it in many words, so it
is told by what the message is made of, not by a phrase:

- it asks for news: a word such as "new", "latest", "headlines", "updates", "recap",
  "happening", or "catch me up", "fill me in", "anything since Monday?" (``ASKING``);
- it names no subject. A subject is what a question about something has and a request does
  not: a name ("any news on Kalbajar?", "the ECB"), a word after "on", "about", "with",
  "regarding" ("what's the latest on the bus strike?"), a word before the news it qualifies
  ("sports headlines", "tech news"), or more than ``MAX_OTHER`` words that are neither the
  small words of a request (function words, words of time, of number, of format, of chat:
  ``AROUND``) nor asking words ("who is the new finance minister?" asks with "who").

Anything naming a subject is a question for the engine, which already prefers the newest
briefing that answers. Measured on ``tests/fixtures/whats_new.jsonl`` (requests and near misses,
of our own and of helpers who did not see the rule) and for false alarms on every shared
question set (``python -m benchmarks.news_requests``).
"""

from __future__ import annotations

import re

from bot.core.lexicon import STOP_WORDS

ASKING = frozenset(
    """new newer newest latest recent news update updates updated headline headlines digest
    roundup rundown summary summarize summarise recap overview highlights developments
    happening fresh freshest stories tldr roundup rundown""".split()
)
# These ask only with a word of time, "I" or "me": "what happened?" alone asks about something
# said before, and "briefing?" may be "which briefing is that?"; "today's briefing" asks.
_WITH_TIME = frozenset(
    "happened happen miss missed brief briefing briefings stuff read know".split()
)
_ASKS_ABOUT = frozenset("who whom when where which why how".split())
_TIME = frozenset(
    """today todays tonight morning evening afternoon night overnight week weeks weekend month
    yesterday yesterdays yday day days lately recently currently since last past hours hour
    minute minutes pm am asleep holiday holidays vacation shift monday tuesday wednesday
    thursday friday saturday sunday so far ago""".split()
)
_NUMBER = frozenset(
    """one two three four five six seven eight nine ten few several couple dozen""".split()
)
_FORMAT = frozenset(
    """short shortly brief briefly quick quickly simple plain bullet bullets points point
    line lines paragraph sentence sentences words word list tl dr glance only each""".split()
)
_CHAT = frozenset(
    """hi hello hey yo sup hiya good ok okay well thanks thank bot pls plz gimme give get got
    send show let can could would need want like kindly provide share tell explain sir madam
    dear please whats anything something everything world worth interesting important big
    top main key daily right story item items offline back woke away busy behind fill going
    catch come came covered run hit check request requesting omg lol aware seen yet here
    have ve start before while""".split()
)
AROUND = (STOP_WORDS - _ASKS_ABOUT) | _TIME | _NUMBER | _FORMAT | _CHAT
_PREPOSITIONS = frozenset("on about with regarding concerning re around in of".split())
_NEWS_NOUNS = frozenset("news headlines headline stories story updates update briefing".split())
# A word of its own after these is what is asked about: "the new border", "news agency".
_QUALIFYING = frozenset("new newer newest latest recent fresh freshest news".split())
# A yes-or-no question with a word of its own asks about that: "did the strike happen?"
_POLAR = frozenset("did does do is are was were has have will would".split())
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
    "anythng": "anything",
    "anyting": "anything",
    "newz": "news",
    "lates": "latest",
}
_PHRASES = (
    "tl dr",
    "going on",
    "catch up",
    "catch me up",
    "fill me in",
    "fill us in",
    "come in",
    "came in",
    "come out",
    "came out",
)
_TOKEN = re.compile(r"[A-Za-z]+|\d+")
MAX_WORDS = 24
MAX_OTHER = 3  # words of no kind above that a request may carry: "student here, ..."


def _tokens(text: str) -> list[str]:
    found = _TOKEN.findall(text.replace("\u2019", "'"))
    return [_SPELLINGS.get(t.lower(), t) if t.lower() in _SPELLINGS else t for t in found]


def _names_something(tokens: list[str], words: list[str]) -> bool:
    """Whether the message names a subject (see the module docstring)."""
    other = 0
    for at, (token, word) in enumerate(zip(tokens, words, strict=True)):
        known = word in AROUND or word in ASKING or word in _WITH_TIME or word.isdigit()
        if known:
            continue
        if at > 0 and token[:1].isupper() and token != "I":
            return True  # a name: "Kalbajar", "the ECB"
        if at > 0 and words[at - 1] in _PREPOSITIONS:
            return True  # "on the bus strike" (with "the" between, below)
        if at > 1 and words[at - 1] in ("the", "a", "an") and words[at - 2] in _PREPOSITIONS:
            return True
        if at + 1 < len(words) and words[at + 1] in _NEWS_NOUNS:
            return True  # "sports headlines", "tech news"
        if at > 0 and words[at - 1] in _QUALIFYING:
            return True  # "the new border", "the latest figure", "a news agency"
        if words[0] in _POLAR:
            return True  # "did the strike happen yesterday?", "is the bus strike going on?"
        other += 1
    return other > MAX_OTHER


def asks_whats_new(text: str) -> bool:
    """Whether ``text`` asks for the newest briefings rather than about a subject."""
    tokens = _tokens(text)
    words = [t.lower() for t in tokens]
    if not words or len(words) > MAX_WORDS or words[0] in _ASKS_ABOUT:
        return False
    if _names_something(tokens, words):
        return False
    joined = f" {' '.join(words)} "
    asking = {w for w in words if w in ASKING}
    asking |= {p for p in _PHRASES if f" {p} " in joined}
    if {"anything", "something"} & set(words) and _TIME & set(words):
        asking.add("anything since")  # "anything since Monday?", "anything overnight?"
    timed = bool(_TIME & set(words)) or "i" in words or "me" in words
    if timed:
        asking |= {w for w in words if w in _WITH_TIME}
    return bool(asking)


_ABOUT = re.compile(
    r"^\s*(?:hi|hey|hello|so|ok|okay)?[,!.\s]*"
    r"(?:whats|what(?:'s|\s+is|\s+are)?|any|anything|got\s+any|give\s+me|tell\s+me)?\s*"
    r"(?:the\s+)?(?:latest|news|new|updates?|headlines?|developments)\s*"
    r"(?:news\s+)?(?:on|about|with|regarding|concerning|from|in)\s+(?P<subject>.+?)[\s?!.]*$",
    re.IGNORECASE,
)


def news_about(text: str) -> str | None:
    """The subject of "what's the news on the ferry?", "any updates about the strike?", else None.

    Such a message asks for the latest about its subject, which the engine finds by the subject
    alone (preferring the newest briefing that speaks of it): "news" and "latest" are in no
    sentence, and searched for they only cost the answer.
    """
    found = _ABOUT.match(text.replace("\u2019", "'"))
    if found is None or asks_whats_new(text):  # "what's new in the briefings?" names none
        return None
    subject = found["subject"].strip()
    return subject if re.search(r"[^\W\d_]", subject) and len(subject.split()) <= 8 else None
