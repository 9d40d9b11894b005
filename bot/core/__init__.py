"""The answer engine: knowledge files in, cited source sentences out.

This package's names are the engine's public face: the command line and the Telegram bot
import only from here. Nothing in the engine imports ``telegram``, and a test keeps the stages
in order (see ``tests/test_architecture.py``):

    ingest/      knowledge files -> documents (loading, Markdown, raw exports, PDFs, web
                 pages, sentences)
    catalogue.py the sentence models known by name: pinned files, measured settings
    analysis/    text -> terms, the same for index and question; what a sentence holds;
                 text -> meaning vector (the sentence model, onnxruntime, no torch)
    question.py  a question read once: terms, names, the kind of answer it wants
    language.py  which language a question is in, when it is plainly not English
    news_request.py
                 whether a message asks what is new ("what's new?", "any news today?")
    digest.py    the newest briefings in brief, for "what's new?", /latest, subscriptions
    scope.py     a day or a briefing a message narrows itself to ("what did it say on 17 Nov?")
    small_talk.py
                 what is said to the bot that is no question: "hi", "thanks!", "help"
    search/      BM25 fields built, cached and scored, exactly as rank-bm25 would; sentence
                 vectors stored per document and searched exactly
    ranking/     answer types, word pairs, words and meaning fused, ordering, abstention
    answer.py    question -> candidates -> ranking -> abstention -> cited matches
    engine.py    an ``EngineConfig`` -> a ready answerer, here or in another process
    examples.py  questions on the knowledge's sections that the engine answers, to suggest
    follow_up.py a question that leans on the one before, answered with it as context
    verification.py
                 the served index against rank-bm25 scoring every sentence, question by
                 question (``check --verify``, the tests, the benchmark)
"""

from bot.core.analysis.encoder import SentenceEncoder
from bot.core.analysis.terms import term_spans
from bot.core.answer import Answerer
from bot.core.catalogue import DEFAULT_MODEL, KNOWN_MODELS, MINILM, MPNET, KnownModel, known_model
from bot.core.digest import Digest, DigestItem, briefing_item, newest_briefings
from bot.core.engine import (
    build_answerer,
    build_in_process,
    embed_in_process,
    load_encoder,
    settle,
)
from bot.core.errors import (
    BriefingBotError,
    ExtractionError,
    KnowledgeDirectoryError,
    KnowledgeFileError,
    ModelError,
    QuestionError,
)
from bot.core.evaluation import (
    RANK_DEPTH,
    EvalCase,
    EvalReport,
    HeldOutReport,
    Reliability,
    evaluate,
    held_out,
    read_cases,
    reliability,
)
from bot.core.examples import example_questions
from bot.core.follow_up import answer_follow_up, leans_on
from bot.core.ingest.documents import (
    Document,
    DocumentMeta,
    KnowledgeBase,
    Paragraph,
    SourceFormat,
)
from bot.core.ingest.loading import (
    KNOWN_SUFFIXES,
    knowledge_files,
    load_file,
    load_knowledge,
    read_documents,
)
from bot.core.ingest.pdf import ExtractedPdf, extract_pdf
from bot.core.ingest.webpage import ExtractedPage, extract_html
from bot.core.language import NAMES as LANGUAGE_NAMES
from bot.core.language import LanguageReader
from bot.core.news_request import asks_whats_new, news_about
from bot.core.options import AnswerOptions, EngineConfig
from bot.core.question import MAX_QUESTION_CHARS
from bot.core.results import Answer, Match, counted, credit_line, day_text
from bot.core.scope import Scope, dated, named, read_scope, resolve_day
from bot.core.search.vectors import every_tenth
from bot.core.small_talk import Chat, SmallTalk, read_small_talk
from bot.core.verification import (
    DEFAULT_SAMPLE,
    DEFAULT_SEED,
    Disagreement,
    ExhaustiveAnswerer,
    FirstSentence,
    ReferenceIndex,
    VerificationReport,
    made_questions,
    same_first,
    same_up_to_ties,
    served_answerer,
    verify,
)

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_SAMPLE",
    "DEFAULT_SEED",
    "KNOWN_MODELS",
    "KNOWN_SUFFIXES",
    "LANGUAGE_NAMES",
    "MAX_QUESTION_CHARS",
    "MINILM",
    "MPNET",
    "RANK_DEPTH",
    "Answer",
    "AnswerOptions",
    "Answerer",
    "BriefingBotError",
    "Chat",
    "Digest",
    "DigestItem",
    "Disagreement",
    "Document",
    "DocumentMeta",
    "EngineConfig",
    "EvalCase",
    "EvalReport",
    "ExhaustiveAnswerer",
    "ExtractedPage",
    "ExtractedPdf",
    "ExtractionError",
    "FirstSentence",
    "HeldOutReport",
    "KnowledgeBase",
    "KnowledgeDirectoryError",
    "KnowledgeFileError",
    "KnownModel",
    "LanguageReader",
    "Match",
    "ModelError",
    "Paragraph",
    "QuestionError",
    "ReferenceIndex",
    "Reliability",
    "Scope",
    "SentenceEncoder",
    "SmallTalk",
    "SourceFormat",
    "VerificationReport",
    "answer_follow_up",
    "asks_whats_new",
    "briefing_item",
    "build_answerer",
    "build_in_process",
    "counted",
    "credit_line",
    "dated",
    "day_text",
    "embed_in_process",
    "evaluate",
    "every_tenth",
    "example_questions",
    "extract_html",
    "extract_pdf",
    "held_out",
    "knowledge_files",
    "known_model",
    "leans_on",
    "load_encoder",
    "load_file",
    "load_knowledge",
    "made_questions",
    "named",
    "newest_briefings",
    "news_about",
    "read_cases",
    "read_documents",
    "read_scope",
    "read_small_talk",
    "reliability",
    "resolve_day",
    "same_first",
    "same_up_to_ties",
    "served_answerer",
    "settle",
    "term_spans",
    "verify",
]
