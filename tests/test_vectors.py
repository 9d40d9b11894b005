import numpy as np
import pytest

from bot.core.ingest.loading import load_knowledge
from bot.core.search.vectors import (
    Meaning,
    build_vectors,
    cached_vectors,
    document_texts,
    every_tenth,
)
from testkit.fake_encoder import FakeEncoder
from tests.conftest import MAX_BYTES

NOTE = "# Ports\n\n## Harbour\n\nThe harbour opened. It has 12 ferries.\n\nGrain was sold.\n"


def _base(write, tmp_path, **files):
    for name, text in (files or {"a.md": NOTE}).items():
        write(name, text)
    return load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES)


def test_each_sentence_is_embedded_after_its_title_and_section(write, tmp_path):
    base = _base(write, tmp_path)
    assert document_texts(base.documents[0]) == [
        "Ports \u203a Harbour: The harbour opened.",
        "Ports \u203a Harbour: It has 12 ferries.",
        "Ports \u203a Harbour: Grain was sold.",
    ]


def test_only_documents_not_stored_yet_are_embedded(write, tmp_path):
    base = _base(write, tmp_path, **{"a.md": NOTE, "b.md": "# Snow\n\nSnow fell early.\n"})
    store = tmp_path / "vectors"
    first = FakeEncoder()
    built = build_vectors(base, first, store)
    assert len(built) == base.sentence_count == len(first.encoded)
    write("b.md", "# Snow\n\nSnow fell late.\n")  # one file changes
    changed = load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES)
    second = FakeEncoder()
    rebuilt = build_vectors(changed, second, store)
    assert second.encoded == ["Snow: Snow fell late."]
    assert np.array_equal(rebuilt.matrix[:3], built.matrix[:3])
    assert rebuilt.matrix.dtype == np.float32  # for the product; float16 on disk
    assert {np.load(p).dtype for p in store.iterdir()} == {np.dtype(np.float16)}


def test_cached_vectors_need_every_document_stored_by_the_same_model(write, tmp_path):
    base = _base(write, tmp_path)
    store = tmp_path / "vectors"
    encoder = FakeEncoder()
    assert cached_vectors(base, encoder.identity, encoder.dimension, store) is None
    build_vectors(base, encoder, store)
    found = cached_vectors(base, encoder.identity, encoder.dimension, store)
    assert found is not None
    assert len(found) == 3
    other = FakeEncoder({"ship": "boat"})  # another model: its own vectors
    assert cached_vectors(base, other.identity, other.dimension, store) is None


def test_a_damaged_vector_file_is_embedded_again(write, tmp_path, caplog):
    base = _base(write, tmp_path)
    store = tmp_path / "vectors"
    build_vectors(base, FakeEncoder(), store)
    for path in store.iterdir():
        path.write_bytes(b"not numpy")
    again = FakeEncoder()
    assert len(build_vectors(base, again, store)) == 3
    assert len(again.encoded) == 3
    assert "ignored" in caplog.text


def test_cosines_and_a_knowledge_base_less_a_file(write, tmp_path):
    base = _base(write, tmp_path)
    encoder = FakeEncoder()
    meaning = Meaning(build_vectors(base, encoder), encoder)
    cosines = meaning.cosines("Ports \u203a Harbour: It has 12 ferries.")
    assert int(np.argmax(cosines)) == 1
    assert cosines[1] == pytest.approx(1.0, abs=1e-2)
    rest = meaning.without(np.array([True, False, False]))
    assert len(rest.vectors) == 2


def test_progress_is_reported_once_a_tenth():
    seen = []
    progress = every_tenth(lambda done, total: seen.append(done))
    for done in range(1, 101):
        progress(done, 100)
    assert seen == [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
