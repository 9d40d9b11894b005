"""What is said to the bot that is not a question: greetings, thanks, "who are you", "help".

People talk to a bot in Telegram as they talk to anyone: "hi", "thanks!", "ok". Asked of the
briefings, those get "the briefings do not say", which reads as if the bot did not listen. So a
message is read here first. Only a whole message counts (after punctuation, emoji and a name
for the bot are set aside): "thanks" is small talk, "thanks, and what about Lachin?" is
thanks followed by a question, which is then asked alone, and "what is a greeting card?" is a
question. The phrases are few and plain on purpose: a question mistaken for small talk loses
its answer, while small talk mistaken for a question only gets the refusal it got before.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Chat(StrEnum):
    """The kinds of small talk, each with a reply of its own."""

    GREETING = "greeting"
    THANKS = "thanks"
    OKAY = "okay"
    IDENTITY = "identity"
    HELP = "help"
    FAREWELL = "farewell"


def _phrases(*lines: str) -> frozenset[str]:
    return frozenset(p.strip() for line in lines for p in line.split("|"))


PHRASES: dict[Chat, frozenset[str]] = {
    Chat.GREETING: _phrases(
        "hi|hello|hey|hiya|howdy|greetings|yo|hi hi|hey hey|hello hello|hallo|heya",
        "good morning|good afternoon|good evening|good day|morning|evening",
        "how are you|how are you doing|how is it going|how's it going|hows it going",
        "what's up|whats up|sup|hi how are you|hello how are you|hey how are you",
    ),
    Chat.THANKS: _phrases(
        "thanks|thank you|thankyou|thx|ty|tnx|cheers|thanks a lot|thank you so much",
        "thanks so much|many thanks|much appreciated|thank you very much|thanks very much",
        "great thanks|ok thanks|okay thanks|perfect thanks|cool thanks|nice thanks",
        "thanks a million|thanks again|thank you again|appreciated|great thank you",
        "ok thank you|okay thank you|that helps|that helped|helpful|very helpful",
    ),
    Chat.OKAY: _phrases(
        "ok|okay|k|kk|cool|great|nice|good|got it|i see|alright|all right|perfect|fine",
        "understood|noted|sure|awesome|excellent|wow|interesting|ah|oh|aha|right",
    ),
    Chat.IDENTITY: _phrases(
        "who are you|what are you|what is this|what's this|whats this|who is this",
        "what can you do|what do you do|what do you know|what do you know about",
        "are you a bot|are you human|are you a human|are you real|are you a person",
        "who made you|who built you|what is this bot|what's this bot|what are you for",
        "what can i ask|what can i ask you|what should i ask|what do i ask",
        "what is your name|what's your name|whats your name",
    ),
    Chat.HELP: _phrases(
        "help|help me|help please|please help|how does this work|how do you work",
        "how do i use this|how do i use you|how to use|how to use this|how do i ask",
        "commands|menu|instructions|what are the commands|start",
    ),
    Chat.FAREWELL: _phrases(
        "bye|goodbye|good bye|bye bye|see you|see ya|see you later|later|good night",
        "ciao|farewell|cya|take care|have a nice day|have a good day",
    ),
}
# Said after a greeting or thanks, to the bot: "hi there", "thanks bot", "hello everyone".
ADDRESSED = frozenset("there bot everyone all guys folks friend mate buddy again".split())
# Words of a phrase, the rest left out: letters, digits and the apostrophe of "what's".
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
# At most this many words: small talk is short, and a long message is a question or a story.
LONGEST = 8


class SmallTalk(BaseModel):
    """A message read for small talk: its kind, if any, and the question it holds, if any.

    ``question`` is what is left to ask once a leading greeting or thanks is set aside ("hi,
    when is Kalbajar handed over?"), or the whole message when it is no small talk at all.
    """

    model_config = ConfigDict(frozen=True)

    kind: Chat | None = None
    question: str = ""


def _words(text: str) -> list[str]:
    return [w.replace("\u2019", "'") for w in _WORD.findall(text.lower().replace("\u2019", "'"))]


def kind_of(words: list[str]) -> Chat | None:
    """The kind of small talk these words are on their own, if any."""
    while words and words[-1] in ADDRESSED:  # "hi there", "thanks bot"
        words = words[:-1]
    if not words or len(words) > LONGEST:
        return None
    phrase = " ".join(words)
    for kind, phrases in PHRASES.items():
        if phrase in phrases:
            return kind
    return None


def read_small_talk(text: str, bot_name: str | None = None) -> SmallTalk:
    """Read a message: small talk, small talk before a question, or a question.

    ``bot_name`` (the bot's username, without the "@") is set aside where it is written, as
    people do in groups ("thanks @briefing_bot").
    """
    cleaned = text.strip()
    if bot_name:
        cleaned = re.sub(rf"@?\b{re.escape(bot_name)}\b", " ", cleaned, flags=re.IGNORECASE)
    words = _words(cleaned)
    if (kind := kind_of(words)) is not None:
        return SmallTalk(kind=kind)
    # A greeting or thanks, then a question: "Hi! When is ...?", "thanks, and how many?"
    match = re.match(r"\s*([^,.!?;:\n]+)[,.!?;:\n]+\s*(\S.*)$", cleaned, flags=re.DOTALL)
    if match is not None and kind_of(_words(match.group(1))) in (Chat.GREETING, Chat.THANKS):
        return SmallTalk(question=match.group(2).strip())
    return SmallTalk(question=text.strip())
