"""The ONNX graph against plain numpy BERT and MPNet, on tiny random models (no real model).

A tiny model with random weights exercises every op of the graph (embeddings, masked attention,
MPNet's relative position bias, GELU, both LayerNorms, mean pooling, normalisation) and every
refusal of the loader in milliseconds; ``test_encoder`` then checks the real models against
sentence-transformers.
"""

import functools
import json
import math
import pickle
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from safetensors.numpy import save_file
from scipy.special import erf
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

from bot.core.analysis.bert_graph import (
    ATTENTION_MASK,
    INPUT_IDS,
    OUTPUT,
    TOKEN_STATES,
    EncoderConfig,
    ModelError,
    build_graph,
    check_weights,
    expected_shapes,
    load_weights,
    relative_buckets,
)
from bot.core.analysis.encoder import SentenceEncoder
from bot.core.errors import BriefingBotError

VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "the", "cat", "sat", "on", "mat", "a", "dog", "ran", "far", "away", "?", ".", ",",
    "kalbajar", "is", "handed", "over", "when", "##s", "##ed",
]  # fmt: skip
HEADS, LAYERS, EPS = 2, 2, 1e-12
CONFIG: dict[str, object] = {
    "architectures": ["BertModel"],
    "model_type": "bert",
    "hidden_act": "gelu",
    "hidden_size": 8,
    "intermediate_size": 16,
    "num_attention_heads": HEADS,
    "num_hidden_layers": LAYERS,
    "max_position_embeddings": 16,
    "type_vocab_size": 2,
    "vocab_size": len(VOCAB),
    "layer_norm_eps": EPS,
    "position_embedding_type": "absolute",
}
MAX_SEQ_LENGTH = 10
ST = "sentence_transformers.models"
TEXTS = [
    "the cat sat on the mat.",
    "when is Kalbajar handed over?",
    "a dog",
    "",
    "the dogs ran far away, the cats sat",
    "zebra",
]


