"""End to end: the real ``python -m bot run`` process against the fake Bot API on 127.0.0.1."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.model_install import default_model_dir, is_installed
from bot.store import open_store
from testkit.bot_process import REPO, sends_replying_to
from testkit.fake_bot_api import (
    BOT_USER,
    SECOND_BOT_USER,
    SECOND_TOKEN,
    TOKEN,
    FakeBotApi,
    FakeTelegram,
)
from testkit.local_site import LocalSite
from testkit.news_feed import ARTICLES, serve
from testkit.ports import free_port
from testkit.telegram_html import html_problems
from testkit.telegram_updates import UpdateMaker
from tests.conftest import (
    ADMIN_ID,
    GROUP_ID,
    HARBOUR,
    LITHIUM,
    SQUAD_DIR,
    USER_ID,
    make_pdf,
)

KALBAJAR = "whose <b>handover</b> was delayed until November 25"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

pytestmark = pytest.mark.timeout(90)


def check_reply(call, chat_id: int) -> str:
    params = call.params
    assert params["chat_id"] == chat_id
    assert params["parse_mode"] == "HTML"
    assert params["link_preview_options"] == {"is_disabled": True}
    assert params["reply_parameters"]["allow_sending_without_reply"] is True
    assert html_problems(params["text"]) == []
    return params["text"]


def test_questions_in_private_and_groups(bot_process):
    bot = bot_process()
    make = UpdateMaker()
    private = bot.reply_to(make.message("when is Kalbajar handed over?", user=USER_ID))
    assert KALBAJAR in check_reply(private, USER_ID)
    assert private.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "More"

    for text in (
        "/ask when is Kalbajar handed over?",
        "/ask@BriefingTestBot when is Kalbajar handed over?",
    ):
        answer = bot.reply_to(make.message(text, user=USER_ID, chat=GROUP_ID))
        assert KALBAJAR in check_reply(answer, GROUP_ID)

    other = make.raw_message("When is Kalbajar handed over?", user=7, chat=GROUP_ID)
    via_reply = bot.reply_to(make.message("/ask", user=USER_ID, chat=GROUP_ID, reply_to=other))
    assert KALBAJAR in check_reply(via_reply, GROUP_ID)

    follow = make.message(
        "who guards the Lachin corridor?", user=7, chat=GROUP_ID, reply_to=answer.result
    )
    assert "<b>Lachin</b> <b>corridor</b>" in check_reply(bot.reply_to(follow), GROUP_ID)

    chatter = make.message("lunch at noon, anyone?", user=7, chat=GROUP_ID)
    bot.fake.push(chatter)
    bot.reply_to(make.message("/sources", user=USER_ID, chat=GROUP_ID))  # processed after it
    assert sends_replying_to(bot.fake.calls, chatter["message"]["message_id"]) == []

    more, up, _ = (
        b["callback_data"] for b in private.params["reply_markup"]["inline_keyboard"][0]
    )
    bot.fake.push(make.callback(more, private.result, user=USER_ID))
    calls = bot.fake.wait_for(lambda cs: any(c.method == "editMessageText" for c in cs))
    edit = next(c for c in calls if c.method == "editMessageText")
    assert edit.status == 200
    assert edit.params["message_id"] == private.result["message_id"]

    bot.fake.push(make.callback(up, private.result, user=USER_ID))  # a vote
    calls = bot.fake.wait_for(
        lambda cs: any("\U0001f44d 1" in c.params.get("text", "") for c in cs), timeout=10
    )
    assert [c for c in calls if c.method == "answerCallbackQuery"][-1].status == 200
    unasked = make.message("what is the currency of Armenia?", user=USER_ID)
    assert "<blockquote>" not in check_reply(bot.reply_to(unasked), USER_ID)  # no quote
    report = check_reply(bot.reply_to(make.message("/unanswered", user=ADMIN_ID)), ADMIN_ID)
    assert "- once: what is the currency of Armenia?" in report

    commands = bot.fake.sent("setMyCommands")
    scopes = {c.params["scope"]["type"] for c in commands}
    assert {"all_private_chats", "all_group_chats"} <= scopes
    assert len(bot.fake.sent()) == 8  # one per question and the report; none for the chatter
    log = bot.stop()
    assert TOKEN not in log
    # At DEBUG an admin reads their id as docs/telegram.md says; the update follows as JSON.
    start = f"update {unasked['update_id']} received from user {USER_ID}: "
    (line,) = [line for line in log.splitlines() if start in line]
    assert json.loads(line.split(start, 1)[1])["message"]["from"]["id"] == USER_ID


def test_small_talk_and_other_languages_get_replies_of_their_own(bot_process):
    bot = bot_process()
    make = UpdateMaker()
    hello = check_reply(bot.reply_to(make.message("hi!", user=USER_ID)), USER_ID)
    assert hello.startswith("Hello!")
    examples = [line for line in hello.splitlines() if line.startswith("\u2022 <i>What about ")]
    assert len(examples) >= 2
    asked = bot.reply_to(make.message("/ask hello", user=USER_ID, chat=GROUP_ID))
    assert "/ask What about " in check_reply(asked, GROUP_ID)
    thanks = make.message(
        "thanks @BriefingTestBot", user=USER_ID, chat=GROUP_ID, reply_to=asked.result
    )
    assert check_reply(bot.reply_to(thanks), GROUP_ID).startswith("You are welcome!")
    both = bot.reply_to(make.message("Hello! when is Kalbajar handed over?", user=USER_ID))
    assert KALBAJAR in check_reply(both, USER_ID)
    russian = bot.reply_to(make.message("Когда передадут Кельбаджар?", user=USER_ID))
    note = check_reply(russian, USER_ID)
    assert note.startswith("Я читаю брифинги на английском")
    assert "It looks like you wrote in Russian." in note
    log = bot.stop()
    assert "small talk chat=private kind=greeting" in log
    assert "other language chat=private language=ru" in log


def test_an_edited_question_edits_its_answer_and_a_follow_up_leans_on_it(bot_process):
    bot = bot_process()
    make = UpdateMaker()
    asked = make.message("who guards the Lachin corridor?", user=USER_ID)
    first = bot.reply_to(asked)
    assert "<b>Lachin</b> <b>corridor</b>" in check_reply(first, USER_ID)
    bot.fake.push(make.edited(asked, "when is Kalbajar handed over?"))
    calls = bot.fake.wait_for(lambda cs: any(c.method == "editMessageText" for c in cs))
    edit = next(c for c in calls if c.method == "editMessageText")
    assert edit.status == 200
    assert edit.params["message_id"] == first.result["message_id"]
    assert KALBAJAR in edit.params["text"]
    assert len(bot.fake.sent()) == 1
    follow = bot.reply_to(make.message("why so late?", user=USER_ID))  # after that answer
    assert "to allow the Armenians time to leave" in check_reply(follow, USER_ID)
    assert "edited question chat=private answer known=True" in bot.stop()


def test_two_bots_on_one_state_store_both_answer_the_same_update_id(bot_process):
    """A test bot beside the production bot: own tokens, one knowledge directory and STATE_DB.

    Each bot's updates are numbered from 1 on its own, so both get an update 1; both answer it,
    neither drops the other's as "delivered again".
    """
    production = bot_process(name="production")
    test_bot = bot_process(FakeTelegram(SECOND_TOKEN, SECOND_BOT_USER), name="test-bot")
    make = UpdateMaker()
    question = make.message("when is Kalbajar handed over?", user=USER_ID)
    asked = [copy.deepcopy(question), copy.deepcopy(question)]
    for bot, update in zip((production, test_bot), asked, strict=True):
        assert KALBAJAR in check_reply(bot.reply_to(update), USER_ID)
    assert asked[0]["update_id"] == asked[1]["update_id"] == 1
    logs = {bot.name: bot.stop() for bot in (production, test_bot)}
    stores = {re.search(r"state store (\S+)", log)[1] for log in logs.values()}
    assert len(stores) == 1  # one STATE_DB, the default beside the shared index cache
    assert f"(id {BOT_USER['id']}) ready" in logs["production"]
    assert f"(id {SECOND_BOT_USER['id']}) ready" in logs["test-bot"]
    for log in logs.values():
        assert "delivered again" not in log
        assert TOKEN not in log
        assert SECOND_TOKEN not in log


def test_reload_upload_and_remove_by_admins_only(bot_process, knowledge_copy):
    bot = bot_process()
    make = UpdateMaker()
    (knowledge_copy / "lithium.md").write_text(LITHIUM)
    refused = bot.reply_to(make.message("/reload", user=USER_ID))
    assert "only the bot's admins" in check_reply(refused, USER_ID)
    unchanged = bot.reply_to(
        make.message("what happened to lithium mines in Zimbabwe?", user=USER_ID)
    )
    assert "could not find" in check_reply(unchanged, USER_ID)

    reloaded = bot.reply_to(make.message("/reload", user=ADMIN_ID))
    summary = check_reply(reloaded, ADMIN_ID)
    assert "2 documents" in summary
    assert "Added: lithium.md" in summary
    answered = bot.reply_to(
        make.message("what happened to lithium mines in Zimbabwe?", user=USER_ID)
    )
    assert "new <b>mines</b> in <b>Zimbabwe</b>" in check_reply(answered, USER_ID)

    bot.fake.add_file("doc-1", LITHIUM.replace("a third", "half").encode())
    upload = bot.reply_to(make.document("lithium.md", "doc-1", len(LITHIUM), user=ADMIN_ID))
    assert "Changed: lithium.md" in check_reply(upload, ADMIN_ID)
    assert "fell by half" in (knowledge_copy / "lithium.md").read_text()

    asked = bot.reply_to(make.message("/remove lithium.md", user=ADMIN_ID))
    assert check_reply(asked, ADMIN_ID).startswith("Remove <b>lithium.md</b>")
    remove = asked.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    bot.fake.push(make.callback(remove, asked.result, user=ADMIN_ID))
    calls = bot.fake.wait_for(
        lambda cs: any("briefing removed" in c.params.get("text", "") for c in cs), timeout=30
    )
    edit = next(c for c in calls if "briefing removed" in c.params.get("text", ""))
    assert edit.method == "editMessageText"
    assert "Removed: lithium.md" in edit.params["text"]
    assert not (knowledge_copy / "lithium.md").exists()
    gone = bot.reply_to(make.message("what happened to lithium mines in Zimbabwe?", user=USER_ID))
    assert "could not find" in check_reply(gone, USER_ID)
    assert TOKEN not in bot.stop()


def test_an_admin_sends_a_pdf_a_web_page_and_a_link_and_each_is_answered(
    bot_process, knowledge_copy, tmp_path
):
    """PDF, HTML and a link through the real bot: each answerable a moment later."""
    site = tmp_path / "site"
    site.mkdir()
    page = (FIXTURES / "saved-news-page.html").read_bytes()
    (site / "lithium.html").write_text(LITHIUM_PAGE, encoding="utf-8")
    handler = partial(_QuietFiles, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        bot = bot_process(ALLOW_PRIVATE_LINKS="true")
        make = UpdateMaker()
        pdf = make_pdf(HARBOUR, title="Harbour Talks Resume in Valdora")
        bot.fake.add_file("pdf-1", pdf)
        sent = bot.reply_to(make.document("harbour.pdf", "pdf-1", len(pdf), user=ADMIN_ID))
        assert "Added: harbour.pdf" in check_reply(sent, ADMIN_ID)
        lorries = bot.reply_to(
            make.message("how many lorries use the customs post?", user=USER_ID)
        )
        assert "4,000" in check_reply(lorries, USER_ID)

        bot.fake.add_file("html-1", page)
        sent = bot.reply_to(make.document("gazette.html", "html-1", len(page), user=ADMIN_ID))
        assert "Added: gazette.html" in check_reply(sent, ADMIN_ID)

        url = f"http://127.0.0.1:{server.server_address[1]}/lithium.html"
        added = bot.reply_to(make.message(f"/add {url}", user=ADMIN_ID), timeout=20)
        assert "Added \u201cLithium prices\u201d" in check_reply(added, ADMIN_ID)
        lithium = bot.reply_to(make.message("why did the lithium price fall?", user=USER_ID))
        assert "Zimbabwe" in check_reply(lithium, USER_ID)
        assert TOKEN not in bot.stop()
    finally:
        server.shutdown()
        server.server_close()


LITHIUM_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Lithium prices | Example Wire</title>
<meta property="og:site_name" content="Example Wire">
<meta property="og:title" content="Lithium prices">
</head><body><nav><a href="/">Home</a> <a href="/markets">Markets</a></nav>
<article><h1>Lithium prices</h1>
<p>The lithium price fell by a third in October as new mines in Zimbabwe opened.</p>
<p>Traders expect the price to stay low until the spring, when two smelters close.</p>
</article><footer>Subscribe to Example Wire for more.</footer></body></html>
"""


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def get_json(url: str) -> dict:
    """GET ``url`` for a JSON object, waiting (10 s at most) while its server starts."""
    deadline = time.monotonic() + 10
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.loads(response.read())
        except OSError:  # not listening yet: it starts once the bot has started up
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def post_update(url: str, update: dict, secret: str) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(update).encode(),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as refused:
            return int(refused.code)
        except OSError:  # the webhook server is still starting
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_followed_feed_brings_dated_briefings_without_an_admin(bot_process, knowledge_copy):
    with LocalSite() as site:
        url = serve(site, ARTICLES[:1])
        bot = bot_process(ALLOW_PRIVATE_LINKS="true", FEED_POLL_MINUTES="0.02")
        make = UpdateMaker()
        added = bot.reply_to(make.message(f"/feed add {url}", user=ADMIN_ID))
        assert "1 new briefing" in check_reply(added, ADMIN_ID)
        serve(site, ARTICLES)  # two more entries, taken by the bot's own poll
        wait_for_log(bot, "2 new briefings")
        asked = bot.reply_to(make.message("how many nurses were hired?", user=USER_ID))
        answer = check_reply(asked, USER_ID)
        assert "60 <b>nurses</b>" in answer
        assert "Merrow Valley Daily, 18 Nov 2026" in answer  # dated by the feed
        listed = bot.reply_to(make.message("/feed list", user=ADMIN_ID))
        assert "3 briefings taken" in check_reply(listed, ADMIN_ID)
        news = check_reply(bot.reply_to(make.message("hi, what's new?", user=USER_ID)), USER_ID)
        firsts = [line for line in news.splitlines() if line[:2] in ("1.", "2.", "3.")]
        assert [line.split("</b>")[0][6:] for line in firsts] == [
            a.title for a in reversed(ARTICLES)
        ]  # newest first, by the feed's dates
        day = check_reply(
            bot.reply_to(make.message("what did it say on 17 November?", user=USER_ID)), USER_ID
        )
        assert day.startswith("<b>The briefing of 17 Nov 2026</b>:\n\n1. <b>Ferry crews strike")
        asked = "in the ferry briefing, how many union members joined?"
        scoped = check_reply(bot.reply_to(make.message(asked, user=USER_ID)), USER_ID)
        assert "140 of its <b>members</b>" in scoped
        log = bot.stop()
    assert len(list(knowledge_copy.glob("*.md"))) == 4
    assert log.count("feed " + url) >= 2  # the admin's poll and the bot's own


