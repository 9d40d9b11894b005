"""Which message answered which: kept per bot, replaced when sent anew, pruned with the log."""

from __future__ import annotations

import sqlite3

from bot.store import QuestionEntry, ReplyLink, open_store
from bot.store.schema import MIGRATIONS

BOT, OTHER_BOT = 777000111, 888000222


def link(reply_id: int, *, bot: int = BOT, question: int | None = None) -> ReplyLink:
    return ReplyLink(bot_id=bot, chat_id=42, message_id=7, reply_id=reply_id, question_id=question)


def test_a_link_is_kept_per_bot_and_replaced_by_a_new_answer(store):
    assert store.reply_link(42, 7, bot_id=BOT) is None
    store.link_reply(link(5001, question=3))
    store.link_reply(link(9001, bot=OTHER_BOT))  # the same user's chat with another bot
    assert store.reply_link(42, 7, bot_id=BOT) == link(5001, question=3)
    store.link_reply(link(5002, question=4))  # the answer was deleted and sent anew
    assert store.reply_link(42, 7, bot_id=BOT) == link(5002, question=4)
    assert store.reply_link(42, 7, bot_id=OTHER_BOT) == link(9001, bot=OTHER_BOT)
    assert store.reply_link(42, 8, bot_id=BOT) is None


def test_links_are_kept_a_week_and_hold_no_chat_id(store, store_clock):
    store.link_reply(link(5001))
    store_clock.advance(days=6)
    store.prune(store_clock.now, 90)
    assert store.reply_link(42, 7, bot_id=BOT) == link(5001)
    store_clock.advance(days=2)
    store.prune(store_clock.now, 90)
    assert store.reply_link(42, 7, bot_id=BOT) is None
    store.link_reply(link(5003))
    (chat,) = store._read(lambda db: db.execute("SELECT chat FROM replies").fetchall())[0]
    assert chat == store.user_hash(42)  # the chat's id (a user's, in private) only hashed


def test_an_edit_is_logged_against_the_question_it_replaces(store):
    first = store.log_question(
        QuestionEntry(chat_type="private", text="wen is kalbajar", group_key="k", latency_ms=1)
    )
    edit = store.log_question(
        QuestionEntry(
            chat_type="private",
            text="when is Kalbajar?",
            group_key="k",
            latency_ms=1,
            edit_of=first,
        )
    )
    assert store.logged_question(edit).edit_of == first
    assert store.logged_question(first).edit_of is None


def test_a_version_three_store_gains_links_and_keeps_its_questions(tmp_path):
    path = tmp_path / "state.db"
    open_store(path, migrations=MIGRATIONS[:3]).close()
    raw = sqlite3.connect(path)  # a question as the release before wrote it
    with raw:
        kept = raw.execute(
            "INSERT INTO questions (asked_at, chat_type, text, group_key, answered, latency_ms)"
            " VALUES ('2026-11-30T10:00:00.000000Z', 'group', 'old', 'old', 0, 2.0)"
        ).lastrowid
    raw.close()
    with open_store(path) as store:
        assert store.logged_question(kept).text == "old"
        assert store.logged_question(kept).edit_of is None
        store.link_reply(link(5001, question=kept))
        assert store.reply_link(42, 7, bot_id=BOT).question_id == kept
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT version FROM schema_version").fetchone()[0] == len(MIGRATIONS)
    raw.close()
