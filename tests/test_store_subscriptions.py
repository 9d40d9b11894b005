"""Subscriptions and announcements: each subscriber's delivery once, across a crash."""

from __future__ import annotations

from bot.store import open_state_store

BOT, OTHER_BOT = 777000111, 888000222


def test_a_chat_subscribes_once_per_bot_and_unsubscribes(store):
    assert store.subscribe(1001, "private", bot_id=BOT)
    assert not store.subscribe(1001, "private", bot_id=BOT)
    assert store.subscribe(-100555, "supergroup", bot_id=BOT)
    assert store.subscribe(1001, "private", bot_id=OTHER_BOT)
    assert set(store.subscribers(bot_id=BOT)) == {1001, -100555}
    assert store.unsubscribe(1001, bot_id=BOT)
    assert not store.unsubscribe(1001, bot_id=BOT)
    assert store.subscribers(bot_id=BOT) == [-100555]
    assert store.subscribers(bot_id=OTHER_BOT) == [1001]


def test_an_announcement_goes_to_those_subscribed_when_it_was_made(store):
    for chat in (1, 2, 3):
        store.subscribe(chat, "private", bot_id=BOT)
    assert store.plan_broadcast("<b>New</b>", None, bot_id=BOT) == 3
    store.subscribe(4, "private", bot_id=BOT)  # too late for this one
    sent = []
    while (delivery := store.next_delivery(bot_id=BOT)) is not None:
        store.mark_delivery(delivery, "sending")
        sent.append(delivery.chat_id)
        store.mark_delivery(delivery, "sent")
    assert sent == [1, 2, 3]
    assert store.delivery_counts(bot_id=BOT) == {"sent": 3}
    assert store.next_delivery(bot_id=OTHER_BOT) is None


def test_a_failed_send_waits_again_until_it_fails_for_good(store):
    store.subscribe(1, "private", bot_id=BOT)
    store.plan_broadcast("x", '{"inline_keyboard": []}', bot_id=BOT)
    for _ in range(5):
        delivery = store.next_delivery(bot_id=BOT)
        assert delivery.markup == '{"inline_keyboard": []}'
        store.mark_delivery(delivery, "waiting")  # tried, to be tried again
    assert store.next_delivery(bot_id=BOT) is None
    assert store.delivery_counts(bot_id=BOT) == {"failed": 1}


def test_after_a_crash_mid_send_that_one_is_never_sent_again_and_the_rest_are(store_target):
    path = store_target
    with open_state_store(path) as store:
        for chat in (1, 2, 3):
            store.subscribe(chat, "private", bot_id=BOT)
        store.plan_broadcast("news", None, bot_id=BOT)
        first = store.next_delivery(bot_id=BOT)
        store.mark_delivery(first, "sending")
        store.mark_delivery(first, "sent")
        second = store.next_delivery(bot_id=BOT)
        store.mark_delivery(second, "sending")  # and the process dies here
    with open_state_store(path) as store:
        assert store.settle_deliveries(bot_id=BOT) == 1
        rest = store.next_delivery(bot_id=BOT)
        assert rest.chat_id == 3
        assert store.delivery_counts(bot_id=BOT) == {"sent": 1, "unsure": 1, "waiting": 1}


def test_a_daily_subscriber_is_due_once_a_day_with_what_was_announced_since(store, store_clock):

    store.subscribe(1, "private", bot_id=BOT, daily_hour=9)  # at noon: today's 9:00 is gone
    store.subscribe(2, "private", bot_id=BOT)
    assert not store.subscribe(1, "private", bot_id=BOT, daily_hour=9)  # nothing changed
    store_clock.advance(hours=1)
    assert store.plan_broadcast("one", None, bot_id=BOT, paths=["a.md"]) == 1  # chat 2 only
    store_clock.advance(hours=2)
    store.plan_broadcast("two", None, bot_id=BOT, paths=["b.md", "a.md"])
    assert store.daily_due(store_clock.now, bot_id=BOT) == []  # not before tomorrow 9:00
    store_clock.advance(days=1)  # 15:00 the next day: the hour has passed, so it is due
    (due,) = store.daily_due(store_clock.now, bot_id=BOT)
    assert (due.chat_id, due.paths) == (1, ("a.md", "b.md"))
    assert store.plan_daily(due, "digest", None, bot_id=BOT)
    assert store.daily_due(store_clock.now, bot_id=BOT) == []  # once a day
    store_clock.advance(days=1)
    (again,) = store.daily_due(store_clock.now, bot_id=BOT)
    assert again.paths == ()  # nothing announced since: the caller sends nothing
    assert store.plan_daily(again, None, None, bot_id=BOT)
    assert store.delivery_counts(bot_id=BOT) == {"waiting": 3}  # 2 to chat 2, 1 digest
    assert store.subscribe(1, "private", bot_id=BOT)  # back to each announcement
    store_clock.advance(days=1)
    assert store.daily_due(store_clock.now, bot_id=BOT) == []


def test_a_taken_delivery_is_the_taker_s_alone(store):
    for chat in (1, 2):
        store.subscribe(chat, "private", bot_id=BOT)
    store.plan_broadcast("news", None, bot_id=BOT)
    first, second = store.take_delivery(bot_id=BOT), store.take_delivery(bot_id=BOT)
    assert (first.chat_id, second.chat_id) == (1, 2)
    assert store.take_delivery(bot_id=BOT) is None  # both are being sent
    assert store.delivery_counts(bot_id=BOT) == {"sending": 2}
    store.mark_delivery(first, "waiting")  # its send failed: it waits to be taken again
    assert store.take_delivery(bot_id=BOT).chat_id == 1


def test_a_daily_digest_planned_twice_at_once_is_planned_once(store, store_clock):
    store.subscribe(1, "private", bot_id=BOT, daily_hour=9)
    store.subscribe(2, "private", bot_id=BOT, daily_hour=9)
    store_clock.advance(days=1)  # subscribed at noon: due from 9:00 the next day
    # Two replicas found them due in the same instant; the second to plan one plans nothing.
    seen_by_a = store.daily_due(store_clock.now, bot_id=BOT)
    seen_by_b = store.daily_due(store_clock.now, bot_id=BOT)
    assert [d.chat_id for d in seen_by_a] == [d.chat_id for d in seen_by_b] == [1, 2]
    assert store.plan_daily(seen_by_a[0], "digest", None, bot_id=BOT)
    assert not store.plan_daily(seen_by_b[0], "digest", None, bot_id=BOT)
    assert store.delivery_counts(bot_id=BOT) == {"waiting": 1}
    store.unsubscribe(2, bot_id=BOT)
    assert not store.plan_daily(seen_by_a[1], "digest", None, bot_id=BOT)  # gone meanwhile
