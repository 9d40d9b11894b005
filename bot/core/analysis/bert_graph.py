"""A BERT or MPNet sentence encoder as an ONNX graph, built from safetensors weights, no torch.

The bot must not depend on torch (gigabytes, seconds to import), yet it needs the exact numbers
sentence-transformers gives for all-MiniLM-L6-v2 (BERT) and all-mpnet-base-v2 (MPNet). So the
encoder is written out here, op for op, as the ONNX graph of Hugging Face's ``BertModel`` or
``MPNetModel`` followed by sentence-transformers' mean pooling and L2 normalisation, and
onnxruntime runs it. The graph is built in memory each time
a model is loaded, in about 50 ms, because its weights are handed to onnxruntime as the numpy
arrays themselves instead of being serialised into the protobuf (that took about a second and
two more copies of the 90 MB). So no .onnx file is cached anywhere, and none can go stale.

MPNet is BERT's layer shape with three differences, each written out as Hugging Face computes
it: no token types, positions counted from the padding id + 1, and a relative position bias
(32 buckets, both directions, distances past 128 in the last bucket) that every layer adds to
its attention scores.

Inputs are ``input_ids`` and ``attention_mask`` (int64, ``[batch, sequence]``); token type ids
are always 0 (one sentence per input), so their embedding is folded into the position table.
The output ``sentence_embedding`` is ``[batch, hidden]`` float32 with unit length.

Weights are read with the ``safetensors`` package (its numpy API) rather than a hand-written
parser: it is the format's reference implementation, a small wheel with no dependencies of its
own, and it already rejects malformed headers and out-of-range or overlapping offsets, which
matters because the bot also loads model directories that users bring.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import onnx
from onnx import TensorProto, helper, numpy_helper

from bot.core.errors import ModelError

if TYPE_CHECKING:
    import onnxruntime as ort

Array = npt.NDArray[np.float32]

OPSET = 17  # the first opset with LayerNormalization; onnxruntime has supported it since 1.14
INPUT_IDS = "input_ids"
ATTENTION_MASK = "attention_mask"
OUTPUT = "sentence_embedding"
# Each token's state after the last layer, before pooling: what a word means in its sentence.
TOKEN_STATES = "token_states"
WORD_EMBEDDINGS = "word_embeddings"  # the initializer of the token embedding table
# What Hugging Face adds to the attention scores of padding (torch.finfo(float32).min), so a
# padded position gets exactly zero weight, as in the reference.
_MASKED = float(np.finfo(np.float32).min)
_POOL_EPS = 1e-9  # sentence-transformers: torch.clamp(mask.sum(1), min=1e-9)
_NORM_EPS = 1e-12  # torch.nn.functional.normalize's default eps
_IN_MEMORY = "in-memory weights"  # the external-data "file" of initializers handed over as arrays


ARCHITECTURES = ("bert", "mpnet")
# MPNet's bias buckets and the distance past which they stop growing: Hugging Face's
# MPNetEncoder passes these two numbers itself, whatever the config says.
_MPNET_BUCKETS = 32
_MPNET_MAX_DISTANCE = 128


@dataclass(frozen=True)
class EncoderConfig:
    """The shape of a BERT or MPNet encoder, as its ``config.json`` gives it."""

    vocab_size: int
    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    max_position: int
    type_vocab_size: int
    layer_norm_eps: float
    model_type: str = "bert"
    pad_token_id: int = 0

    @property
    def head_size(self) -> int:
        """Width of one attention head."""
        return self.hidden_size // self.num_heads

    @property
    def position_offset(self) -> int:
        """The position table's row of the first token: MPNet counts from padding id + 1."""
        return self.pad_token_id + 1 if self.model_type == "mpnet" else 0

    @property
    def max_tokens(self) -> int:
        """The longest input the position table has rows for."""
        return self.max_position - self.position_offset

    @classmethod
    def from_file(cls, path: Path) -> EncoderConfig:
        """Read a Hugging Face ``config.json``, refusing anything this graph does not build.

        Only BERT (absolute positions) and MPNet, both with exact (erf) GELU, are written out
        here. Another architecture would load without complaint and give wrong vectors, so it
        is refused.
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ModelError(path, f"cannot read config: {error}") from None
        if not isinstance(data, dict):
            raise ModelError(path, "config is not a JSON object")
        model_type = _architecture(data, path)
        mpnet = model_type == "mpnet"
        try:
            config = cls(
                vocab_size=int(data["vocab_size"]),
                hidden_size=int(data["hidden_size"]),
                num_layers=int(data["num_hidden_layers"]),
                num_heads=int(data["num_attention_heads"]),
                intermediate_size=int(data["intermediate_size"]),
                max_position=int(data.get("max_position_embeddings", 514 if mpnet else 512)),
                type_vocab_size=0 if mpnet else int(data.get("type_vocab_size", 2)),
                layer_norm_eps=float(data.get("layer_norm_eps", 1e-5 if mpnet else 1e-12)),
                model_type=model_type,
                pad_token_id=int(data.get("pad_token_id", 1 if mpnet else 0)),
            )
        except KeyError as error:
            raise ModelError(path, f"config has no {error.args[0]!r}") from None
        except (TypeError, ValueError) as error:
            raise ModelError(path, f"config has a bad value: {error}") from None
        if config.num_heads <= 0 or config.hidden_size % config.num_heads:
            raise ModelError(path, "hidden_size is not a multiple of num_attention_heads")
        if config.max_tokens < 2 or config.pad_token_id < 0:
            raise ModelError(path, "max_position_embeddings leaves no room for a sentence")
        return config


def _architecture(data: Mapping[str, object], path: Path) -> str:
    """The config's ``model_type``, when this graph builds it exactly."""
    model_type = str(data.get("model_type", "bert"))
    if model_type not in ARCHITECTURES:
        raise ModelError(
            path, f"model_type {model_type!r} is not one of {', '.join(ARCHITECTURES)}"
        )
    if data.get("hidden_act", "gelu") != "gelu":
        raise ModelError(path, f"hidden_act {data.get('hidden_act')!r} is not 'gelu'")
    if data.get("position_embedding_type", "absolute") != "absolute":
        raise ModelError(path, "only absolute position embeddings are supported")
    buckets = data.get("relative_attention_num_buckets", _MPNET_BUCKETS)
    if model_type == "mpnet" and buckets != _MPNET_BUCKETS:
        raise ModelError(path, f"relative_attention_num_buckets {buckets!r} is not 32")
    return model_type