def _announced(fake: FakeTelegram) -> list[int]:
    """The chats sent an announcement so far (a chat twice is listed twice)."""
    return [
        int(c.params["chat_id"])
        for c in fake.sent()
        if c.params.get("text", "").startswith("\U0001f195")
    ]


def test_each_subscriber_gets_one_announcement_even_across_a_crash(bot_process):
    fake = FakeTelegram()
    readers = list(range(3001, 3041))
    make = UpdateMaker()
    with LocalSite() as site:
        url = serve(site)
        env = {"ALLOW_PRIVATE_LINKS": "true", "FEED_POLL_MINUTES": "0"}
        bot = bot_process(fake, name="first", **env)
        for reader in readers:
            assert "Subscribed" in check_reply(
                bot.reply_to(make.message("/subscribe", user=reader)), reader
            )
        fake.latency = 0.1  # a distant Bot API: the broadcast takes seconds
        bot.fake.push(make.message(f"/feed add {url}", user=ADMIN_ID))
        deadline = time.monotonic() + 60
        while len(_announced(fake)) < 10:
            assert time.monotonic() < deadline, "the announcements never began"
            time.sleep(0.02)
        bot.kill()  # mid-broadcast
        cut_off = len(_announced(fake))
        assert cut_off < len(readers)
        fake.latency = 0.0
        restarted = bot_process(fake, name="restarted", **env)
        deadline = time.monotonic() + 60
        while len(set(_announced(fake))) < len(readers):
            assert time.monotonic() < deadline, f"only {len(set(_announced(fake)))} announced"
            time.sleep(0.05)
        time.sleep(0.5)  # nothing more comes
        log = restarted.stop()
    sent = _announced(fake)
    assert sorted(sent) == readers  # everyone once: none skipped, none repeated
    (text,) = {
        c.params["text"] for c in fake.sent() if c.params.get("text", "").startswith("\U0001f195")
    }
    assert text.startswith("\U0001f195 <b>3 new briefings</b>")  # one announcement for the three
    assert "Merrow Valley Daily, 18 Nov 2026" in text
    with open_store(Path(re.search(r"state store (\S+)", log)[1])) as store:
        counts = store.delivery_counts(bot_id=BOT_USER["id"])
    # the one cut off mid-send, if any, is "unsure": it had reached the fake Bot API
    assert counts.get("sent", 0) + counts.get("unsure", 0) == len(readers)
    assert counts.get("unsure", 0) <= 1


