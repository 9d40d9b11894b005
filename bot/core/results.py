"""What the engine answers: cited sentences, best first, or none at all.

These cross into the adapters (the command line prints them, the bot renders them, ``--json``
dumps them), so they are validated, frozen pydantic models.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


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

    @property
    def best(self) -> Match | None:
        """The sentence to quote, or ``None`` for "the briefing does not say"."""
        return self.matches[0] if self.matches else None
