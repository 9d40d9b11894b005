"""What goes into the store and what comes out: frozen pydantic models.

These cross into the adapters (the bot logs questions and renders reports, the command line
prints and exports them), so they are validated where they are made. Questions are text only:
no user names, no chat ids, and a user only as a salted hash the caller chose to pass.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ChatType = Literal["private", "group", "supergroup", "channel", "inline"]


class Citation(BaseModel):
    """The sentence an answer quoted, enough to find it again and judge it."""

    model_config = ConfigDict(frozen=True)

    file: str = Field(description="the knowledge file, relative to the knowledge directory")
    position: int = Field(ge=1, description="1-based number of the sentence in its document")
    text: str
    score: float


class QuestionEntry(BaseModel):
    """One question as the caller logs it; the store adds the time and an id."""

    model_config = ConfigDict(frozen=True)

    chat_type: ChatType
    text: str
    group_key: str = Field(
        description="what groups similar questions in reports, e.g. the search terms joined"
    )
    citation: Citation | None = Field(default=None, description="None: not answered")
    latency_ms: float = Field(ge=0.0)
    user_hash: str | None = Field(
        default=None, description="from the store's user_hash, only if the caller wants it"
    )
    edit_of: int | None = Field(
        default=None, description="the logged question this one edits (its message was edited)"
    )
    meaning: bytes | None = Field(
        default=None, repr=False, description="the question's unit vector, float16 bytes"
    )
    meaning_model: str | None = Field(
        default=None, description="which sentence model made ``meaning`` (its identity)"
    )

    @property
    def answered(self) -> bool:
        """An answer is a cited sentence; abstaining is logged as unanswered."""
        return self.citation is not None


class Totals(BaseModel):
    """The votes on one answer."""

    model_config = ConfigDict(frozen=True)

    up: int = Field(default=0, ge=0)
    down: int = Field(default=0, ge=0)


class LoggedQuestion(QuestionEntry):
    """A question as stored, with its id (the answer's id in callback data) and its votes."""

    id: int
    asked_at: datetime = Field(description="UTC")
    votes: Totals = Totals()


class UnansweredGroup(BaseModel):
    """Similar unanswered questions: what the knowledge is missing, most asked first."""

    model_config = ConfigDict(frozen=True)

    group_key: str
    count: int
    example: str = Field(description="the latest question of the group")
    last_asked: datetime


class DayStats(BaseModel):
    """One UTC day of questions; votes are counted on the day their question was asked."""

    model_config = ConfigDict(frozen=True)

    day: date
    questions: int
    answered: int
    up: int
    down: int
    median_latency_ms: float

    @property
    def answered_share(self) -> float:
        """Answered questions over all questions of the day."""
        return self.answered / self.questions if self.questions else 0.0


class FeedbackItem(BaseModel):
    """An answer someone disliked, with when they last did."""

    model_config = ConfigDict(frozen=True)

    question: LoggedQuestion
    last_down_at: datetime


class Pruned(BaseModel):
    """How many rows one ``prune`` deleted."""

    model_config = ConfigDict(frozen=True)

    questions: int = 0
    votes: int = 0
    updates: int = 0


class KnowledgeSnapshot(BaseModel):
    """The knowledge files the store holds, at one version (see ``bot.store.knowledge``)."""

    model_config = ConfigDict(frozen=True)

    version: int = Field(ge=0, description="0 while the store has never held knowledge")
    digests: dict[str, str] = Field(description="every path's SHA-256, hex")
    data: dict[str, bytes] = Field(description="the bytes of the paths the caller lacked")


class ReplyLink(BaseModel):
    """Which message of the bot answered which message: an edited question edits its answer.

    Messages are numbered per chat and per bot (a user's private chats with two bots share
    the chat id), so a link is the bot's too.
    """

    model_config = ConfigDict(frozen=True)

    bot_id: int
    chat_id: int
    message_id: int = Field(description="the message that asked")
    reply_id: int = Field(description="the bot's message that answered it")
    question_id: int | None = Field(default=None, description="the logged question, if logged")


class Feed(BaseModel):
    """An RSS or Atom feed the bot follows, and how its last poll went."""

    model_config = ConfigDict(frozen=True)

    id: int
    url: str
    title: str | None = Field(default=None, description="the feed's own title, once polled")
    added_at: datetime
    polled_at: datetime | None = None
    etag: str | None = Field(default=None, description="validators for a conditional poll")
    last_modified: str | None = None
    error: str | None = Field(default=None, description="the last poll's error, one line")
    error_at: datetime | None = None
    taken: int = Field(default=0, ge=0, description="entries made into briefings so far")


class Delivery(BaseModel):
    """One subscriber's copy of an announcement, waiting to be sent."""

    model_config = ConfigDict(frozen=True)

    broadcast_id: int
    chat_id: int
    text: str = Field(description="the announcement, as Telegram HTML")
    markup: str | None = Field(default=None, description="its buttons, as Telegram's JSON")
    tries: int = Field(default=0, ge=0, description="sends that failed and were tried again")


class DailyDue(BaseModel):
    """A daily subscriber whose digest is due, and the briefings announced since its last."""

    model_config = ConfigDict(frozen=True)

    chat_id: int
    paths: tuple[str, ...] = Field(description="the briefings announced since, oldest first")
    last_made: str | None = Field(
        default=None, description="when its last digest was made, as the store found it due"
    )
