"""Unanswered questions grouped by what they ask: by terms, then by meaning and names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from bot.core import KNOWN_MODELS, SentenceEncoder
from bot.core.catalogue import known_model
from bot.store import QuestionEntry
from bot.store.grouping import MERGED_GROUPS, Asked, Group, merge, names
from tests.conftest import installed_model

START = datetime(2026, 12, 1, tzinfo=UTC)


def unit(*values: float) -> bytes:
    vector = np.asarray(values, dtype=np.float32)
    return (vector / np.linalg.norm(vector)).astype(np.float16).tobytes()


def asked(number: int, text: str, key: str, meaning: bytes | None = None, model: str = "m"):
    """A group of one question, as the store reads it by terms."""
    latest = Asked(number, text, f"{START + timedelta(minutes=number)}", meaning, model)
    if meaning is None:
        latest.meaning_model = None
    return Group(key, 1, latest)


def group(groups: list[Group], limit: int) -> list[Group]:
    ordered = sorted(groups, key=Group.order)
    return merge(ordered)[:limit]


def test_questions_meaning_the_same_with_the_same_names_merge():
    rows = [
        asked(1, "apple pie recipe?", "appl pie recip", unit(1, 0.1, 0)),
        asked(2, "what's a good recipe for apple pie", "appl good pie recip", unit(1, 0.2, 0)),
        asked(3, "What is the currency of Armenia?", "armenia currenc", unit(0, 1, 0.1)),
        asked(4, "what money do they use in Armenia", "armenia money use", unit(0, 1, 0.3)),
        asked(5, "what money do they use in Georgia", "georgia money use", unit(0, 1, 0.3)),
        asked(6, "apple pie recipe?", "appl pie recip", unit(1, 0.1, 0)),
        asked(7, "how tall is the tower?", "tall tower", unit(0, 0, 1)),
    ]
    found = [(g.count, g.latest.text) for g in group(rows, 20)]
    assert found == [
        (3, "apple pie recipe?"),
        (2, "what money do they use in Armenia"),
        (1, "how tall is the tower?"),
        (1, "what money do they use in Georgia"),  # another name: another question
    ]


def test_vectors_of_different_models_and_questions_without_are_kept_apart():
    rows = [
        asked(1, "apple pie recipe?", "appl pie recip", unit(1, 0, 0), model="a"),
        asked(2, "a recipe for apple pie", "appl pie recip2", unit(1, 0, 0), model="b"),
        asked(3, "recipe of apple pie", "appl pie recip3"),
    ]
    assert [g.count for g in group(rows, 20)] == [1, 1, 1]


def test_only_the_most_asked_groups_are_merged():
    rows = [asked(n, f"q{n}", f"k{n}", unit(1, 0, 0)) for n in range(MERGED_GROUPS + 5)]
    merged = group(rows, 10)
    assert merged[0].count == MERGED_GROUPS  # the rest keep their groups by terms
    assert [g.count for g in merged[1:]] == [1] * 5


def test_names_are_the_capitalised_words_after_the_first():
    assert names("Who is the president of Armenia?") == {"armenia"}
    assert names("what money do they use in Armenia") == {"armenia"}
    assert names("When is NATO meeting in Riga?") == {"nato", "riga"}


def test_the_store_groups_the_same_terms_and_the_latest_is_the_example(store, store_clock):
    for text in ("apple pie recipe?", "recipe: apple pie"):
        store.log_question(
            QuestionEntry(chat_type="private", text=text, group_key="appl pie recip", latency_ms=1)
        )
    (only,) = store.unanswered(store_clock.now - timedelta(days=1))
    assert (only.count, only.example) == (2, "recipe: apple pie")


def test_the_store_groups_logged_questions_by_their_meaning(store, store_clock):
    for text, vector in (
        ("apple pie recipe?", unit(1, 0.1)),
        ("a recipe for apple pie?", unit(1, 0.15)),
    ):
        store.log_question(
            QuestionEntry(
                chat_type="private",
                text=text,
                group_key=text,
                latency_ms=1.0,
                meaning=vector,
                meaning_model="m",
            )
        )
    (only,) = store.unanswered(store_clock.now - timedelta(days=1))
    assert (only.count, only.example) == (2, "a recipe for apple pie?")


GROUPS = [
    [
        "apple pie recipe?",
        "What is the recipe for apple pie?",
        "what's a good recipe for apple pie",
    ],
    ["what is the currency of Armenia?", "which currency does Armenia use"],
    ["what is the capital of Armenia?"],
    ["who is the president of Armenia?"],
    ["who is the president of Azerbaijan?"],
    ["when is Kalbajar handed over?"],
    ["why was the Kalbajar handover delayed?"],
]


@pytest.mark.parametrize("model", list(KNOWN_MODELS))
def test_real_questions_group_as_people_mean_them(model):
    known = known_model(model)
    encoder = SentenceEncoder(installed_model(known), digests=known.digests)
    texts = [t for g in GROUPS for t in g]
    vectors = np.asarray(encoder.encode(texts), dtype=np.float32)
    rows = [
        asked(n, text, f"key {n}", vectors[n].astype(np.float16).tobytes())
        for n, text in enumerate(texts)
    ]
    found = {g.latest.text: g.count for g in group(rows, 50)}
    expected = {g[-1]: len(g) for g in GROUPS}  # each group's latest question, its size
    assert found == expected
