"""Admin handlers: /reload and uploads through the Application; everyone else refused."""

from __future__ import annotations

from bot.tg.admin import REFUSAL
from bot.tg.state import get_state
from testkit.telegram_updates import feed
from tests.conftest import ADMIN_ID, GROUP_ID, LITHIUM, USER_ID, last_text


async def test_admin_reload_reports_added_file(tg_app, fake_telegram, updates, tg_settings):
    (tg_settings.knowledge_dir / "lithium.md").write_text(LITHIUM)
    await feed(tg_app, updates.message("/reload", user=ADMIN_ID))
    text = last_text(fake_telegram)
    assert "2 documents" in text
    assert "Added: lithium.md" in text
    assert "Reloaded in" in text
    await feed(tg_app, updates.message("why did the lithium price fall?", user=USER_ID))
    assert "The <b>lithium</b> <b>price</b> fell by a third" in last_text(fake_telegram)


async def test_non_admin_reload_is_refused_and_changes_nothing(
    tg_app, fake_telegram, updates, tg_settings
):
    before = get_state(tg_app).answerer
    (tg_settings.knowledge_dir / "lithium.md").write_text(LITHIUM)
    await feed(tg_app, updates.message("/reload", user=USER_ID, chat=GROUP_ID))
    assert last_text(fake_telegram) == REFUSAL
    assert get_state(tg_app).answerer is before


async def test_failed_reload_keeps_answering_from_the_old_index(
    tg_app, fake_telegram, updates, tg_settings
):
    before = get_state(tg_app).answerer
    (tg_settings.knowledge_dir / "broken.md").write_bytes(b"\x00\x01 binary")
    await feed(tg_app, updates.message("/reload", user=ADMIN_ID))
    text = last_text(fake_telegram)
    assert "Reload failed" in text
    assert "broken.md" in text
    assert "Nothing changed: I still answer from 1 document." in text  # not "1 documents"
    assert get_state(tg_app).answerer is before


async def test_admin_upload_is_saved_and_loaded(tg_app, fake_telegram, updates, tg_settings):
    fake_telegram.add_file("f1", LITHIUM.encode())
    await feed(tg_app, updates.document("lithium.md", "f1", len(LITHIUM), user=ADMIN_ID))
    text = last_text(fake_telegram)
    assert "Saved lithium.md" in text
    assert "Added: lithium.md" in text
    assert (tg_settings.knowledge_dir / "lithium.md").read_text() == LITHIUM
    assert len(get_state(tg_app).answerer.base.documents) == 2


async def test_bad_upload_changes_nothing_and_names_the_file(
    tg_app, fake_telegram, updates, tg_settings
):
    before = get_state(tg_app).answerer
    fake_telegram.add_file("f2", b"   \n")
    await feed(tg_app, updates.document("empty.txt", "f2", 4, user=ADMIN_ID))
    text = last_text(fake_telegram)
    assert "Upload of empty.txt failed" in text
    assert "empty file" in text
    assert not (tg_settings.knowledge_dir / "empty.txt").exists()
    assert get_state(tg_app).answerer is before


async def test_upload_is_rolled_back_when_the_reload_fails(
    tg_app, fake_telegram, updates, tg_settings
):
    (tg_settings.knowledge_dir / "broken.md").write_bytes(b"caf\xe9, not utf-8")
    fake_telegram.add_file("f3", LITHIUM.encode())
    await feed(tg_app, updates.document("lithium.md", "f3", len(LITHIUM), user=ADMIN_ID))
    text = last_text(fake_telegram)
    assert "failed" in text
    assert "broken.md" in text
    assert not (tg_settings.knowledge_dir / "lithium.md").exists()


async def test_upload_of_other_kinds_and_by_others_is_refused(
    tg_app, fake_telegram, updates, tg_settings
):
    fake_telegram.add_file("f4", b"PK\x03\x04")
    await feed(tg_app, updates.document("report.docx", "f4", 4, user=ADMIN_ID))
    assert "not a knowledge file" in last_text(fake_telegram)
    fake_telegram.add_file("f5", LITHIUM.encode())
    await feed(tg_app, updates.document("lithium.md", "f5", len(LITHIUM), user=USER_ID))
    assert last_text(fake_telegram) == REFUSAL
    assert fake_telegram.sent("getFile") == []  # refused before downloading anything
    assert not (tg_settings.knowledge_dir / "lithium.md").exists()


async def test_oversized_upload_is_refused_before_download(tg_app, fake_telegram, updates):
    await feed(tg_app, updates.document("huge.md", "f6", 50 * 1024 * 1024, user=ADMIN_ID))
    assert "over the" in last_text(fake_telegram)
    assert fake_telegram.sent("getFile") == []


IMPOSSIBLE_DATE = "---\ntitle: Ferry\npublished: 2025-02-30\n---\nThe ferry leaves at noon.\n"


async def test_an_upload_with_an_impossible_date_is_refused_naming_file_field_and_form(
    tg_app, fake_telegram, updates, tg_settings
):
    before = get_state(tg_app).answerer
    fake_telegram.add_file("f6", IMPOSSIBLE_DATE.encode())
    await feed(tg_app, updates.document("ferry.md", "f6", len(IMPOSSIBLE_DATE), user=ADMIN_ID))
    text = last_text(fake_telegram)
    assert "Upload of ferry.md failed" in text
    assert "ferry.md:3: front matter published: '2025-02-30' is not a day of the calendar" in text
    assert "YYYY-MM-DD" in text
    assert "went wrong" not in text
    assert not (tg_settings.knowledge_dir / "ferry.md").exists()
    assert get_state(tg_app).answerer is before


async def test_a_reload_with_an_impossible_date_names_the_file_and_keeps_answering(
    tg_app, fake_telegram, updates, tg_settings
):
    before = get_state(tg_app).answerer
    (tg_settings.knowledge_dir / "ferry.md").write_text(IMPOSSIBLE_DATE.replace("02-30", "13-45"))
    await feed(tg_app, updates.message("/reload", user=ADMIN_ID))
    text = last_text(fake_telegram)
    assert "Reload failed" in text
    assert "ferry.md:3: front matter published: '2025-13-45'" in text
    assert "went wrong" not in text
    assert get_state(tg_app).answerer is before