def _random_weights(config: EncoderConfig, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Every tensor the config's graph reads, random, LayerNorm scales near 1."""
    weights = {}
    for name, shape in expected_shapes(config).items():
        if name.endswith("LayerNorm.weight"):
            weights[name] = (1 + 0.1 * rng.standard_normal(shape)).astype(np.float32)
        else:
            weights[name] = (0.5 * rng.standard_normal(shape)).astype(np.float32)
    return weights


def tiny_weights(seed: int = 7) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    config = EncoderConfig(
        vocab_size=len(VOCAB),
        hidden_size=8,
        num_layers=2,
        num_heads=2,
        intermediate_size=16,
        max_position=16,
        type_vocab_size=2,
        layer_norm_eps=1e-12,
    )
    return _random_weights(config, rng)


def _write_config(config: dict[str, object], path: Path) -> Path:
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def make_tiny_model(
    directory: Path,
    weights: dict[str, np.ndarray] | None = None,
    config: dict[str, object] | None = None,
    max_seq_length: int = MAX_SEQ_LENGTH,
) -> Path:
    """A complete sentence-transformers directory with a 2-layer, 8-wide random BERT."""
    directory.mkdir(parents=True, exist_ok=True)
    _write_config(config or CONFIG, directory / "config.json")
    (directory / "sentence_bert_config.json").write_text(
        json.dumps({"max_seq_length": max_seq_length, "do_lower_case": False})
    )
    (directory / "1_Pooling").mkdir(exist_ok=True)
    (directory / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": 8, "pooling_mode_mean_tokens": True})
    )
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": f"{ST}.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": f"{ST}.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": f"{ST}.Normalize"},
    ]
    (directory / "modules.json").write_text(json.dumps(modules))
    tokenizer = Tokenizer(models.WordPiece({w: i for i, w in enumerate(VOCAB)}, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    tokenizer.save(str(directory / "tokenizer.json"))
    weights = tiny_weights() if weights is None else weights
    save_file(weights, str(directory / "model.safetensors"))
    return directory


def _layer_norm(w: dict[str, np.ndarray], x: np.ndarray, name: str, *, eps: float) -> np.ndarray:
    """Torch's LayerNorm over the last axis, with the checkpoint's ``name`` scale and shift."""
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    normed: np.ndarray = (x - mean) / np.sqrt(var + eps)
    return normed * w[f"{name}.weight"] + w[f"{name}.bias"]


def _linear(w: dict[str, np.ndarray], x: np.ndarray, name: str) -> np.ndarray:
    """Torch's Linear with the checkpoint's ``name`` weight and bias."""
    return x @ w[f"{name}.weight"].T + w[f"{name}.bias"]


def numpy_states(weights: dict[str, np.ndarray], ids: list[int]) -> np.ndarray:
    """Hugging Face's BertModel: every token's last hidden state for one unpadded text, float64."""
    w = {k: v.astype(np.float64) for k, v in weights.items()}
    norm = functools.partial(_layer_norm, w, eps=EPS)
    linear = functools.partial(_linear, w)

    n = len(ids)
    x = w["embeddings.word_embeddings.weight"][ids]
    x = x + w["embeddings.position_embeddings.weight"][:n]
    x = norm(x + w["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm")
    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}"
        q, k, v = (
            linear(x, f"{p}.attention.self.{part}").reshape(n, HEADS, -1).transpose(1, 0, 2)
            for part in ("query", "key", "value")
        )
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(q.shape[-1])
        probs = np.exp(scores - scores.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        context = (probs @ v).transpose(1, 0, 2).reshape(n, -1)
        attention = linear(context, f"{p}.attention.output.dense")
        x = norm(attention + x, f"{p}.attention.output.LayerNorm")
        inner = linear(x, f"{p}.intermediate.dense")
        inner = inner * 0.5 * (1 + np.asarray(erf(inner / math.sqrt(2))))
        x = norm(linear(inner, f"{p}.output.dense") + x, f"{p}.output.LayerNorm")
    return x


def numpy_bert(weights: dict[str, np.ndarray], ids: list[int]) -> np.ndarray:
    """``numpy_states``, mean pooled and normalised: the sentence vector, float64."""
    pooled: np.ndarray = numpy_states(weights, ids).mean(0)
    unit: np.ndarray = pooled / np.linalg.norm(pooled)
    return unit


@pytest.fixture
def tiny(tmp_path):
    return make_tiny_model(tmp_path / "tiny")


# A tiny MPNet: positions from padding id + 1, no token types, and room for 40 tokens, so the
# relative position bias reaches its logarithmic buckets (distances of 8 and more).
MPNET_CONFIG: dict[str, object] = {
    **{k: v for k, v in CONFIG.items() if k not in ("type_vocab_size", "position_embedding_type")},
    "architectures": ["MPNetForMaskedLM"],
    "model_type": "mpnet",
    "max_position_embeddings": 42,
    "pad_token_id": 1,
    "relative_attention_num_buckets": 32,
    "layer_norm_eps": 1e-5,
}
MPNET_LENGTH = 40


def tiny_mpnet_weights(seed: int = 11) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    config = EncoderConfig(
        vocab_size=len(VOCAB),
        hidden_size=8,
        num_layers=LAYERS,
        num_heads=HEADS,
        intermediate_size=16,
        max_position=42,
        type_vocab_size=0,
        layer_norm_eps=1e-5,
        model_type="mpnet",
        pad_token_id=1,
    )
    return _random_weights(config, rng)


def hf_bucket(relative_position: int, num_buckets: int = 32, max_distance: int = 128) -> int:
    """Hugging Face's MPNetEncoder.relative_position_bucket, one pair at a time, in Python."""
    ret = 0
    n = -relative_position
    num_buckets //= 2
    ret += (n < 0) * num_buckets
    n = abs(n)
    max_exact = num_buckets // 2
    if n < max_exact:
        return ret + n
    large = max_exact + int(
        math.log(n / max_exact) / math.log(max_distance / max_exact) * (num_buckets - max_exact)
    )
    return ret + min(large, num_buckets - 1)


def numpy_mpnet(weights: dict[str, np.ndarray], ids: list[int]) -> np.ndarray:
    """Hugging Face's MPNetModel, mean pooled and normalised, for one unpadded text, float64."""
    w = {k: v.astype(np.float64) for k, v in weights.items()}
    norm = functools.partial(_layer_norm, w, eps=1e-5)
    linear = functools.partial(_linear, w)

    n = len(ids)
    positions = [2 + i for i in range(n)]  # padding id 1, then 1 + the count so far
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][positions]
    )
    x = norm(x, "embeddings.LayerNorm")
    table = w["encoder.relative_attention_bias.weight"]
    bias = np.array([[table[hf_bucket(key - query)] for key in range(n)] for query in range(n)])
    bias = bias.transpose(2, 0, 1)  # [heads, query, key]
    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}"
        q, k, v = (
            linear(x, f"{p}.attention.attn.{part}").reshape(n, HEADS, -1).transpose(1, 0, 2)
            for part in ("q", "k", "v")
        )
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(q.shape[-1]) + bias
        probs = np.exp(scores - scores.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        context = (probs @ v).transpose(1, 0, 2).reshape(n, -1)
        x = norm(linear(context, f"{p}.attention.attn.o") + x, f"{p}.attention.LayerNorm")
        inner = linear(x, f"{p}.intermediate.dense")
        inner = inner * 0.5 * (1 + np.asarray(erf(inner / math.sqrt(2))))
        x = norm(linear(inner, f"{p}.output.dense") + x, f"{p}.output.LayerNorm")
    pooled: np.ndarray = x.mean(0)
    unit: np.ndarray = pooled / np.linalg.norm(pooled)
    return unit


@pytest.fixture
def tiny_mpnet(tmp_path):
    return make_tiny_model(
        tmp_path / "mpnet", tiny_mpnet_weights(), MPNET_CONFIG, max_seq_length=MPNET_LENGTH
    )


MPNET_TEXTS = [*TEXTS, " ".join(["the cat sat on the mat ."] * 6)]  # the last is cut at 40


def test_the_graph_computes_what_mpnet_computes(tiny_mpnet):
    encoder = SentenceEncoder(tiny_mpnet)
    assert (encoder.dimension, encoder.max_length) == (8, MPNET_LENGTH)
    vectors = encoder.encode(MPNET_TEXTS)
    weights = tiny_mpnet_weights()
    lengths = [len(encoder.token_ids(text)) for text in MPNET_TEXTS]
    assert max(lengths) == MPNET_LENGTH  # distances up to 39: every kind of bucket but the cap
    for text, vector in zip(MPNET_TEXTS, vectors, strict=True):
        expected = numpy_mpnet(weights, encoder.token_ids(text))
        np.testing.assert_allclose(vector, expected, atol=2e-6)


def test_mpnet_padding_changes_nothing(tiny_mpnet):
    encoder = SentenceEncoder(tiny_mpnet, batch_size=len(MPNET_TEXTS), max_batch_tokens=10_000)
    together = encoder.encode(MPNET_TEXTS)
    alone = np.vstack([encoder.encode([text]) for text in MPNET_TEXTS])
    np.testing.assert_allclose(together, alone, atol=1e-6)


def test_relative_buckets_are_hugging_face_s_at_every_distance():
    """Both directions, the exact range, the log range and the cap past 128, for 300 tokens."""
    length = 300
    expected = np.array([[hf_bucket(k - q) for k in range(length)] for q in range(length)])
    np.testing.assert_array_equal(relative_buckets(length), expected)
    # 16 is "after, distance 0", which is bucket 0: every other bucket is used.
    assert set(np.unique(expected).tolist()) == set(range(32)) - {16}


def test_mpnet_without_its_bias_table_is_refused(tiny_mpnet):
    weights = tiny_mpnet_weights()
    del weights["encoder.relative_attention_bias.weight"]
    save_file(weights, str(tiny_mpnet / "model.safetensors"))
    _one_line_model_error(
        tiny_mpnet, "not an MPNet encoder", "no tensor encoder.relative_attention_bias.weight"
    )


def test_bert_weights_under_an_mpnet_config_are_refused(tiny_mpnet):
    weights = tiny_weights()  # BERT's layer names, with MPNet's tables beside them
    mpnet = tiny_mpnet_weights()
    for table in ("embeddings.position_embeddings", "encoder.relative_attention_bias"):
        weights[f"{table}.weight"] = mpnet[f"{table}.weight"]
    save_file(weights, str(tiny_mpnet / "model.safetensors"))
    _one_line_model_error(tiny_mpnet, "not an MPNet encoder", "attention.attn.q.weight")


def test_mpnet_with_other_bucket_counts_is_refused(tiny_mpnet):
    _write_config(
        {**MPNET_CONFIG, "relative_attention_num_buckets": 64}, tiny_mpnet / "config.json"
    )
    _one_line_model_error(tiny_mpnet, "relative_attention_num_buckets 64 is not 32")


def test_mpnet_prefixed_checkpoints_load(tmp_path, tiny_mpnet):
    weights = {f"mpnet.{k}": v for k, v in tiny_mpnet_weights().items()}
    weights["mpnet.embeddings.position_ids"] = np.arange(42, dtype=np.int64)[None]
    prefixed = make_tiny_model(tmp_path / "prefixed", weights, MPNET_CONFIG, MPNET_LENGTH)
    np.testing.assert_array_equal(
        SentenceEncoder(prefixed).encode(TEXTS), SentenceEncoder(tiny_mpnet).encode(TEXTS)
    )


def test_the_graph_computes_what_bert_computes(tiny):
    encoder = SentenceEncoder(tiny)
    vectors = encoder.encode(TEXTS)
    weights = tiny_weights()
    for text, vector in zip(TEXTS, vectors, strict=True):
        expected = numpy_bert(weights, encoder.token_ids(text))
        np.testing.assert_allclose(vector, expected, atol=2e-6)
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(TEXTS), 8)


