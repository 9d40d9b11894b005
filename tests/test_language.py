"""Questions in other languages told from English ones, on our set and the English sets."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from bot.core import LanguageReader, read_cases
from bot.core.language import latin_share
from tests.conftest import FIXTURES

OTHER_LANGUAGES = FIXTURES / "other_languages.jsonl"
ENGLISH_SETS = (
    "dev_questions.jsonl",
    "paraphrase_questions.jsonl",
    "polar_questions.jsonl",
    "dated-news/questions.jsonl",
    "dated-briefings/questions.jsonl",
    "squad-dev/questions.jsonl",
)


@pytest.fixture(scope="module")
def reader() -> LanguageReader:
    return LanguageReader()


def test_questions_in_other_languages_are_told_and_mostly_named(reader):
    items = [json.loads(line) for line in OTHER_LANGUAGES.read_text("utf-8").splitlines()]
    told, named, asked = Counter[str](), Counter[str](), Counter[str]()
    for item in items:
        found = reader.foreign(item["q"])
        asked[item["lang"]] += 1
        told[item["lang"]] += found is not None
        named[item["lang"]] += found == item["lang"]
    assert len(asked) >= 5
    assert sum(told.values()) >= 0.9 * len(items)  # 62 of 65 when measured
    assert sum(named.values()) >= 0.85 * len(items)  # 57 of 65
    for language in ("ru", "az", "fr", "de", "es"):  # Latin-script ones among them
        assert told[language] >= asked[language] - 1, language


def test_no_english_question_of_our_sets_is_taken_for_another_language(reader):
    questions = [c.q for name in ENGLISH_SETS for c in read_cases(FIXTURES / name)]
    assert len(questions) > 150
    assert [q for q in questions if reader.foreign(q)] == []


@pytest.mark.parametrize(
    "text", ["Shusha?", "Aliyev", "hi", "ok", "Kalbajar handover date", "Putin", "1994", "?"]
)
def test_short_and_name_only_texts_are_english(reader, text):
    assert reader.foreign(text) is None


def test_another_script_is_another_language_even_with_latin_names(reader):
    assert latin_share("Кто такой Aliyev?") < 0.5
    assert reader.foreign("Кто такой Aliyev?") == "ru"
    assert reader.foreign("Քելբաջարը ե՞րբ կհանձնվի") == "hy"