def test_webhook_mode_checks_the_secret(bot_process, knowledge_copy):
    port, health = free_port(), free_port()
    url = f"http://127.0.0.1:{port}/tg/hook"
    bot = bot_process(
        WEBHOOK_URL=url,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET="s3cret",
        HEALTH_LISTEN="127.0.0.1",
        HEALTH_PORT=str(health),
    )
    ready = get_json(f"http://127.0.0.1:{health}/healthz")  # what a load balancer asks
    assert (ready["ready"], ready["store"]) == (True, "ok")
    assert ready["documents"] > 0
    registered = bot.fake.sent("setWebhook")[0].params
    assert registered["url"] == url
    assert registered["secret_token"] == "s3cret"
    make = UpdateMaker()
    forged = make.message("when is Kalbajar handed over?", user=USER_ID)
    forged["update_id"] = 1
    assert post_update(url, forged, "wrong") == 403
    update = make.message("when is Kalbajar handed over?", user=USER_ID)
    update["update_id"] = 2
    assert post_update(url, update, "s3cret") == 200
    # Recorded in the state store before the 200: Telegram forgets it once it has that.
    with sqlite3.connect(knowledge_copy / ".index-cache" / "state.sqlite3") as store:
        recorded = [row[0] for row in store.execute("SELECT update_id FROM updates")]
    assert recorded == [2]
    bot.fake.wait_for(
        lambda calls: bool(sends_replying_to(calls, update["message"]["message_id"]))
    )
    assert len(bot.fake.sent()) == 1  # the forged update got nothing
    log = bot.stop()
    assert TOKEN not in log
    assert "s3cret" not in log


