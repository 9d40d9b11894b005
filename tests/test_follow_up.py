"""Follow-up questions read with the conversation before them."""

from __future__ import annotations

import json

import pytest

from bot.core import (
    KNOWN_MODELS,
    AnswerOptions,
    answer_follow_up,
    build_answerer,
    leans_on,
    load_encoder,
)
from bot.core.catalogue import known_model
from bot.core.follow_up import asked_again, readings
from tests.conftest import FIXTURES, REPO_KNOWLEDGE, engine, installed_model

FOLLOW_UPS = FIXTURES / "follow_ups.jsonl"


@pytest.mark.parametrize(
    "text",
    [
        "and how many of them?",
        "why so late?",
        "when?",
        "who is he?",
        "but why?",
        "how many people live there?",
        "what about Aghdam?",
    ],
)
def test_a_question_that_leans_on_the_one_before(briefing, text):
    assert leans_on(briefing.read(text))


@pytest.mark.parametrize(
    "text",
    ["Who leads Armenia?", "When is Kalbajar handed over?", "What is the currency of Armenia?"],
)
def test_a_complete_question_does_not(briefing, text):
    assert not leans_on(briefing.read(text))


def test_what_about_asks_the_earlier_question_again_of_what_it_names(briefing):
    earlier = briefing.read("When is Kalbajar handed over?")
    assert asked_again("what about Aghdam?", earlier) == "When is Aghdam handed over?"
    assert asked_again("and Lachin?", earlier) == "When is Lachin handed over?"
    assert asked_again("and when did it end?", earlier) is None  # asks a new thing of it
    assert asked_again("what about Aghdam?", briefing.read("when is it handed over?")) is None


def test_readings_add_the_earlier_question_and_its_answer_s_names(briefing):
    earlier = briefing.read("Who guards the Lachin corridor?")
    sentence = "The Russian mission will also guard the strategic Lachin corridor."
    assert readings(briefing.read("and how many of them?"), earlier, sentence) == [
        "and how many of them?",
        "and how many of them? Who guards the Lachin corridor",
        "and how many of them? Who guards the Lachin corridor Russian Lachin",
    ]
    complete = briefing.read("When is Kalbajar handed over?")
    assert readings(complete, earlier, sentence) == ["When is Kalbajar handed over?"]


def _counts(answerer) -> tuple[dict[str, int], dict[str, int]]:
    """Right answers to the set's second questions, asked alone and after the first."""
    pairs = [json.loads(line) for line in FOLLOW_UPS.read_text("utf-8").splitlines()]
    assert len(pairs) >= 30

    def right(answer, accept):
        if not accept:
            return answer.best is None
        return answer.best is not None and any(a in answer.best.text for a in accept)

    alone = {"follow": 0, "complete": 0}
    after = {"follow": 0, "complete": 0}
    for pair in pairs:
        kind = "complete" if pair.get("complete") else "follow"
        first = answerer.ask(pair["first"])
        sentence = first.best.text if first.best else None
        alone[kind] += right(answerer.ask(pair["then"]), pair["accept"])
        asked = answer_follow_up(answerer, pair["then"], pair["first"], sentence)
        after[kind] += right(asked, pair["accept"])
    return alone, after


def test_context_answers_more_follow_ups_and_spoils_no_complete_question(briefing):
    alone, after = _counts(briefing)
    assert after["complete"] == alone["complete"]  # none spoiled
    assert after["follow"] >= alone["follow"] + 6  # by words alone: 9 to 16 when measured


@pytest.mark.parametrize("model", list(KNOWN_MODELS))
def test_with_each_sentence_model_too(model):
    known = known_model(model)
    config = engine(REPO_KNOWLEDGE).model_copy(  # the options the bot runs the model with
        update={
            "model_dir": installed_model(known),
            "known_model": model,
            "options": AnswerOptions.for_model(model),
        }
    )
    alone, after = _counts(build_answerer(config, load_encoder(config)))
    assert after["complete"] == alone["complete"]
    assert after["follow"] >= alone["follow"] + 7  # 9 to 18 and 10 to 18 when measured