@dataclass(frozen=True)
class LayerNames:
    """What one encoder layer's tensors are called in a checkpoint of each architecture."""

    query: str
    key: str
    value: str
    attention_output: str
    attention_norm: str
    intermediate: str
    output: str
    output_norm: str

    @classmethod
    def of(cls, config: EncoderConfig, n: int) -> LayerNames:
        """Layer ``n``'s names: BERT's ``attention.self.query``, MPNet's ``attention.attn.q``."""
        p = f"encoder.layer.{n}"
        if config.model_type == "mpnet":
            attn = f"{p}.attention.attn"
            return cls(
                f"{attn}.q",
                f"{attn}.k",
                f"{attn}.v",
                f"{attn}.o",
                f"{p}.attention.LayerNorm",
                f"{p}.intermediate.dense",
                f"{p}.output.dense",
                f"{p}.output.LayerNorm",
            )
        return cls(
            f"{p}.attention.self.query",
            f"{p}.attention.self.key",
            f"{p}.attention.self.value",
            f"{p}.attention.output.dense",
            f"{p}.attention.output.LayerNorm",
            f"{p}.intermediate.dense",
            f"{p}.output.dense",
            f"{p}.output.LayerNorm",
        )


RELATIVE_BIAS = "encoder.relative_attention_bias.weight"


def relative_buckets(length: int) -> npt.NDArray[np.int64]:
    """MPNet's bucket of each (query, key) pair of ``length`` positions, ``[length, length]``.

    Hugging Face's ``MPNetEncoder.relative_position_bucket`` with 32 buckets and distance 128:
    half the buckets for keys before the query, half after; distances under 8 exact, longer
    ones on a log scale, computed in float32 and truncated as torch does.
    """
    positions = np.arange(length, dtype=np.int64)
    n = -(positions[None, :] - positions[:, None])  # -(key - query)
    half = _MPNET_BUCKETS // 2
    buckets = (n < 0).astype(np.int64) * half
    n = np.abs(n)
    exact = half // 2
    # Distances under ``exact`` take the other branch; 1 keeps their log finite.
    far = np.maximum(n, 1).astype(np.float32)
    scaled = np.log(far / np.float32(exact)) / np.float32(math.log(_MPNET_MAX_DISTANCE / exact))
    large = exact + (scaled * np.float32(half - exact)).astype(np.int64, copy=False)
    large = np.minimum(large, half - 1)
    result: npt.NDArray[np.int64] = buckets + np.where(n < exact, n, large)
    return result


