"""What the bot keeps of each question: text, chat type, citation, time; users only hashed."""

from __future__ import annotations

from bot.core import Answer
from bot.tg.question_log import group_key, record
from bot.tg.state import BotState
from tests.conftest import USER_ID


def test_questions_that_search_the_same_terms_group_together(briefing):
    one = briefing.ask("When is Kalbajar handed over?")
    other = briefing.ask("kalbajar: when is it handed over")
    assert group_key(one) == group_key(other) != ""
    assert group_key(Answer(question="  ???  ")) == "???"  # no terms: the text, folded


def _state(tg_settings, briefing, store, **settings) -> BotState:
    return BotState(
        settings=tg_settings.model_copy(update=settings), answerer=briefing, store=store
    )


def test_a_user_is_stored_only_as_a_salted_hash_and_only_if_asked(tg_settings, briefing, store):
    answer = briefing.ask("when is Kalbajar handed over?")
    plain = record(_state(tg_settings, briefing, store), "private", answer, 2.0, USER_ID)
    hashed = record(
        _state(tg_settings, briefing, store, log_user_hash=True), "private", answer, 2.0, USER_ID
    )
    assert store.logged_question(plain).user_hash is None
    kept = store.logged_question(hashed).user_hash
    assert kept == store.user_hash(USER_ID)
    assert str(USER_ID) not in kept


def test_inline_queries_and_a_missing_store_log_nothing(tg_settings, briefing, store):
    answer = briefing.ask("when is Kalbajar handed over?")
    assert record(_state(tg_settings, briefing, store), "inline", answer, 1.0, USER_ID) is None
    assert record(_state(tg_settings, briefing, None), "private", answer, 1.0, USER_ID) is None
