"""python -m bot feed add|list|remove|poll: the same feeds and polls as the bot's /feed."""

from __future__ import annotations

import shutil

import pytest

from bot.cli import main
from testkit.local_site import LocalSite
from testkit.news_feed import ARTICLES, serve
from tests.conftest import REPO_KNOWLEDGE


@pytest.fixture
def knowledge(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLOW_PRIVATE_LINKS", "true")  # the test's site is on 127.0.0.1
    monkeypatch.setenv("STATE_DB", str(tmp_path / "state.db"))
    target = tmp_path / "kb"
    shutil.copytree(REPO_KNOWLEDGE, target)
    return target


def run(capsys, *args: str) -> tuple[int, str]:
    status = main(["feed", *args])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_add_list_poll_and_remove_from_the_command_line(capsys, knowledge):
    with LocalSite() as site:
        url = serve(site, ARTICLES[:2])
        status, out = run(capsys, "add", url, "--knowledge", str(knowledge))
        assert status == 0
        assert out.startswith("following Merrow Valley Daily: 2 entries\n")
        assert "  ferry-crews-strike-over-rosters.md: \u201cFerry crews strike" in out
        assert out.endswith("reload the bot (/reload) to answer from the new briefings\n")
        assert (knowledge / "ferry-crews-strike-over-rosters.md").is_file()
        serve(site, ARTICLES)
        status, out = run(capsys, "poll", "--knowledge", str(knowledge))
        assert (status, out.splitlines()[:2]) == (
            0,
            [
                "Merrow Valley Daily: 1 new briefing:",
                "  lowmere-hospital-opens-a-new-children-s-wing.md: \u201cLowmere hospital"
                " opens a new children's wing\u201d",
            ],
        )
        status, out = run(capsys, "poll", "--knowledge", str(knowledge))
        assert out == "Merrow Valley Daily: unchanged\n"
        status, out = run(capsys, "list", "--knowledge", str(knowledge))
        assert out.splitlines()[0] == f"1. Merrow Valley Daily <{url}>"
        assert "3 briefings taken, last polled 20" in out
        site.fail("/feed.xml")
        site.put("/feed.xml", "<html><body>moved</body></html>")
        status, out = run(capsys, "poll", "--knowledge", str(knowledge))
        assert status == 1
        assert "not an RSS or Atom feed" in out
        status, out = run(capsys, "remove", "1", "--knowledge", str(knowledge))
        assert out.startswith("no longer following Merrow Valley Daily; its 3 briefings stay")
        status, out = run(capsys, "list", "--knowledge", str(knowledge))
        assert out.startswith("no feeds followed")


def test_a_page_that_is_not_a_feed_is_never_followed(capsys, knowledge):
    with LocalSite() as site:
        page = site.put("/news.html", ARTICLES[0].html())
        status, out = run(capsys, "add", page, "--knowledge", str(knowledge))
        assert status == 2
        assert "not an RSS or Atom feed" in out
        assert run(capsys, "list", "--knowledge", str(knowledge))[1].startswith("no feeds")
        status, out = run(capsys, "remove", "--knowledge", str(knowledge))
        assert status == 2
        assert "feed remove needs a feed" in out
