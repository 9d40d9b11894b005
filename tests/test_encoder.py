"""The torch-free encoders against sentence-transformers' own vectors, and their refusals.

Each known model (all-MiniLM-L6-v2, BERT; all-mpnet-base-v2, MPNet) is checked against vectors
sentence-transformers made for the same 12 texts (``fixtures/*-reference.jsonl``). These tests
need the real models, where ``python -m bot model install --model NAME`` puts them; without
one they fail and say how to install it (a skipped model test would let a broken runtime pass
unnoticed).
"""

import json
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import pytest
from safetensors.numpy import save_file

from bot.core.analysis.bert_graph import INPUT_IDS, WORD_EMBEDDINGS, EncoderGraph
from bot.core.analysis.encoder import ModelError, SentenceEncoder, _reads_in_place, verify_digests
from bot.core.catalogue import KNOWN_MODELS, MINILM, MPNET, KnownModel
from tests.conftest import installed_model

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SQUAD = FIXTURES / "squad-dev" / "knowledge"


@dataclass(frozen=True)
class Reference:
    """A model's reference vectors and the shape of what it reads."""

    model: KnownModel
    texts: list[str]
    vectors: np.ndarray
    max_length: int
    ends: tuple[int, int]  # the ids that open and close every text
    dimension: int


def _reference(model: KnownModel, file: str, max_length: int, ends: tuple[int, int]) -> Reference:
    lines = (FIXTURES / file).read_text(encoding="utf-8").splitlines()
    made_with = json.loads(lines[0])["made_with"]
    assert model.digests["model.safetensors"] in made_with  # made from these very weights
    rows = [json.loads(line) for line in lines[1:]]
    vectors = np.array([r["vector"] for r in rows], dtype=np.float32)
    return Reference(model, [r["text"] for r in rows], vectors, max_length, ends, vectors.shape[1])


REFERENCES = {
    MINILM.name: _reference(MINILM, "minilm-reference.jsonl", 256, (101, 102)),
    MPNET.name: _reference(MPNET, "mpnet-reference.jsonl", 384, (0, 2)),
}
assert set(REFERENCES) == set(KNOWN_MODELS)


@pytest.fixture(scope="module", params=list(KNOWN_MODELS))
def reference(request) -> Reference:
    return REFERENCES[request.param]


@pytest.fixture(scope="module")
def model_dir(reference) -> Path:
    return installed_model(reference.model)


@pytest.fixture(scope="module")
def encoder(reference, model_dir) -> SentenceEncoder:
    return SentenceEncoder(model_dir, digests=reference.model.digests)


@pytest.fixture(scope="module")
def minilm_dir() -> Path:
    return installed_model(MINILM)


@pytest.fixture(scope="module")
def minilm(minilm_dir) -> SentenceEncoder:
    return SentenceEncoder(minilm_dir, digests=MINILM.digests)


def _sentences(count: int) -> list[str]:
    """Real sentences of every length, split naively as a first indexer might."""
    sentences = []
    for path in sorted(SQUAD.glob("*.txt")):
        sentences += [s.strip() for s in path.read_text(encoding="utf-8").split(". ") if s.strip()]
    return sentences[:count]


def test_the_vectors_are_sentence_transformers_vectors(encoder, reference):
    vectors = encoder.encode(reference.texts)
    expected = reference.vectors
    cosines = (vectors * expected).sum(axis=1) / np.linalg.norm(expected, axis=1)
    assert cosines.min() > 0.9999, dict(zip(reference.texts, cosines.round(6), strict=True))
    assert np.abs(vectors - expected).max() < 1e-5  # measured 1.9e-7 for both models


def test_each_text_alone_matches_too(encoder, reference):
    for text, expected in zip(reference.texts, reference.vectors, strict=True):
        (vector,) = encoder.encode([text])
        assert float(vector @ expected) > 0.9999, text
        assert np.abs(vector - expected).max() < 1e-5, text


