"""What the engine answers: cited sentences, best first, or none at all.

These cross into the adapters (the command line prints them, the bot renders them, ``--json``
dumps them), so they are validated, frozen pydantic models.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from bot.core.confidence import Signals

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(day: dt.date) -> str:
    """A date as citations show it, "18 Nov 2025", the same in every locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def credit_line(publisher: str | None, published: dt.date | None) -> str | None:
    """Publisher and date as every reply and list shows them: "The Moscow Times, 18 Nov 2025"."""
    day = day_text(published) if published is not None else None
    return ", ".join(p for p in (publisher, day) if p) or None


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and ``noun``, plural unless it is one: "1 document", "0 documents".

    Every count people read goes through here (the engine's citations, the command line, the
    bot's replies), so none says "1 documents". ``plural`` is for a noun not made with "s".
    """
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


class Match(BaseModel):
    """A source sentence that answers a question, with everything needed to cite it."""

    model_config = ConfigDict(frozen=True)

    text: str
    score: float
    title: str
    section: str | None
    publisher: str | None
    source: str | None
    file: str
    position: int = Field(description="1-based number of the sentence within its document")
    paragraph: int = Field(description="1-based number of the paragraph within its document")
    line: int = Field(description="line of the file where the sentence's paragraph starts")
    published: dt.date | None = Field(
        default=None, description="the document's date: front matter, file metadata or link"
    )
    reading: str | None = Field(
        default=None,
        description="the bot's reading of a relative day the sentence names (\"Thursday: 5 Mar"
        ' 2026, going by the briefing of 10 Mar 2026"), shown beside the quote, never in it',
    )
    also_in: int = Field(
        default=0,
        ge=0,
        description="how many other documents hold the same sentence (whitespace and case aside);"
        " the one cited is the newest",
    )

    @property
    def credit(self) -> str | None:
        """Publisher and date, as citations show them: "The Moscow Times, 18 Nov 2025"."""
        return credit_line(self.publisher, self.published)

    @property
    def repeated(self) -> str | None:
        """A line for a sentence that other documents hold too: "Also in 3 earlier briefings"."""
        if not self.also_in:
            return None
        which = "earlier" if self.published is not None else "other"
        return f"Also in {counted(self.also_in, which + ' briefing')}"


class QuestionMeaning(BaseModel):
    """A question as the sentence model read it, to group questions by what they ask.

    ``vector`` is its unit vector as float16 bytes, ``model`` the encoder's identity: vectors
    of different models are not comparable.
    """

    model_config = ConfigDict(frozen=True)

    model: str
    vector: bytes


class Answer(BaseModel):
    """The answer to one question: matches best first, or none when the knowledge is silent."""

    model_config = ConfigDict(frozen=True)

    question: str
    matches: tuple[Match, ...] = ()
    terms: tuple[str, ...] = Field(
        default=(),
        description=(
            "the terms searched for, to mark in a quote (see term_spans); also without an"
            " answer, so reports can group questions that asked the same thing"
        ),
    )

    confidence: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="the probability that the best match is right (confidence); None"
        " without an answer",
    )
    fact: str | None = Field(
        default=None,
        description="the one date, number, period, person or place asked for, as the best"
        " sentence writes it (``facts``); None when it holds none or several",
    )
    doubtful: bool = Field(
        default=False,
        description="an answer below the options' sure_confidence: the closest the briefings"
        " come, not a sure one",
    )
    signals: Signals | None = Field(
        default=None, description="what the confidence was worked out from"
    )
    nearest: tuple[Match, ...] = Field(
        default=(),
        description="without an answer: the first sentences of the sections nearest the"
        " question, so a refusal still shows where to look",
    )
    meaning: QuestionMeaning | None = Field(
        default=None,
        exclude=True,
        repr=False,
        description="the question's vector, with the sentence model (not shown or dumped)",
    )

    @property
    def best(self) -> Match | None:
        """The sentence to quote, or ``None`` for "the briefing does not say"."""
        return self.matches[0] if self.matches else None
