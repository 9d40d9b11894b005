"""What the engine answers, as people read it: counts and repeated sentences."""

import pytest

from bot.core import counted


@pytest.mark.parametrize(
    ("count", "noun", "plural", "text"),
    [
        (1, "document", None, "1 document"),
        (0, "document", None, "0 documents"),
        (2, "earlier briefing", None, "2 earlier briefings"),
        (1, "query", "queries", "1 query"),
        (3, "query", "queries", "3 queries"),
    ],
)
def test_a_count_is_singular_only_for_one(count, noun, plural, text):
    assert counted(count, noun, plural) == text
