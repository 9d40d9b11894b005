"""The question log and votes: what an answer's buttons find after a restart."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.store import Citation, QuestionEntry, Totals, open_store

CITED = Citation(file="energy.md", position=12, text="Gas prices fell by a third.", score=7.5)


def _entry(text="how far did gas prices fall?", citation=CITED, **fields) -> QuestionEntry:
    fields.setdefault("chat_type", "private")
    fields.setdefault("group_key", "fall gas price")
    fields.setdefault("latency_ms", 4.25)
    return QuestionEntry(text=text, citation=citation, **fields)


def test_a_logged_question_comes_back_whole(store):
    entry = _entry(user_hash=store.user_hash(1001))
    question_id = store.log_question(entry)
    logged = store.logged_question(question_id)
    assert logged is not None
    assert logged.id == question_id
    assert logged.asked_at == datetime(2025, 3, 1, 12, tzinfo=UTC)
    assert logged.model_dump(exclude={"id", "asked_at", "votes"}) == entry.model_dump()
    assert logged.answered
    assert logged.votes == Totals(up=0, down=0)


def test_an_unanswered_question_has_no_citation(store):
    logged = store.logged_question(store.log_question(_entry(citation=None, chat_type="inline")))
    assert logged.citation is None
    assert not logged.answered
    assert logged.chat_type == "inline"


def test_an_unknown_question_is_none(store):
    assert store.logged_question(12345) is None


def test_a_voter_has_one_vote_per_answer_and_may_change_it(store):
    question_id = store.log_question(_entry())
    alice, bob = store.user_hash(1), store.user_hash(2)
    assert store.vote(question_id, alice, 1) == Totals(up=1, down=0)
    assert store.vote(question_id, alice, 1) == Totals(up=1, down=0)  # again: no double count
    assert store.vote(question_id, bob, -1) == Totals(up=1, down=1)
    assert store.vote(question_id, alice, -1) == Totals(up=0, down=2)  # changed her mind
    assert store.logged_question(question_id).votes == Totals(up=0, down=2)
    other = store.log_question(_entry())
    assert store.vote(other, alice, 1) == Totals(up=1, down=0)  # votes are per answer


def test_a_vote_on_an_unknown_or_pruned_answer_is_none(store, store_clock):
    assert store.vote(999, "someone", 1) is None
    question_id = store.log_question(_entry())
    store_clock.advance(days=31)
    store.prune(store_clock.now, question_days=30)
    assert store.vote(question_id, "someone", 1) is None
    assert store.logged_question(question_id) is None


def test_a_vote_is_plus_or_minus_one(store):
    question_id = store.log_question(_entry())
    with pytest.raises(ValueError, match="vote"):
        store.vote(question_id, "someone", 2)


def test_pruning_deletes_old_questions_with_their_votes_and_keeps_the_rest(store, store_clock):
    old = store.log_question(_entry("old"))
    store.vote(old, "a", 1)
    store.vote(old, "b", -1)
    store_clock.advance(days=10)
    recent = store.log_question(_entry("recent"))
    store.vote(recent, "a", 1)
    pruned = store.prune(store_clock.now, question_days=5)
    assert (pruned.questions, pruned.votes) == (1, 2)
    assert store.logged_question(old) is None
    assert store.logged_question(recent).votes == Totals(up=1, down=0)


def test_ids_are_never_reused_even_after_everything_is_pruned(store, store_clock):
    first = store.log_question(_entry())
    store_clock.advance(days=2)
    store.prune(store_clock.now, question_days=1)
    assert store.log_question(_entry()) > first  # an old button never finds a new answer


def test_user_hashes_are_stable_per_store_and_differ_between_stores(tmp_path):
    with open_store(tmp_path / "a.db") as a, open_store(tmp_path / "b.db") as b:
        assert a.user_hash(42) == a.user_hash(42)
        assert a.user_hash(42) != a.user_hash(43)
        assert a.user_hash(42) != b.user_hash(42)  # each store has its own salt


def test_no_raw_user_id_is_stored(tmp_path):
    path = tmp_path / "state.db"
    with open_store(path) as store:
        store.vote(store.log_question(_entry(user_hash=store.user_hash(918273645))), "v", 1)
    for file in tmp_path.iterdir():  # the file, and a WAL if one is left
        assert b"918273645" not in file.read_bytes()