def test_long_texts_are_truncated_as_sentence_transformers_does(encoder, reference):
    """At max_seq_length (256, 384), not the tokenizer's own 128 nor the position table's."""
    long = " ".join([next(t for t in reference.texts if len(t) > 500)] * 3)
    assert encoder.max_length == reference.max_length
    ids = encoder.token_ids(long)
    assert len(ids) == reference.max_length
    assert (ids[0], ids[-1]) == reference.ends  # [CLS] ... [SEP], <s> ... </s>
    assert len(encoder.token_ids("???")) == 5
    assert encoder.encode([long]).shape == (1, reference.dimension)


def test_vectors_are_float32_unit_length_in_the_order_given(encoder, reference):
    vectors = encoder.encode(reference.texts)
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(reference.texts), encoder.dimension)
    assert encoder.dimension == reference.dimension
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    reversed_vectors = encoder.encode(reference.texts[::-1])
    np.testing.assert_allclose(reversed_vectors[::-1], vectors, atol=1e-6)


def test_token_states_come_from_the_run_that_gives_the_vector(minilm):
    encoder = minilm
    text = "When will Nagorno-Karabakh's peacekeepers leave?"
    read = encoder.encode_tokens(text)
    np.testing.assert_allclose(read.vector, encoder.encode([text])[0], atol=1e-6)
    pieces = encoder.token_ids(text)[1:-1]  # no [CLS] or [SEP]
    assert read.states.shape == (len(pieces), 384)
    np.testing.assert_allclose(np.linalg.norm(read.states, axis=1), 1.0, atol=1e-5)
    # Each word is named at its first piece, whole; pieces inside a word are "".
    assert [w for w in read.words if w] == [
        "When",
        "will",
        "Nagorno",
        "-",
        "Karabakh",
        "'",
        "s",
        "peacekeepers",
        "leave",
        "?",
    ]
    assert read.words[:5] == ("When", "will", "Nagorno", "", "")  # na ##gor ##no
    # A word's state depends on its sentence: "leave" beside holidays is another "leave".
    holiday = encoder.encode_tokens("She took a week of leave for her holiday.")
    here = read.states[read.words.index("leave")]
    there = holiday.states[holiday.words.index("leave")]
    assert float(here @ there) < 0.8  # measured 0.72


def test_batches_sorted_by_length_give_the_vectors_of_one_by_one(model_dir, reference):
    texts = _sentences(40) + reference.texts
    small = SentenceEncoder(model_dir, batch_size=5, max_batch_tokens=300)
    alone = np.vstack([small.encode([text]) for text in texts])
    np.testing.assert_allclose(small.encode(texts), alone, atol=1e-5)
    big = SentenceEncoder(model_dir, batch_size=1000, max_batch_tokens=1_000_000, threads=1)
    np.testing.assert_allclose(big.encode(texts), alone, atol=1e-5)


def test_progress_is_reported_after_every_batch(minilm_dir):
    encoder = SentenceEncoder(minilm_dir, batch_size=4)
    calls = []
    texts = REFERENCES[MINILM.name].texts
    encoder.encode(texts, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(min(n, 12), 12) for n in range(4, 13, 4)]


def test_nothing_to_encode_is_an_empty_matrix(encoder, reference):
    assert encoder.encode([]).shape == (0, reference.dimension)


def test_the_pinned_digests_are_those_of_the_installed_model(model_dir, reference):
    verify_digests(model_dir, reference.model.digests)
    assert {
        name: digest[:12] for name, digest in reference.model.digests.items() if "model." in name
    } == {
        MINILM.name: {"model.safetensors": "53aa51172d14"},
        MPNET.name: {"model.safetensors": "78c0197b6159"},
    }[reference.model.name]


def test_the_identity_is_the_same_with_or_without_digests(encoder, model_dir):
    """Verified digests are reused for the identity; computed ones must come out equal."""
    assert SentenceEncoder(model_dir).identity == encoder.identity


