"""What admins read: unanswered questions, daily figures, disliked answers, the export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.store import Citation, QuestionEntry, Totals

CITED = Citation(file="energy.md", position=3, text="Gas prices fell.", score=2.0)
START = datetime(2025, 3, 1, 12, tzinfo=UTC)


def _ask(store, text, key=None, *, answered=False, latency=10.0, chat="private"):
    return store.log_question(
        QuestionEntry(
            chat_type=chat,
            text=text,
            group_key=key or text,
            citation=CITED if answered else None,
            latency_ms=latency,
        )
    )


def test_unanswered_questions_are_grouped_most_asked_first_with_the_latest_example(
    store, store_clock
):
    _ask(store, "who runs the mine?", "mine run")
    store_clock.advance(minutes=1)
    _ask(store, "what is lithium?", "lithium")
    store_clock.advance(minutes=1)
    _ask(store, "Who runs the mine", "mine run")
    _ask(store, "how far did gas fall?", "fall gas", answered=True)  # answered: not listed
    store_clock.advance(minutes=1)
    _ask(store, "mine: who runs it?", "mine run")
    groups = store.unanswered(START, limit=10)
    assert [(g.group_key, g.count) for g in groups] == [("mine run", 3), ("lithium", 1)]
    assert groups[0].example == "mine: who runs it?"
    assert groups[0].last_asked == START + timedelta(minutes=3)
    assert [g.group_key for g in store.unanswered(START, limit=1)] == ["mine run"]


def test_unanswered_counts_only_questions_since_the_given_time(store, store_clock):
    _ask(store, "old", "k")
    _ask(store, "old", "k")
    store_clock.advance(days=2)
    _ask(store, "new", "k")
    _ask(store, "other", "j")
    groups = store.unanswered(store_clock.now - timedelta(days=1), limit=10)
    # Equal counts: the group asked last comes first.
    assert [(g.group_key, g.count, g.example) for g in groups] == [
        ("j", 1, "other"),
        ("k", 1, "new"),
    ]


def test_stats_are_per_utc_day_with_votes_on_the_day_asked_and_the_median(store, store_clock):
    monday = [_ask(store, f"q{i}", answered=i < 2, latency=ms) for i, ms in enumerate((5, 1, 9))]
    store_clock.advance(days=1)
    tuesday = [_ask(store, f"r{i}", answered=True, latency=ms) for i, ms in enumerate((4, 8))]
    store.vote(monday[0], "a", 1)
    store.vote(monday[0], "b", -1)
    store.vote(monday[1], "a", -1)
    store.vote(tuesday[0], "a", 1)
    days = store.stats(START - timedelta(hours=1))
    assert [(d.day, d.questions, d.answered, d.up, d.down) for d in days] == [
        (date(2025, 3, 1), 3, 2, 1, 2),
        (date(2025, 3, 2), 2, 2, 1, 0),
    ]
    assert [d.median_latency_ms for d in days] == [5.0, 6.0]  # odd, then even, counts
    assert days[0].answered_share == 2 / 3
    assert store.stats(START + timedelta(days=1)) == days[1:]


def test_a_day_is_a_utc_day(store, store_clock):
    store_clock.now = datetime(2025, 3, 1, 23, 30, tzinfo=UTC)
    _ask(store, "late")
    store_clock.now = datetime(2025, 3, 2, 0, 30, tzinfo=UTC)
    _ask(store, "early")
    assert [d.day for d in store.stats(START - timedelta(days=1))] == [
        date(2025, 3, 1),
        date(2025, 3, 2),
    ]


def test_stats_over_no_questions_are_empty(store):
    assert store.stats(START) == []
    assert store.unanswered(START, 5) == []
    assert store.feedback(5) == []
    assert store.questions(START) == []


def test_feedback_lists_the_latest_disliked_answers_with_their_citation(store, store_clock):
    liked = _ask(store, "liked", answered=True)
    first = _ask(store, "first disliked", answered=True)
    second = _ask(store, "second disliked", answered=True)
    store.vote(liked, "a", 1)
    store.vote(first, "a", -1)
    store_clock.advance(minutes=5)
    store.vote(second, "a", -1)
    store.vote(second, "b", 1)
    store_clock.advance(minutes=5)
    store.vote(first, "b", -1)  # first is now the latest disliked
    items = store.feedback(10)
    assert [item.question.id for item in items] == [first, second]
    assert items[0].question.text == "first disliked"
    assert items[0].question.citation == CITED
    assert items[0].question.votes == Totals(up=0, down=2)
    assert items[1].question.votes == Totals(up=1, down=1)
    assert items[0].last_down_at == START + timedelta(minutes=10)
    assert [item.question.id for item in store.feedback(1)] == [first]


def test_a_changed_vote_leaves_feedback(store):
    question = _ask(store, "changed", answered=True)
    store.vote(question, "a", -1)
    store.vote(question, "a", 1)
    assert store.feedback(10) == []


def test_questions_since_come_oldest_first_with_their_votes(store, store_clock):
    _ask(store, "before")
    store_clock.advance(days=1)
    first = _ask(store, "first", answered=True)
    second = _ask(store, "second", chat="supergroup")
    store.vote(first, "a", 1)
    store.vote(first, "b", 1)
    exported = store.questions(store_clock.now)
    assert [(q.id, q.text, q.votes) for q in exported] == [
        (first, "first", Totals(up=2, down=0)),
        (second, "second", Totals()),
    ]
    assert exported[1].chat_type == "supergroup"
