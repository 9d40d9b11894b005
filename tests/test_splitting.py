import json

import pytest

from bot.core.ingest.loading import load_knowledge
from bot.core.ingest.splitting import split_sentences
from tests.conftest import MAX_BYTES, SQUAD_DIR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Return them by Dec. 1. These districts were occupied.",
            ["Return them by Dec. 1.", "These districts were occupied."],
        ),
        ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
        ("The U.S. Army arrived. It left.", ["The U.S. Army arrived.", "It left."]),
        (
            "Troops left the U.S. The next day it rained.",
            ["Troops left the U.S.", "The next day it rained."],
        ),
        (
            "It costs 3.5 million, or 2,000 each. Fine.",
            ["It costs 3.5 million, or 2,000 each.", "Fine."],
        ),
        ("John F. Kennedy was shot. It was sad.", ["John F. Kennedy was shot.", "It was sad."]),
        (
            "\u201cNo status as long as I am president,\u201d Aliyev has said. Baku agrees.",
            ["\u201cNo status as long as I am president,\u201d Aliyev has said.", "Baku agrees."],
        ),
        ('He said "go home." Then he left.', ['He said "go home."', "Then he left."]),
        ("Why? Because. (Really.) Yes!", ["Why?", "Because.", "(Really.)", "Yes!"]),
        ("Wait... Then it came.", ["Wait...", "Then it came."]),
        ("It was, e.g. the best.", ["It was, e.g. the best."]),
        ("no stop at the end", ["no stop at the end"]),
        ("   ", []),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_line_breaks_inside_a_paragraph_are_spaces():
    assert split_sentences("one line\nwrapped. Next") == ["one line wrapped.", "Next"]


def test_public_benchmark_gold_sentences_come_out_whole():
    """The benchmark's gold sentences were cut by another splitter; ours should agree."""
    base = load_knowledge(SQUAD_DIR / "knowledge", max_bytes=MAX_BYTES)
    ours = {s for d in base.documents for p in d.paragraphs for s in p.sentences}
    lines = (SQUAD_DIR / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    gold = [" ".join(json.loads(line)["gold_sentence"].split()) for line in lines]
    agreed = sum(g in ours for g in gold) / len(gold)
    assert agreed >= 0.95