def test_a_rejected_token_is_one_line_without_the_token(tmp_path):
    with FakeBotApi() as api:
        env = dict(os.environ, PYTHONPATH=str(REPO), TELEGRAM_BOT_TOKEN="999:wrong-token")
        env.update(TELEGRAM_BASE_URL=api.base_url, KNOWLEDGE_DIR=str(REPO / "knowledge"))
        env.update(CACHE_DIR=str(tmp_path / "cache"))  # never into the repository
        done = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert done.returncode != 0
    assert done.stderr.strip().splitlines()[-1].startswith("error: TELEGRAM_BOT_TOKEN: rejected")
    assert "Traceback" not in done.stderr
    assert "wrong-token" not in done.stdout + done.stderr


@pytest.fixture
def installed_model() -> None:
    """The default sentence model, installed: a missing one fails the test, never skips it."""
    if not is_installed(default_model_dir()):
        pytest.fail(
            f"the sentence model is not installed at {default_model_dir()}: run "
            "`python -m bot model install`",
            pytrace=False,
        )


def wait_for_log(bot, text: str, timeout: float = 30.0, times: int = 1) -> str:
    deadline = time.monotonic() + timeout
    while (log := bot.log()).count(text) < times:
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never logged:\n{log}")
        time.sleep(0.1)
    return log