def test_padding_changes_nothing(tiny):
    """Texts padded to the longest of their batch get the vectors they get alone."""
    encoder = SentenceEncoder(tiny, batch_size=len(TEXTS), max_batch_tokens=10_000)
    together = encoder.encode(TEXTS)
    alone = np.vstack([encoder.encode([text]) for text in TEXTS])
    np.testing.assert_allclose(together, alone, atol=1e-6)


def test_texts_are_truncated_to_max_seq_length(tiny):
    encoder = SentenceEncoder(tiny)
    long = " ".join(["the cat sat on the mat"] * 5)
    ids = encoder.token_ids(long)
    assert len(ids) == MAX_SEQ_LENGTH == encoder.max_length
    assert ids[0] == VOCAB.index("[CLS]")
    assert ids[-1] == VOCAB.index("[SEP]")
    expected = numpy_bert(tiny_weights(), ids)
    np.testing.assert_allclose(encoder.encode([long])[0], expected, atol=2e-6)


def test_without_sentence_bert_config_the_position_table_is_the_limit(tiny):
    (tiny / "sentence_bert_config.json").unlink()
    assert SentenceEncoder(tiny).max_length == CONFIG["max_position_embeddings"]


def test_the_inlined_model_is_valid_onnx_and_agrees(tiny):
    """The weights handed to onnxruntime as arrays are the ones a saved .onnx file would hold."""
    config = EncoderConfig.from_file(tiny / "config.json")
    graph = build_graph(load_weights(tiny / "model.safetensors"), config)
    model = graph.inlined()
    onnx.checker.check_model(model, full_check=True)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    ids = np.array([[2, 5, 6, 7, 3], [2, 11, 3, 0, 0]], dtype=np.int64)
    mask = (np.arange(5) < np.array([[5], [3]])).astype(np.int64)
    (vectors,) = session.run([OUTPUT], {INPUT_IDS: ids, ATTENTION_MASK: mask})
    weights = tiny_weights()
    np.testing.assert_allclose(vectors[0], numpy_bert(weights, [2, 5, 6, 7, 3]), atol=2e-6)
    np.testing.assert_allclose(vectors[1], numpy_bert(weights, [2, 11, 3]), atol=2e-6)
    (states,) = session.run([TOKEN_STATES], {INPUT_IDS: ids, ATTENTION_MASK: mask})
    np.testing.assert_allclose(states[0], numpy_states(weights, [2, 5, 6, 7, 3]), atol=2e-5)
    np.testing.assert_allclose(states[1, :3], numpy_states(weights, [2, 11, 3]), atol=2e-5)
    # Without inlining, the weights are not copied into the protobuf: only named.
    external = [t for t in graph.model.graph.initializer if t.name in graph.weights]
    assert external
    assert all(t.data_location == onnx.TensorProto.EXTERNAL and not t.raw_data for t in external)


