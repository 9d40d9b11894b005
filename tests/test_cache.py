"""The on-disk index cache: used when fresh, rebuilt on any change, harmless when damaged."""

import logging
import shutil

import numpy as np
import pytest

from bot.core import EngineConfig, build_answerer
from bot.core.ingest.loading import load_knowledge
from bot.core.search import cache, serialise
from tests.conftest import MAX_BYTES, REPO_KNOWLEDGE

QUESTION = "when is Kalbajar handed over?"


@pytest.fixture
def kb(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(REPO_KNOWLEDGE, target, ignore=shutil.ignore_patterns(".*"))
    return target


def _build(kb):
    return build_answerer(
        EngineConfig(knowledge_dir=kb, max_file_bytes=MAX_BYTES, cache_dir=kb / ".index-cache")
    )


def test_a_fresh_cache_gives_the_same_answers_without_rebuilding(kb, monkeypatch):
    first = _build(kb)
    assert (kb / ".index-cache" / cache.FILE_NAME).is_file()
    monkeypatch.setattr(cache, "build_arrays", lambda base: pytest.fail("rebuilt"))
    second = _build(kb)
    assert second.base == first.base
    assert second.ask(QUESTION, answer_count=5) == first.ask(QUESTION, answer_count=5)
    assert load_knowledge(kb, max_bytes=MAX_BYTES).documents == first.base.documents


def test_any_change_to_the_files_rebuilds(kb):
    _build(kb)
    (kb / "lithium.md").write_text("# Lithium\n\nThe lithium price fell by a third.\n")
    answer = _build(kb).ask("what happened to the lithium price?")
    assert answer.best is not None
    assert "lithium" in answer.best.text


def test_a_different_size_limit_misses(kb):
    _build(kb)
    key = cache.cache_key(cache.files_on_disk(kb), MAX_BYTES)
    assert cache.cache_key(cache.files_on_disk(kb), MAX_BYTES + 1) != key


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # torn write
        lambda data: b"PK\x03\x04" + b"\x00" * 100,  # not a real archive
        lambda data: data[:-200] + bytes(200),  # corrupted tail
    ],
)
def test_a_damaged_cache_is_ignored_and_rewritten(kb, caplog, damage):
    expected = _build(kb).ask(QUESTION)
    path = kb / ".index-cache" / cache.FILE_NAME
    path.write_bytes(damage(path.read_bytes()))
    with caplog.at_level(logging.WARNING):
        assert _build(kb).ask(QUESTION) == expected
    assert _build(kb).ask(QUESTION) == expected


def test_a_foreign_cache_with_the_right_key_but_other_arrays_is_refused(kb):
    _build(kb)
    path = kb / ".index-cache" / cache.FILE_NAME
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["sentences_scores"] = arrays["sentences_scores"] * 2  # checksum no longer fits
    np.savez(path, **arrays)
    key = cache.cache_key(cache.files_on_disk(kb), MAX_BYTES)
    assert cache.load(path, key, kb) is None


def test_an_unwritable_cache_folder_only_logs(kb, tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with caplog.at_level(logging.WARNING):
        answerer = build_answerer(
            EngineConfig(knowledge_dir=kb, max_file_bytes=MAX_BYTES, cache_dir=blocker / "cache")
        )
    assert answerer.ask(QUESTION).best is not None
    assert "not written" in caplog.text


def test_metadata_survives_the_cache_dates_included(kb):
    note = (
        "---\ntitle: Note\npublished: 2020-11-18\nreviewed: 2020-11-19\ntags: [a, 1]\n---\n\n"
        "The ferry leaves at noon.\n"
    )
    (kb / "note.md").write_text(note)
    first = _build(kb)
    assert (kb / ".index-cache" / cache.FILE_NAME).exists()
    second = _build(kb)
    assert second.base == first.base
    meta = second.base.documents[-1].meta
    assert meta.published is not None
    assert meta.published.isoformat() == "2020-11-18"
    assert (meta.model_extra or {})["reviewed"] == "2020-11-19"  # kept as written


def test_metadata_json_cannot_carry_is_never_cached(kb, monkeypatch, caplog):
    tagged = serialise._tagged  # still tags the date (the shipped briefing's link gives one)

    def changed(value):
        value = tagged(value)
        top = isinstance(value, dict) and "title" in value  # not a tagged date
        return {**value, "title": "changed"} if top else value

    monkeypatch.setattr(serialise, "_tagged", changed)
    with caplog.at_level(logging.INFO):
        _build(kb)
    assert "not written" in caplog.text
    assert not (kb / ".index-cache" / cache.FILE_NAME).exists()


def test_the_key_follows_every_engine_source_file_walked_not_listed(tmp_path, monkeypatch):
    engine = tmp_path / "core"
    (engine / "search").mkdir(parents=True)
    (engine / "answer.py").write_text("A = 1\n")
    (engine / "search" / "index.py").write_text("B = 2\n")
    monkeypatch.setattr(cache, "ENGINE", engine)
    before = cache.code_version()
    (engine / "search" / "index.py").rename(engine / "search" / "fields.py")  # a rename
    renamed = cache.code_version()
    (engine / "search" / "new.py").write_text("")  # a new, empty module
    added = cache.code_version()
    assert len({before, renamed, added}) == 3


def test_the_real_engine_key_covers_its_packages():
    files = {p.relative_to(cache.ENGINE).as_posix() for p in cache.ENGINE.rglob("*.py")}
    assert {"answer.py", "search/build.py", "ingest/splitting.py", "analysis/terms.py"} <= files


def test_a_changed_pdf_rebuilds(kb):
    from tests.conftest import HARBOUR, make_pdf

    (kb / "harbour.pdf").write_bytes(make_pdf(HARBOUR))
    assert "4,000" in _build(kb).ask("how many lorries a week at the customs post?").best.text
    changed = HARBOUR.replace("about 4,000 lorries", "about 7,500 lorries")
    (kb / "harbour.pdf").write_bytes(make_pdf(changed))
    assert "7,500" in _build(kb).ask("how many lorries a week at the customs post?").best.text


def test_another_version_of_an_extractor_misses(kb, monkeypatch):
    key = cache.cache_key(cache.files_on_disk(kb), MAX_BYTES)
    monkeypatch.setattr(cache, "extractor_versions", lambda: {"pypdf": "0.0", "trafilatura": "0"})
    assert cache.cache_key(cache.files_on_disk(kb), MAX_BYTES) != key