@pytest.mark.usefixtures("installed_model")
def test_with_the_model_answers_by_words_then_by_meaning(bot_process, knowledge_copy):
    shutil.rmtree(knowledge_copy / ".index-cache", ignore_errors=True)  # no vectors yet
    bot = bot_process(SEMANTIC="true")
    make = UpdateMaker()
    first = bot.reply_to(make.message("when is Kalbajar handed over?", user=USER_ID))
    assert KALBAJAR in check_reply(first, USER_ID)  # at once, whether vectors are ready or not
    log = wait_for_log(bot, "sentence vectors ready: answering by meaning and words")
    assert "answering by words until the sentence vectors are embedded" in log
    later = bot.reply_to(make.message("when is Kalbajar handed over?", user=USER_ID))
    assert "Kalbajar" in check_reply(later, USER_ID)
    for unanswerable in ("apple pie recipe?", "what's a good recipe for apple pie"):
        bot.reply_to(make.message(unanswerable, user=USER_ID))
    report = check_reply(bot.reply_to(make.message("/unanswered", user=ADMIN_ID)), ADMIN_ID)
    assert "2 times: what's a good recipe for apple pie" in report  # one, by meaning

    (knowledge_copy / "lithium.md").write_text(LITHIUM)
    reloaded = check_reply(bot.reply_to(make.message("/reload", user=ADMIN_ID)), ADMIN_ID)
    assert "Answering by words until the sentence vectors are embedded" in reloaded
    lithium = bot.reply_to(make.message("what happened to lithium mines?", user=USER_ID))
    assert "Zimbabwe" in check_reply(lithium, USER_ID)  # the new file, by words meanwhile
    wait_for_log(bot, "sentence vectors ready", times=2)  # once at start, once after reload
    bot.stop()
    restarted = bot_process(SEMANTIC="true")  # the vectors are in the cache now
    assert "bot.tg.runner: answering by meaning and words" in restarted.log()
    restarted.stop()


@pytest.mark.usefixtures("installed_model")
def test_stopping_mid_embedding_is_prompt_and_keeps_what_is_done(bot_process, knowledge_copy):
    """SIGTERM while embedding thousands of sentences: out at once, no process left behind."""
    shutil.rmtree(knowledge_copy / ".index-cache", ignore_errors=True)
    shutil.copytree(SQUAD_DIR / "knowledge", knowledge_copy, dirs_exist_ok=True)
    bot = bot_process(SEMANTIC="true")
    wait_for_log(bot, "answering by words until the sentence vectors are ready")
    question = UpdateMaker().message("who founded the Mongol Empire?", user=USER_ID)
    assert "Mongol" in check_reply(bot.reply_to(question), USER_ID)
    started = time.monotonic()
    log = bot.stop()
    assert time.monotonic() - started < 5, log
    assert bot.process.returncode == 0
    assert "embedding stopped" in log
    assert "sentence vectors ready" not in log  # 4,700 sentences take longer than this test