def test_bert_prefixed_checkpoints_load_and_integer_buffers_are_skipped(tmp_path):
    weights = {f"bert.{k}": v for k, v in tiny_weights().items()}
    weights["bert.embeddings.position_ids"] = np.arange(16, dtype=np.int64)[None]
    weights["cls.predictions.bias"] = np.zeros(len(VOCAB), dtype=np.float32)
    directory = make_tiny_model(tmp_path / "prefixed", weights)
    reference = make_tiny_model(tmp_path / "plain")
    np.testing.assert_array_equal(
        SentenceEncoder(directory).encode(TEXTS), SentenceEncoder(reference).encode(TEXTS)
    )


def test_the_identity_names_the_files_and_the_length(tiny, tmp_path):
    first = SentenceEncoder(tiny).identity
    assert len(first) == 64
    assert SentenceEncoder(tiny).identity == first
    assert make_tiny_model(tmp_path / "same").name == "same"
    assert SentenceEncoder(tmp_path / "same").identity == first  # where it is does not count
    (tiny / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 8}))
    shorter = SentenceEncoder(tiny).identity
    save_file(tiny_weights(seed=8), str(tiny / "model.safetensors"))
    assert len({first, shorter, SentenceEncoder(tiny).identity}) == 3


def _one_line_model_error(directory: Path, *fragments: str) -> str:
    with pytest.raises(ModelError) as caught:
        SentenceEncoder(directory)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("sentence model ")
    for fragment in fragments:
        assert fragment in message
    return message


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"model_type": "roberta"}, "model_type 'roberta' is not one of bert, mpnet"),
        ({"hidden_act": "relu"}, "hidden_act 'relu'"),
        ({"position_embedding_type": "relative_key"}, "absolute position"),
        ({"num_attention_heads": 3}, "not a multiple"),
        ({"hidden_size": "wide"}, "bad value"),
        ({"num_hidden_layers": None}, "bad value"),
    ],
)
def test_configs_this_graph_does_not_build_are_refused(tiny, change, fragment):
    _write_config({**CONFIG, **change}, tiny / "config.json")
    _one_line_model_error(tiny, "config.json", fragment)


