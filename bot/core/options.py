"""How the engine is built and how it answers: what adapters pass in.

The defaults were measured on the shared evaluation sets; see the README.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.core.calibrations import CALIBRATIONS, WORDS
from bot.core.catalogue import DEFAULT_MODEL, KNOWN_MODELS, known_model
from bot.core.confidence import Calibration


class AnswerOptions(BaseModel):
    """How answers are ranked and when the engine declines to answer.

    The defaults are those measured for all-MiniLM-L6-v2; ``for_model`` gives another known
    model's own.
    """

    model_config = ConfigDict(frozen=True)

    @classmethod
    def for_model(cls, name: str, **chosen: object) -> AnswerOptions:
        """The options measured for the catalogue model ``name``, with ``chosen`` over them."""
        fitted = {"meaning_calibration": CALIBRATIONS[name]}
        return cls.model_validate({**known_model(name).tuned, **fitted, **chosen})

    answer_count: int = Field(default=3, ge=1, le=50, description="matches returned per answer")
    min_coverage: float = Field(
        default=0.25,
        ge=0.0,
        le=1.0,
        description="share of the question's term weight the best evidence must contain",
    )
    min_paragraph_coverage: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="share the best sentence's paragraph and headings must contain",
    )
    unknown_name_coverage: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="coverage needed when the question names something the best sentence's "
        "paragraph and headings do not",
    )
    min_score: float = Field(default=0.0, ge=0.0, description="lowest score worth quoting")
    window_weight: float = Field(default=1.0, ge=0.0, description="sentence and neighbours")
    paragraph_weight: float = Field(default=0.5, ge=0.0)
    heading_weight: float = Field(default=0.5, ge=0.0, description="title and section")
    type_boost: float = Field(
        default=0.5, ge=0.0, description="share added when a sentence holds the kind asked for"
    )
    fine_type_boost: float = Field(
        default=0.25, ge=0.0, description="share added for the very thing asked (see answer_types)"
    )
    pair_weight: float = Field(default=1.0, ge=0.0, description="question words side by side")
    semantic_weight: float = Field(
        default=4.0, ge=0.0, description="weight of the cosine against BM25 (scaled to 1)"
    )
    lexical_candidates: int = Field(default=30, ge=1, description="BM25's best, fused")
    semantic_candidates: int = Field(default=30, ge=0, description="nearest vectors, fused")
    min_meaning: float = Field(
        default=1.1,
        ge=-1.0,
        le=3.0,
        description=(
            "cosine + meaning_coverage_weight x coverage + alignment_weight x words aligned"
            " a quote must reach"
        ),
    )
    meaning_coverage_weight: float = Field(default=0.25, ge=0.0)
    alignment_weight: float = Field(
        default=1.0, ge=0.0, description="weight of the share of question words aligned"
    )
    aligned_similarity: float = Field(
        default=0.4, ge=-1.0, le=1.0, description="closeness at which a word counts as aligned"
    )
    recency_margin: float = Field(
        default=0.15,
        ge=0.0,
        le=1.0,
        description=(
            "share of a sentence's score within which a newer document's sentence that answers"
            " the question goes before it (see ranking.recency); 0 turns recency off,"
            " near-duplicates included"
        ),
    )
    duplicate_cosine: float = Field(
        default=0.85,
        ge=-1.0,
        le=1.01,
        description="cosine of two sentences' vectors at which they say nearly the same (1.01: "
        "never)",
    )
    duplicate_terms: float = Field(
        default=0.4,
        ge=0.0,
        le=1.01,
        description=(
            "share of their terms in common (of all either holds) at which two sentences say"
            " nearly the same (1.01: never)"
        ),
    )
    words_calibration: Calibration = Field(
        default=CALIBRATIONS[WORDS],
        description="the probability that a quote found by words alone is right",
    )
    meaning_calibration: Calibration = Field(
        default=CALIBRATIONS[DEFAULT_MODEL],
        description="the same with the sentence model (each model has its own)",
    )
    # 0.10 with all-MiniLM-L6-v2 (all-mpnet-base-v2 has its own, ``catalogue``): it quotes
    # 111 of 913 held-out SQuAD questions (0.122; 133 at 0.03) and loses no right answer of
    # the briefing, the paraphrases, SQuAD or WikiQA, but one of our 16 yes-or-no ones. By words
    # alone 0.10 would lose a paraphrase and 7 SQuAD answers, so words keep 0.03, which costs
    # none (README, "How sure an answer is").
    min_confidence: float = Field(
        default=0.10,
        ge=0.0,
        le=1.0,
        description="below this probability of being right, no quote: the briefings do not say",
    )
    words_min_confidence: float = Field(
        default=0.03,
        ge=0.0,
        le=1.0,
        description="the same for a quote found by words alone",
    )
    # Measured on the four briefing sets (the bundled briefing's questions and paraphrases,
    # both dated sets; 78 quotes with all-MiniLM-L6-v2): below 0.4 marks 6 of its 11 wrong
    # quotes and 13 of its 67 right ones; below 0.5 the same 6 wrong and 18 right.
    sure_confidence: float = Field(
        default=0.4,
        ge=0.0,
        le=1.0,
        description="below this probability a quote is offered as the closest the briefings come",
    )


class EngineConfig(BaseModel):
    """Everything needed to build an answerer: where the knowledge is and how to answer.

    Adapters make one from their settings (``bot.config.Settings.engine``) and hand it to
    ``build_answerer``; nothing else turns settings into an engine.
    """

    # "model_dir" names the sentence model, not a pydantic method: pydantic before 2.10 would
    # warn about the "model_" prefix otherwise.
    model_config = ConfigDict(frozen=True, protected_namespaces=())

    knowledge_dir: Path
    max_file_bytes: int = Field(gt=0, description="largest knowledge file accepted")
    cache_dir: Path | None = Field(
        default=None, description="where the built index is cached; None: no cache"
    )
    options: AnswerOptions = AnswerOptions()
    model_dir: Path | None = Field(
        default=None, description="a sentence-transformers model directory; None: words only"
    )
    known_model: str | None = Field(
        default=None,
        description="the catalogue model the directory holds, its files checked against its "
        "digests; None: a model of the user's own, not checked",
    )
    model_threads: int = Field(default=2, ge=1, le=64)

    @field_validator("known_model")
    @classmethod
    def _known(cls, name: str | None) -> str | None:
        if name is not None and name not in KNOWN_MODELS:
            raise ValueError(f"{name!r} is not one of {', '.join(KNOWN_MODELS)}")
        return name

    @property
    def vector_dir(self) -> Path | None:
        """Where sentence vectors are kept, one file a document: beside the index cache."""
        return self.cache_dir / "vectors" if self.cache_dir is not None else None
