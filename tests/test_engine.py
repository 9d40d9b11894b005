"""Builds in another process: same answers as in-process, errors come back intact."""

import logging
import pickle

import pytest

from bot.core import (
    KnowledgeDirectoryError,
    KnowledgeFileError,
    build_answerer,
    build_in_process,
    load_encoder,
)
from testkit.fake_encoder import FakeEncoder
from tests.conftest import engine

QUESTION = "when is Kalbajar handed over?"


def test_a_build_in_another_process_answers_alike(knowledge_copy, tmp_path):
    here = build_answerer(engine(knowledge_copy))
    there = build_in_process(engine(knowledge_copy).model_copy(update={"cache_dir": tmp_path}))
    assert there.ask(QUESTION, answer_count=5) == here.ask(QUESTION, answer_count=5)
    assert any(tmp_path.iterdir())  # the child's index, handed over through the cache


def test_a_bad_file_fails_the_build_with_the_same_error(knowledge_copy):
    (knowledge_copy / "bad.md").write_text("---\ntitle: [unclosed\n---\ntext\n")
    with pytest.raises(KnowledgeDirectoryError, match=r"bad\.md"):
        build_in_process(engine(knowledge_copy))


def test_knowledge_errors_survive_pickling():
    file_error = KnowledgeFileError("a.md", "empty file", 3)
    copy = pickle.loads(pickle.dumps(file_error))
    assert (str(copy), copy.path, copy.line) == (str(file_error), "a.md", 3)
    directory_error = KnowledgeDirectoryError("kb", [file_error])
    assert str(pickle.loads(pickle.dumps(directory_error))) == str(directory_error)


def test_a_missing_model_means_words_alone_in_one_log_line(tmp_path, caplog):
    config = engine(tmp_path).model_copy(
        update={"model_dir": tmp_path / "no-model", "known_model": "all-MiniLM-L6-v2"}
    )
    with caplog.at_level(logging.WARNING):
        assert load_encoder(config) is None
    assert "answering by words alone" in caplog.text
    assert "no-model" in caplog.text
    assert "install it once: python -m bot model install --model all-MiniLM-L6-v2" in caplog.text
    assert load_encoder(engine(tmp_path)) is None  # no model configured: nothing to say


def test_stored_vectors_only_or_built_now(knowledge_copy, tmp_path):
    config = engine(knowledge_copy).model_copy(update={"cache_dir": tmp_path / "cache"})
    encoder = FakeEncoder()
    assert not build_answerer(config, encoder, vectors="cached").semantic  # none stored yet
    assert build_answerer(config, encoder).semantic  # embeds and stores them
    again = FakeEncoder()
    assert build_answerer(config, again, vectors="cached").semantic
    assert again.encoded == []