def load_weights(path: Path) -> dict[str, Array]:
    """Every floating-point tensor of a safetensors file, as float32, names without "bert.".

    Checkpoints saved from ``BertForMaskedLM`` and the like prefix the encoder's names with
    "bert." (MPNet's with "mpnet."); dropping it lets the same graph take either. Integer
    tensors (``position_ids``) are buffers, not weights, and are skipped.
    """
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    try:
        tensors = load_file(str(path))
    except (OSError, SafetensorError) as error:
        raise ModelError(path, f"not a readable safetensors file: {error}") from None
    except (TypeError, ValueError) as error:  # a dtype numpy has no type for, such as BF16
        raise ModelError(path, f"unsupported tensor type: {error}") from None
    weights: dict[str, Array] = {}
    for name, tensor in tensors.items():
        if np.issubdtype(tensor.dtype, np.floating):
            plain = name.removeprefix("bert.").removeprefix("mpnet.")
            weights[plain] = np.ascontiguousarray(tensor, dtype=np.float32)
    return weights


def expected_shapes(config: EncoderConfig) -> dict[str, tuple[int, ...]]:
    """The tensors the graph reads and the shape each must have (torch ``Linear`` layout)."""
    h, i = config.hidden_size, config.intermediate_size
    shapes: dict[str, tuple[int, ...]] = {
        "embeddings.word_embeddings.weight": (config.vocab_size, h),
        "embeddings.position_embeddings.weight": (config.max_position, h),
        "embeddings.LayerNorm.weight": (h,),
        "embeddings.LayerNorm.bias": (h,),
    }
    if config.model_type == "mpnet":
        shapes[RELATIVE_BIAS] = (_MPNET_BUCKETS, config.num_heads)
    else:
        shapes["embeddings.token_type_embeddings.weight"] = (config.type_vocab_size, h)
    for n in range(config.num_layers):
        names = LayerNames.of(config, n)
        for name, shape in (
            (names.query, (h, h)),
            (names.key, (h, h)),
            (names.value, (h, h)),
            (names.attention_output, (h, h)),
            (names.intermediate, (i, h)),
            (names.output, (h, i)),
        ):
            shapes[f"{name}.weight"] = shape
            shapes[f"{name}.bias"] = (shape[0],)
        for norm in (names.attention_norm, names.output_norm):
            shapes[f"{norm}.weight"] = (h,)
            shapes[f"{norm}.bias"] = (h,)
    return shapes


def check_weights(weights: Mapping[str, Array], config: EncoderConfig, path: Path) -> None:
    """Refuse weights that do not fit the config: a foreign file must not build a graph."""
    kind = "an MPNet" if config.model_type == "mpnet" else "a BERT"
    for name, shape in expected_shapes(config).items():
        if name not in weights:
            raise ModelError(path, f"not {kind} encoder of this config: no tensor {name}")
        if weights[name].shape != shape:
            found = tuple(weights[name].shape)
            raise ModelError(path, f"tensor {name} has shape {found}, config says {shape}")


