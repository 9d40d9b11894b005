"""/unanswered, /stats and /feedback: what admins learn from use; refused to everyone else."""

from __future__ import annotations

from bot.tg.reports import NO_STORE, REFUSAL
from testkit.telegram_updates import feed
from tests.conftest import ADMIN_ID, GROUP_ID, USER_ID

UNANSWERED = (
    "What is the currency of Armenia?",
    "what is the CURRENCY of armenia",
    "Armenia's currency: what is it?",
    "How do I cook rice?",
)


async def _ask_all(app, updates, texts, user=USER_ID) -> None:
    for text in texts:
        await feed(app, updates.message(text, user=user))


async def test_unanswered_groups_similar_questions_most_asked_first(
    stored_app, fake_telegram, updates
):
    await _ask_all(stored_app, updates, [*UNANSWERED, "when is Kalbajar handed over?"])
    await feed(stored_app, updates.message("/unanswered", user=ADMIN_ID))
    report = fake_telegram.sent()[-1].params["text"]
    assert report.startswith("<pre>")
    lines = report.removeprefix("<pre>").removesuffix("</pre>").splitlines()
    assert lines[0] == "Most asked without an answer, last 7 days:"
    assert lines[1] == "- 3 times: Armenia's currency: what is it?"  # the latest wording
    assert lines[2] == "- once: How do I cook rice?"
    assert len(lines) == 3  # the answered question is not there


async def test_stats_count_questions_answers_and_votes(stored_app, fake_telegram, updates):
    await _ask_all(stored_app, updates, ["when is Kalbajar handed over?", UNANSWERED[0]])
    answer = fake_telegram.sent()[0]
    vote = answer.params["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
    await feed(stored_app, updates.callback(vote, answer.result, user=USER_ID))
    await feed(stored_app, updates.message("/stats", user=ADMIN_ID))
    report = fake_telegram.sent()[-1].params["text"]
    assert "all: 2 questions, 50% answered, 1 up, 0 down" in report


async def test_feedback_lists_answers_voted_down(stored_app, fake_telegram, updates):
    await _ask_all(stored_app, updates, ["who guards the Lachin corridor?"])
    answer = fake_telegram.sent()[0]
    down = answer.params["reply_markup"]["inline_keyboard"][0][2]["callback_data"]
    await feed(stored_app, updates.callback(down, answer.result, user=USER_ID))
    await feed(stored_app, updates.message("/feedback", user=ADMIN_ID))
    report = fake_telegram.sent()[-1].params["text"]
    assert "- who guards the Lachin corridor?" in report
    assert "Lachin corridor" in report.split("quoted", 1)[1]
    assert "\U0001f44e 1" in report


async def test_reports_are_for_admins_only(stored_app, fake_telegram, updates):
    for command in ("/unanswered", "/stats", "/feedback"):
        await feed(stored_app, updates.message(command, user=USER_ID))
        assert fake_telegram.sent()[-1].params["text"] == REFUSAL
    await feed(stored_app, updates.message("/stats", user=USER_ID, chat=GROUP_ID))
    assert fake_telegram.sent()[-1].params["text"] == REFUSAL


async def test_without_a_store_there_is_nothing_to_report(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.message("/unanswered", user=ADMIN_ID))
    assert fake_telegram.sent()[-1].params["text"] == NO_STORE


async def test_a_question_is_logged_as_text_with_its_citation(stored_app, updates, live_store):
    from bot.report_text import since
    from bot.store import utc_now

    await feed(stored_app, updates.message("when is <b>Kalbajar</b> handed over?", user=USER_ID))
    await feed(
        stored_app, updates.message("/ask how do I cook rice?", user=USER_ID, chat=GROUP_ID)
    )
    answered, unanswered = live_store.questions(since(utc_now(), 1))
    assert answered.text == "when is <b>Kalbajar</b> handed over?"  # as typed, never rendered
    assert answered.chat_type == "private"
    assert answered.citation is not None
    assert "November 25" in answered.citation.text
    assert answered.citation.file.endswith(".md") or answered.citation.file.endswith(".txt")
    assert answered.latency_ms > 0
    assert answered.user_hash is None  # no user unless LOG_USER_HASH asks for a hash
    assert unanswered.chat_type == "supergroup"
    assert unanswered.citation is None
    assert unanswered.text == "how do I cook rice?"