def _copy(model_dir: Path, target: Path, *, except_: str, model: KnownModel = MINILM) -> Path:
    """A copy of the model made of links, but for one file copied so it can be changed."""
    for name in model.digests:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        if name == except_:
            (target / name).write_bytes((model_dir / name).read_bytes())
        else:
            (target / name).symlink_to(model_dir / name)
    return target


def _one_line(error: pytest.ExceptionInfo[ModelError]) -> str:
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("sentence model ")
    return message


def test_a_tampered_file_is_refused_in_one_line(minilm_dir, tmp_path):
    copy = _copy(minilm_dir, tmp_path, except_="tokenizer.json")
    data = json.loads((copy / "tokenizer.json").read_text(encoding="utf-8"))
    data["truncation"]["max_length"] = 64
    (copy / "tokenizer.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        SentenceEncoder(copy, digests=MINILM.digests)
    message = _one_line(caught)
    assert "tokenizer.json" in message
    assert "SHA-256" in message
    assert "be50c3628f2bf5bb" in message  # the expected digest, to compare by eye
    # Without digests (a model a user brings) the same directory loads.
    assert SentenceEncoder(copy).encode(["Kalbajar"]).shape == (1, 384)


def test_tampered_weights_are_refused_before_they_are_read(model_dir, reference, tmp_path):
    copy = _copy(model_dir, tmp_path, except_="config.json", model=reference.model)
    (copy / "model.safetensors").unlink()
    (copy / "model.safetensors").write_bytes(b"\x00" * 64)
    with pytest.raises(ModelError) as caught:
        SentenceEncoder(copy, digests=reference.model.digests)
    assert "model.safetensors: SHA-256" in _one_line(caught)


def test_a_missing_directory_is_one_clear_line(tmp_path):
    missing = tmp_path / "no-model-here"
    with pytest.raises(ModelError) as caught:
        SentenceEncoder(missing, digests=MINILM.digests)
    assert _one_line(caught) == f"sentence model {missing}: no such directory"


def test_a_missing_file_is_named(minilm_dir, tmp_path):
    copy = _copy(minilm_dir, tmp_path, except_="config.json")
    (copy / "vocab.txt").unlink()
    with pytest.raises(ModelError) as caught:
        SentenceEncoder(copy, digests=MINILM.digests)
    assert _one_line(caught) == f"sentence model {copy / 'vocab.txt'}: missing file"


def test_foreign_weights_are_refused_in_one_line(model_dir, reference, tmp_path):
    copy = _copy(model_dir, tmp_path, except_="config.json", model=reference.model)
    (copy / "model.safetensors").unlink()
    save_file({"linear.weight": np.zeros((4, 4), np.float32)}, str(copy / "model.safetensors"))
    with pytest.raises(ModelError) as caught:
        SentenceEncoder(copy)
    kind = "an MPNet" if reference.model is MPNET else "a BERT"
    assert f"not {kind} encoder of this config: no tensor embeddings." in _one_line(caught)


def test_model_errors_cross_processes():
    error = ModelError("/m/model.safetensors", "missing file")
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


class _TableSession:
    """A stand-in session whose output is the sum of the given tokens' embedding rows."""

    def __init__(self, table: np.ndarray, *, copy: bool) -> None:
        self.table = table.copy() if copy else table

    def run(self, names, inputs):
        return [self.table[inputs[INPUT_IDS][0]].sum(axis=0, keepdims=True)]


@pytest.mark.parametrize("copies", [True, False])
def test_the_weights_are_kept_only_for_a_session_that_reads_them_in_place(copies):
    table = np.random.default_rng(3).standard_normal((10, 6)).astype(np.float32)
    before = table.copy()
    graph = EncoderGraph(onnx.ModelProto(), {WORD_EMBEDDINGS: table})
    assert _reads_in_place(_TableSession(table, copy=copies), graph) is not copies
    np.testing.assert_array_equal(table, before)  # put back exactly