class _Graph:
    """Collects nodes and initializers, naming every intermediate value uniquely.

    Weights (float arrays of more than a few values) are not copied into the protobuf: the
    initializer only names them and onnxruntime is handed the arrays themselves (see
    ``EncoderGraph``). Copying 90 MB into a ModelProto, then into bytes, then into the
    session cost about a second and three copies of the model in memory.
    """

    _INLINE = 64  # constants up to this many values go in the graph: shapes, axes, epsilons

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.external: dict[str, Array] = {}
        self._count = 0

    def const(self, name: str, value: npt.ArrayLike, dtype: type = np.float32) -> str:
        array: npt.NDArray[Any] = np.ascontiguousarray(value, dtype=dtype)
        if array.size <= self._INLINE or array.dtype != np.float32:
            self.initializers.append(numpy_helper.from_array(array, name))
            return name
        tensor = onnx.TensorProto(name=name, data_type=TensorProto.FLOAT, dims=array.shape)
        tensor.data_location = TensorProto.EXTERNAL
        tensor.external_data.add(key="location", value=_IN_MEMORY)
        self.initializers.append(tensor)
        self.external[name] = array
        return name

    def op(self, op_type: str, *inputs: str, name: str = "", **attributes: Any) -> str:
        self._count += 1
        output = name or f"{op_type.lower()}_{self._count}"
        self.nodes.append(helper.make_node(op_type, list(inputs), [output], **attributes))
        return output

    def linear(self, x: str, weight: Array, bias: Array, name: str) -> str:
        """``x @ weight.T + bias``, as torch's ``Linear`` computes it."""
        w = self.const(f"{name}.weight_t", weight.T)
        b = self.const(f"{name}.bias", bias)
        return self.op("Add", self.op("MatMul", x, w), b)

    def dense(self, x: str, weights: Mapping[str, Array], name: str) -> str:
        """The checkpoint's ``name`` Linear layer (its ``.weight`` and ``.bias``) applied to x."""
        return self.linear(x, weights[f"{name}.weight"], weights[f"{name}.bias"], name)

    def layer_norm(self, x: str, weights: Mapping[str, Array], name: str, eps: float) -> str:
        gamma = self.const(f"{name}.weight", weights[f"{name}.weight"])
        beta = self.const(f"{name}.bias", weights[f"{name}.bias"])
        return self.op("LayerNormalization", x, gamma, beta, axis=-1, epsilon=eps)


@dataclass(frozen=True)
class EncoderGraph:
    """The graph without its weights, and the weights by initializer name.

    ``session_options`` hands the arrays to onnxruntime. An onnxruntime that reads them in
    place needs them as long as the session lives; one that copies them (1.32 does) does not
    (see ``encoder._reads_in_place``).
    """

    model: onnx.ModelProto
    weights: Mapping[str, Array]

    def session_options(self, options: ort.SessionOptions) -> ort.SessionOptions:
        """``options`` with every weight added as an external initializer."""
        import onnxruntime as ort

        names = list(self.weights)
        values = [ort.OrtValue.ortvalue_from_numpy(self.weights[n]) for n in names]
        options.add_external_initializers(names, values)
        return options

    def inlined(self) -> onnx.ModelProto:
        """A self-contained copy with the weights inside, to check or save as a .onnx file."""
        model = onnx.ModelProto()
        model.CopyFrom(self.model)
        for tensor in model.graph.initializer:
            if tensor.name in self.weights:
                tensor.CopyFrom(numpy_helper.from_array(self.weights[tensor.name], tensor.name))
        return model


