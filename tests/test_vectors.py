from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from bot.core.ingest.loading import load_knowledge
from bot.core.search.vectors import (
    Meaning,
    SentenceVectors,
    build_vectors,
    cached_vectors,
    document_texts,
    every_tenth,
    quantise,
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
    assert np.array_equal(rebuilt.codes[:3], built.codes[:3])
    assert np.array_equal(rebuilt.scales[:3], built.scales[:3])
    assert rebuilt.codes.dtype == np.uint8  # 8 bits a component in memory; float16 on disk
    assert np.array_equal(rebuilt.codes, build_vectors(changed, FakeEncoder()).codes)
    assert {np.load(p).dtype for p in store.iterdir()} == {np.dtype(np.float16)}


def test_stored_and_new_vectors_each_land_on_their_own_document_s_rows(write, tmp_path):
    files = {
        "a.md": NOTE,
        "b.md": "# Snow\n\nSnow fell early.\n",
        "c.md": "# Rain\n\nIt rained.\n",
    }
    base = _base(write, tmp_path, **files)
    store = tmp_path / "vectors"
    build_vectors(base, FakeEncoder(), store)
    write("a.md", NOTE.replace("Grain", "Salt"))  # the first file changes, the others do not
    changed = load_knowledge(tmp_path / "kb", max_bytes=MAX_BYTES)
    encoder = FakeEncoder()
    rebuilt = build_vectors(changed, encoder, store)
    assert len(encoder.encoded) == 3
    fresh = build_vectors(changed, FakeEncoder())
    assert np.array_equal(rebuilt.codes, fresh.codes)
    assert np.array_equal(rebuilt.scales, fresh.scales)
    cached = cached_vectors(changed, encoder.identity, encoder.dimension, store)
    assert cached is not None
    assert np.array_equal(cached.codes, fresh.codes)


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


# How far an int8 cosine may be from the float32 one (measured worst: about 0.003).
BOUND = 0.004
DIMENSION = 384


def _unit(rows, seed=0):
    vectors = np.random.default_rng(seed).standard_normal((rows, DIMENSION))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _queries(matrix, seed=1):
    """Unit queries near some rows, near their opposites, and anywhere: cosines from -1 to 1."""
    rng = np.random.default_rng(seed)
    picked = matrix[rng.integers(0, len(matrix), 30)]
    noise = _unit(30, seed + 1)
    near = [
        w * p + (1 - w) * n for w in (1.0, 0.8, 0.5) for p, n in zip(picked, noise, strict=True)
    ]
    queries = np.array(near + [-q for q in near] + list(_unit(30, seed + 2)), dtype=np.float32)
    return queries / np.linalg.norm(queries, axis=1, keepdims=True)


def test_cosines_are_within_the_bound_of_float32_positive_and_negative():
    matrix = _unit(3000)
    vectors = SentenceVectors.from_floats(matrix, "m")
    exact = matrix @ _queries(matrix).T
    approximate = np.stack([vectors.cosines(q) for q in _queries(matrix)], axis=1)
    assert approximate.dtype == np.float32
    assert exact.min() < -0.99  # the whole range is tried
    assert exact.max() > 0.99
    assert np.abs(approximate - exact).max() <= BOUND


def test_the_product_is_exact_integer_arithmetic():
    """What onnxruntime returns is (code - 128) x question summed, times the two scales."""
    matrix = _unit(500, seed=3)
    vectors = SentenceVectors.from_floats(matrix, "m")
    query = _unit(1, seed=4)[0]
    question, (scale,) = quantise(query[None, :])
    integers = (vectors.codes.astype(np.int64) - 128) @ (question[0].astype(np.int64) - 128)
    expected = integers * vectors.scales.astype(np.float64) * scale
    assert np.allclose(vectors.cosines(query), expected, rtol=1e-6, atol=1e-9)


def test_quantising_keeps_every_component_within_half_a_step():
    halves = (_unit(200, seed=5) * np.linspace(0.1, 3, 200)[:, None]).astype(np.float16)
    codes, scales = quantise(halves)
    restored = (codes.astype(np.float32) - 128) * scales[:, None]
    assert np.all(np.abs(restored - halves) <= scales[:, None] * 0.5001)
    assert codes.min() >= 1  # -127 .. 127, plus 128
    assert codes.max() <= 255


def test_the_nearest_sentence_is_the_same_as_with_float32():
    matrix = _unit(2000, seed=6)
    vectors = SentenceVectors.from_floats(matrix, "m")
    queries = _queries(matrix, seed=7)
    exact = matrix @ queries.T
    ordered = np.sort(exact, axis=0)
    separated = ordered[-1] - ordered[-2] > 2 * BOUND  # a clear nearest sentence
    assert separated.sum() >= 100
    for query in queries[separated]:
        assert int(np.argmax(vectors.cosines(query))) == int(np.argmax(matrix @ query))


def test_no_sentences_and_zero_vectors_have_cosine_zero():
    query = _unit(1)[0]
    empty = SentenceVectors.from_floats(np.zeros((0, DIMENSION), dtype=np.float16), "m")
    assert len(empty) == 0
    assert empty.cosines(query).shape == (0,)
    assert empty.cosines(query).dtype == np.float32
    rows = np.vstack([np.zeros(DIMENSION, dtype=np.float32), query])
    vectors = SentenceVectors.from_floats(rows, "m")
    assert vectors.cosines(query) == pytest.approx([0.0, 1.0], abs=BOUND)
    assert np.array_equal(vectors.cosines(np.zeros(DIMENSION, dtype=np.float32)), [0.0, 0.0])


def test_similarities_between_sentences_are_their_cosines_within_the_bound():
    matrix = _unit(50, seed=9)
    vectors = SentenceVectors.from_floats(matrix, "m")
    rows = [3, 17, 17, 42]
    found = vectors.similarities(rows)
    assert found.shape == (4, 4)
    assert np.abs(found - matrix[rows] @ matrix[rows].T).max() <= BOUND
    assert found[1, 2] == pytest.approx(1.0, abs=BOUND)


def test_without_drops_the_marked_rows_and_keeps_the_rest_unchanged():
    matrix = _unit(10, seed=8)
    vectors = SentenceVectors.from_floats(matrix, "m")
    marked = np.array([i % 3 == 0 for i in range(10)])
    rest = vectors.without(marked)
    assert len(rest) == 6
    assert rest.model == "m"
    assert np.array_equal(rest.cosines(matrix[1]), vectors.cosines(matrix[1])[~marked])
    assert len(vectors.without(np.ones(10, dtype=bool)).cosines(matrix[1])) == 0


def test_concurrent_questions_get_the_same_cosines():
    matrix = _unit(5000, seed=9)
    vectors = SentenceVectors.from_floats(matrix, "m")
    queries = _unit(64, seed=10)
    alone = [vectors.cosines(q) for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(vectors.cosines, queries))
    assert all(np.array_equal(a, b) for a, b in zip(alone, together, strict=True))


def test_vectors_of_the_wrong_kind_are_refused():
    codes, scales = quantise(_unit(4))
    with pytest.raises(ValueError, match="uint8"):
        SentenceVectors(codes.astype(np.int8), scales, "m")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="scales"):
        SentenceVectors(codes, scales[:3], "m")
    with pytest.raises(ValueError, match="query"):
        SentenceVectors(codes, scales, "m").cosines(np.ones(3, dtype=np.float32))
