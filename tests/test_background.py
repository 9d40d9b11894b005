"""Builds in another process: same answers as in-process, errors come back intact."""

import pickle

import pytest

from bot.core.answer import build_answerer
from bot.core.background import build_in_process
from bot.core.errors import KnowledgeDirectoryError, KnowledgeFileError
from tests.conftest import MAX_BYTES

QUESTION = "when is Kalbajar handed over?"


def test_a_build_in_another_process_answers_alike(knowledge_copy, tmp_path):
    here = build_answerer(knowledge_copy, max_bytes=MAX_BYTES)
    there = build_in_process(knowledge_copy, max_bytes=MAX_BYTES, cache_dir=tmp_path / "cache")
    assert there.ask(QUESTION, top_k=5) == here.ask(QUESTION, top_k=5)
    assert (tmp_path / "cache").is_dir()


def test_a_bad_file_fails_the_build_with_the_same_error(knowledge_copy):
    (knowledge_copy / "bad.md").write_text("---\ntitle: [unclosed\n---\ntext\n")
    with pytest.raises(KnowledgeDirectoryError, match=r"bad\.md"):
        build_in_process(knowledge_copy, max_bytes=MAX_BYTES)


def test_knowledge_errors_survive_pickling():
    file_error = KnowledgeFileError("a.md", "empty file", 3)
    copy = pickle.loads(pickle.dumps(file_error))
    assert (str(copy), copy.path, copy.line) == (str(file_error), "a.md", 3)
    directory_error = KnowledgeDirectoryError("kb", [file_error])
    assert str(pickle.loads(pickle.dumps(directory_error))) == str(directory_error)