def test_a_config_without_a_size_is_refused(tiny):
    _write_config({k: v for k, v in CONFIG.items() if k != "hidden_size"}, tiny / "config.json")
    _one_line_model_error(tiny, "config has no 'hidden_size'")


def test_a_config_that_is_not_json_is_refused(tiny):
    (tiny / "config.json").write_text("{not json")
    _one_line_model_error(tiny, "config.json", "cannot read config")


def test_weights_without_a_tensor_are_refused(tiny):
    weights = tiny_weights()
    del weights["encoder.layer.1.output.dense.bias"]
    save_file(weights, str(tiny / "model.safetensors"))
    _one_line_model_error(tiny, "model.safetensors", "no tensor encoder.layer.1.output.dense.bias")


def test_weights_of_another_shape_are_refused(tiny):
    weights = tiny_weights()
    weights["embeddings.word_embeddings.weight"] = np.zeros((len(VOCAB), 9), np.float32)
    save_file(weights, str(tiny / "model.safetensors"))
    _one_line_model_error(tiny, "embeddings.word_embeddings.weight has shape")


@pytest.mark.parametrize(
    "content",
    [b"", b"not safetensors at all", b"\xff" * 8 + b"{}", (10).to_bytes(8, "little") + b"[1]"],
)
def test_unreadable_weights_are_refused(tiny, content):
    (tiny / "model.safetensors").write_bytes(content)
    _one_line_model_error(tiny, "model.safetensors", "not a readable safetensors file")


def test_half_precision_weights_are_read_as_float32(tiny):
    weights = {k: v.astype(np.float16) for k, v in tiny_weights().items()}
    save_file(weights, str(tiny / "model.safetensors"))
    loaded = load_weights(tiny / "model.safetensors")
    assert all(v.dtype == np.float32 for v in loaded.values())
    config = EncoderConfig.from_file(tiny / "config.json")
    check_weights(loaded, config, tiny)
    assert SentenceEncoder(tiny).encode(["the cat"]).dtype == np.float32


def test_a_tokenizer_that_is_not_one_is_refused(tiny):
    (tiny / "tokenizer.json").write_text('{"version": "1.0"}')
    _one_line_model_error(tiny, "tokenizer.json", "not a readable tokenizer")


@pytest.mark.parametrize("missing", ["config.json", "tokenizer.json", "model.safetensors"])
def test_a_missing_file_is_named(tiny, missing):
    (tiny / missing).unlink()
    _one_line_model_error(tiny, missing, "missing file")


def test_a_dense_layer_after_pooling_is_refused(tiny):
    modules = json.loads((tiny / "modules.json").read_text())
    dense = "sentence_transformers.models.Dense"
    modules.append({"idx": 3, "name": "3", "path": "3_Dense", "type": dense})
    (tiny / "modules.json").write_text(json.dumps(modules))
    _one_line_model_error(tiny, "modules.json", "unsupported modules", "Dense")


def test_pooling_other_than_the_mean_is_refused(tiny):
    (tiny / "1_Pooling" / "config.json").write_text(
        json.dumps({"pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True})
    )
    _one_line_model_error(tiny, "1_Pooling", "only mean pooling")


def test_model_errors_are_briefing_bot_errors_and_pickle():
    error = ModelError("/models/x", "missing file")
    assert isinstance(error, BriefingBotError)
    assert str(error) == "sentence model /models/x: missing file"
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), str(again), again.path) == (ModelError, str(error), "/models/x")