def build_graph(weights: Mapping[str, Array], config: EncoderConfig) -> EncoderGraph:
    """The ONNX model: BERT or MPNet encoder, mean pooling over the mask, L2 normalisation.

    Besides the sentence vector (``OUTPUT``) it gives every token's last state
    (``TOKEN_STATES``), for comparing a question's words with a sentence's (``encode_words``).

    Query, key and value share one MatMul (one GEMM instead of three); everything else is the
    same arithmetic as Hugging Face's eager BERT and MPNet, so the vectors agree with torch's
    to float32 rounding (about 1e-7).
    """
    g = _Graph()
    h, heads, size = config.hidden_size, config.num_heads, config.head_size
    eps = config.layer_norm_eps

    # Embeddings: word + position (+ BERT's token type 0), then LayerNorm.
    words = g.const(WORD_EMBEDDINGS, weights["embeddings.word_embeddings.weight"])
    positions = weights["embeddings.position_embeddings.weight"][config.position_offset :]
    if config.model_type == "bert":
        positions = positions + weights["embeddings.token_type_embeddings.weight"][0]
    table = g.const("position_and_type_embeddings", positions)
    sequence = g.op("Shape", INPUT_IDS, start=1, end=2)
    zero = g.const("zero", [0], np.int64)
    x = g.op("Gather", words, INPUT_IDS, axis=0)
    x = g.op("Add", x, g.op("Slice", table, zero, sequence, zero))
    x = g.layer_norm(x, weights, "embeddings.LayerNorm", eps)

    # Padding: float mask [batch, sequence], and the additive bias [batch, 1, 1, sequence].
    mask = g.op("Cast", ATTENTION_MASK, to=TensorProto.FLOAT)
    one = g.const("one", 1.0)
    bias = g.op("Mul", g.op("Sub", one, mask), g.const("masked", _MASKED))
    bias = g.op("Unsqueeze", bias, g.const("axes_1_2", [1, 2], np.int64))
    # MPNet's relative position bias [1, heads, sequence, sequence], the same in every layer:
    # the table for the longest input, cut to this batch's width.
    position_bias = None
    if config.model_type == "mpnet":
        buckets = relative_buckets(config.max_tokens)
        full = weights[RELATIVE_BIAS][buckets].transpose(2, 0, 1)[None]
        axes = g.const("axes_2_3", [2, 3], np.int64)
        starts = g.const("zeros_2", [0, 0], np.int64)
        ends = g.op("Concat", sequence, sequence, axis=0)
        position_bias = g.op("Slice", g.const("position_bias", full), starts, ends, axes)

    split_heads = g.const("split_heads", [0, 0, heads, size], np.int64)
    merge_heads = g.const("merge_heads", [0, 0, h], np.int64)
    thirds = g.const("qkv_split", [h, h, h], np.int64)
    scale = g.const("scale", 1.0 / math.sqrt(size))
    sqrt2 = g.const("sqrt2", math.sqrt(2.0))
    half = g.const("half", 0.5)

    for n in range(config.num_layers):
        names = LayerNames.of(config, n)
        parts = (names.query, names.key, names.value)
        qkv_w = np.concatenate([weights[f"{part}.weight"] for part in parts])
        qkv_b = np.concatenate([weights[f"{part}.bias"] for part in parts])
        qkv = g.linear(x, qkv_w, qkv_b, f"encoder.layer.{n}.qkv")
        q, k, v = parts
        g.nodes.append(helper.make_node("Split", [qkv, thirds], [q, k, v], axis=2))
        q = g.op("Transpose", g.op("Reshape", q, split_heads), perm=[0, 2, 1, 3])
        k = g.op("Transpose", g.op("Reshape", k, split_heads), perm=[0, 2, 3, 1])
        v = g.op("Transpose", g.op("Reshape", v, split_heads), perm=[0, 2, 1, 3])
        scores = g.op("Mul", g.op("MatMul", q, k), scale)
        if position_bias is not None:
            scores = g.op("Add", scores, position_bias)
        probs = g.op("Softmax", g.op("Add", scores, bias), axis=-1)
        context = g.op("Transpose", g.op("MatMul", probs, v), perm=[0, 2, 1, 3])
        context = g.op("Reshape", context, merge_heads)
        out = g.dense(context, weights, names.attention_output)
        x = g.layer_norm(g.op("Add", out, x), weights, names.attention_norm, eps)

        inner = g.dense(x, weights, names.intermediate)
        # Exact GELU, x * 0.5 * (1 + erf(x / sqrt 2)), in the order onnxruntime fuses.
        erf = g.op("Add", g.op("Erf", g.op("Div", inner, sqrt2)), one)
        inner = g.op("Mul", g.op("Mul", inner, erf), half)
        out = g.dense(inner, weights, names.output)
        x = g.layer_norm(g.op("Add", out, x), weights, names.output_norm, eps)

    g.op("Identity", x, name=TOKEN_STATES)

    # Mean over the real tokens, then unit length.
    weights_3d = g.op("Unsqueeze", mask, g.const("axis_2", [2], np.int64))
    axis_1 = g.const("axis_1", [1], np.int64)
    summed = g.op("ReduceSum", g.op("Mul", x, weights_3d), axis_1, keepdims=0)
    counts = g.op("ReduceSum", weights_3d, axis_1, keepdims=0)
    mean = g.op("Div", summed, g.op("Max", counts, g.const("pool_eps", _POOL_EPS)))
    norm = g.op("ReduceL2", mean, axes=[1], keepdims=1)
    g.op("Div", mean, g.op("Max", norm, g.const("norm_eps", _NORM_EPS)), name=OUTPUT)

    graph = helper.make_graph(
        g.nodes,
        f"{config.model_type}_sentence_encoder",
        inputs=[
            helper.make_tensor_value_info(INPUT_IDS, TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info(
                ATTENTION_MASK, TensorProto.INT64, ["batch", "sequence"]
            ),
        ],
        outputs=[
            helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", h]),
            helper.make_tensor_value_info(
                TOKEN_STATES, TensorProto.FLOAT, ["batch", "sequence", h]
            ),
        ],
        initializer=g.initializers,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="briefing-bot"
    )
    model.ir_version = 8  # what onnxruntime 1.14+ reads; make_model's default may be newer
    return EncoderGraph(model, g.external)
