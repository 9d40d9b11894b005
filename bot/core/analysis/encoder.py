"""Sentence vectors from a local sentence-transformers model, without torch.

``SentenceEncoder`` gives the vectors sentence-transformers gives for a BERT or MPNet model
directory (all-MiniLM-L6-v2, all-mpnet-base-v2, or a user's model of either family): the same
tokeniser (``tokenizers`` reading the model's own ``tokenizer.json``), the same truncation to
the model's ``max_seq_length``, and the encoder, mean pooling and normalisation written out as
an ONNX graph (``bert_graph``) that onnxruntime runs on the CPU.

Loading is strict because a wrong model is worse than none: with digests given (the known
models' are in ``catalogue``), every file is checked by SHA-256 before anything reads it, and
any problem is one ``ModelError`` line, so the engine can log it and answer lexically.

Nothing here touches the network: the model directory is installed beforehand
(``bot.model_install``, outside the core, since it runs pip).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from bot.core.analysis.bert_graph import (
    ATTENTION_MASK,
    INPUT_IDS,
    OUTPUT,
    TOKEN_STATES,
    WORD_EMBEDDINGS,
    EncoderConfig,
    EncoderGraph,
    build_graph,
    check_weights,
    load_weights,
)
from bot.core.errors import ModelError

if TYPE_CHECKING:
    import onnxruntime as ort
    from tokenizers import Encoding, Tokenizer

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_BATCH_TOKENS",
    "DEFAULT_THREADS",
    "RUNTIME_VERSION",
    "ModelError",
    "SentenceEncoder",
    "TokenStates",
    "file_sha256",
    "verify_digests",
]

# Two threads measured best on the two-core machine the bot runs on; more only contend with the
# bot's own work.
DEFAULT_THREADS: Final = 2
# Sorted by length, a batch pads little; past 32 sentences bigger batches gained nothing here.
DEFAULT_BATCH_SIZE: Final = 32
# At most this many tokens in a batch once padded (see _batches).
DEFAULT_BATCH_TOKENS: Final = 2048

WEIGHTS = "model.safetensors"
TOKENIZER = "tokenizer.json"
CONFIG = "config.json"
ST_CONFIG = "sentence_bert_config.json"
POOLING_CONFIG = "1_Pooling/config.json"
MODULES = "modules.json"
# The sentence-transformers modules this runtime reproduces; a Dense layer or another pooling
# would load silently and give different vectors, so anything else is refused.
_SUPPORTED_MODULES = {
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
}

# Part of ``identity``: change it when the graph computes something else (another pooling),
# so vectors cached by the old graph are not mixed with the new graph's.
RUNTIME_VERSION: Final = "bert-onnx-mean-l2/1"

Vectors = npt.NDArray[np.float32]
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class TokenStates:
    """What the model made of each word piece of a text, from the same run as its vector.

    A word's state is its meaning in that sentence ("leave" beside "peacekeepers" is not
    "leave" beside "holiday"), so comparing a question's words with a sentence's tells which
    parts of the question the sentence speaks to, when a single cosine cannot.
    ``words[i]`` is the whole word a piece begins, or "" for a piece inside a word.
    """

    vector: npt.NDArray[np.float32]  # the sentence vector, unit length
    words: tuple[str, ...]
    states: Vectors  # [pieces, dimension], each unit length; no [CLS] or [SEP]


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, hex, read in chunks (the weights are 90 MB)."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def verify_digests(directory: Path, digests: Mapping[str, str]) -> None:
    """Raise ``ModelError`` for the first file of ``digests`` that is missing or differs."""
    for name, expected in digests.items():
        path = directory / name
        try:
            actual = file_sha256(path)
        except FileNotFoundError:
            raise ModelError(path, "missing file") from None
        except OSError as error:
            raise ModelError(path, f"cannot read: {error.strerror or error}") from None
        if actual != expected.lower():
            raise ModelError(
                path,
                f"SHA-256 {actual[:16]}... is not the expected {expected[:16]}...: "
                "the file is damaged or not the model it should be",
            )


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(path, f"cannot read: {error}") from None


def _check_modules(directory: Path) -> None:
    """Refuse pipelines this runtime does not reproduce (mean pooling is the only pooling)."""
    modules_path = directory / MODULES
    if modules_path.is_file():
        modules = _read_json(modules_path)
        kinds = (
            {str(m.get("type")) for m in modules if isinstance(m, dict)}
            if isinstance(modules, list)
            else {"?"}
        )
        if unsupported := kinds - _SUPPORTED_MODULES:
            raise ModelError(modules_path, f"unsupported modules {sorted(unsupported)}")
    pooling_path = directory / POOLING_CONFIG
    if pooling_path.is_file():
        pooling = _read_json(pooling_path)
        if not isinstance(pooling, dict) or not pooling.get("pooling_mode_mean_tokens"):
            raise ModelError(pooling_path, "only mean pooling is supported")
        others = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v is True]
        if others != ["pooling_mode_mean_tokens"]:
            raise ModelError(pooling_path, f"only mean pooling is supported, not {others}")


def _max_length(directory: Path, config: EncoderConfig) -> int:
    """sentence-transformers' ``max_seq_length``, never past the position table."""
    path = directory / ST_CONFIG
    if not path.is_file():
        return config.max_tokens
    data = _read_json(path)
    length = data.get("max_seq_length") if isinstance(data, dict) else None
    if not isinstance(length, int) or length < 2:
        raise ModelError(path, f"max_seq_length {length!r} is not a length")
    return min(length, config.max_tokens)


def _load_tokenizer(path: Path, max_length: int) -> Tokenizer:
    """The model's tokenizer, truncating as sentence-transformers does and never padding.

    A ``tokenizer.json`` carries its own truncation and padding (all-MiniLM-L6-v2's says 128
    and pads every text to 128); sentence-transformers overrides both with ``max_seq_length``
    and padding to the longest of the batch, so this does too.
    """
    from tokenizers import Tokenizer

    if not path.is_file():
        raise ModelError(path, "missing file")
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as error:  # tokenizers raises plain Exception for a bad file
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ModelError(path, f"not a readable tokenizer: {reason}") from None
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length)
    return tokenizer


def _session(graph: EncoderGraph, threads: int, path: Path) -> ort.InferenceSession:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only: the bot's log is for people
    # Idle threads sleep instead of spinning: the bot answers while another process builds
    # vectors on the same two cores, and spinning workers starve each other. With one core
    # busy this measured 9 ms a question instead of 14, and 60 sentences/s instead of 50.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return ort.InferenceSession(
            graph.model.SerializeToString(),
            graph.session_options(options),
            providers=["CPUExecutionProvider"],
        )
    except Exception as error:  # onnxruntime's own exception types are not public API
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ModelError(path, f"onnxruntime cannot run the model: {reason}") from None


def _reads_in_place(session: ort.InferenceSession, graph: EncoderGraph) -> bool:
    """Whether the session reads the weight arrays it was handed, rather than its own copy.

    onnxruntime 1.32 copies external initializers into its own buffers, so the graph's arrays
    (the whole model again: 430 MB for all-mpnet-base-v2) would be held for nothing; an
    onnxruntime that reads them in place needs them for as long as the session lives. So
    ask it: give two tokens other embeddings (a ramp, which the embeddings' LayerNorm does not
    cancel as it would a constant), run them, and put the rows back exactly.
    """
    table = graph.weights.get(WORD_EMBEDDINGS)
    if table is None:
        return True  # nothing to probe with: keep everything
    ids = np.array([[0, 1]], dtype=np.int64)
    inputs = {INPUT_IDS: ids, ATTENTION_MASK: np.ones_like(ids)}
    (before,) = session.run([OUTPUT], inputs)
    rows = table[:2].copy()
    try:
        table[:2] = np.linspace(-1.0, 1.0, table.shape[1], dtype=np.float32)
        (after,) = session.run([OUTPUT], inputs)
    finally:
        table[:2] = rows
    return not np.array_equal(before, after)


def _return_freed_memory() -> None:
    """Give the heap's freed pages back to the system, where the C library can (glibc).

    The weights are freed in pieces of a few megabytes, which glibc keeps in the heap rather
    than unmapping; trimming measured 235 MB less resident for all-mpnet-base-v2.
    """
    import ctypes
    import ctypes.util

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)


def _batches(
    order: Sequence[int], ids: Sequence[Sequence[int]], size: int, max_tokens: int
) -> list[list[int]]:
    """Batches of at most ``size`` texts and ``max_tokens`` tokens once padded.

    ``order`` is longest first, so each batch is a run of similar lengths and a batch of long
    texts holds fewer of them than one of short texts.

    Attention memory grows with the square of the width: 32 texts of 256 tokens alone need
    ~100 MB a layer for the scores, and the allocator keeps its peak; a token budget keeps the
    peak near that of a batch of ordinary sentences at no cost in speed.
    """
    batches: list[list[int]] = []
    batch: list[int] = []
    width = 0
    for index in order:
        if batch and (len(batch) >= size or (len(batch) + 1) * width > max_tokens):
            batches.append(batch)
            batch = []
        if not batch:
            width = len(ids[index])
        batch.append(index)
    if batch:
        batches.append(batch)
    return batches


def _identity(directory: Path, verified: Mapping[str, str], max_length: int) -> str:
    """A SHA-256 naming what the vectors depend on: the files read, the length, the runtime.

    Digests already verified are reused; the others are computed (about 80 ms for the weights).
    """
    parts = [RUNTIME_VERSION, f"max_length={max_length}"]
    for name in (CONFIG, WEIGHTS, TOKENIZER, ST_CONFIG, POOLING_CONFIG, MODULES):
        path = directory / name
        if path.is_file():
            try:
                digest = verified.get(name) or file_sha256(path)
            except OSError as error:
                raise ModelError(path, f"cannot read: {error.strerror or error}") from None
            parts.append(f"{name}={digest}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class SentenceEncoder:
    """Unit-length float32 sentence vectors from a BERT or MPNet sentence-transformers directory.

    The directory needs ``config.json``, ``model.safetensors`` and ``tokenizer.json``;
    ``sentence_bert_config.json``, ``modules.json`` and ``1_Pooling/config.json`` are read when
    present. ``digests`` (file name -> SHA-256) are checked before anything is read: pass
    a known model's ``catalogue`` digests, nothing for a model a user brings.
    ``identity`` is a SHA-256 of the files read, the maximum length and the runtime version:
    vectors made under one identity are the same vectors again, so caches key on it.

    Loading all-MiniLM-L6-v2 takes about 0.3 s (checking digests, reading 90 MB of weights,
    building the graph, creating the onnxruntime session) and holds about 210 MB, plus up to
    ~100 MB of working memory once it has encoded long batches; all-mpnet-base-v2 takes
    about 4 s and 5 times the memory. ``encode`` is thread-safe; the session's threads do not
    survive a fork, so a child process loads its own encoder.
    """

    def __init__(
        self,
        model_dir: Path | str,
        *,
        digests: Mapping[str, str] | None = None,
        threads: int = DEFAULT_THREADS,
        batch_size: int = DEFAULT_BATCH_SIZE,
        max_batch_tokens: int = DEFAULT_BATCH_TOKENS,
    ) -> None:
        if min(threads, batch_size, max_batch_tokens) < 1:
            raise ValueError("threads, batch_size and max_batch_tokens must be at least 1")
        directory = Path(model_dir)
        if not directory.is_dir():
            raise ModelError(directory, "no such directory")
        if digests:
            verify_digests(directory, digests)
        self.model_dir = directory
        self.threads = threads
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        config_path = directory / CONFIG
        if not config_path.is_file():
            raise ModelError(config_path, "missing file")
        config = EncoderConfig.from_file(config_path)
        _check_modules(directory)
        self.max_length = _max_length(directory, config)
        self.dimension = config.hidden_size
        self._tokenizer = _load_tokenizer(directory / TOKENIZER, self.max_length)
        if self._tokenizer.get_vocab_size() > config.vocab_size:
            raise ModelError(directory / TOKENIZER, "has more tokens than the model's vocabulary")
        weights_path = directory / WEIGHTS
        if not weights_path.is_file():
            raise ModelError(weights_path, "missing file")
        self.identity = _identity(directory, digests or {}, self.max_length)
        weights = load_weights(weights_path)
        check_weights(weights, config, weights_path)
        graph = build_graph(weights, config)
        del weights
        self._session = _session(graph, threads, weights_path)
        # The arrays the session was given, kept only while it reads them in place.
        self._weights: Mapping[str, npt.NDArray[np.float32]] = graph.weights
        if not _reads_in_place(self._session, graph):
            self._weights = {}
            del graph
            _return_freed_memory()

    def __repr__(self) -> str:
        return f"SentenceEncoder({str(self.model_dir)!r}, threads={self.threads})"

    def token_ids(self, text: str) -> list[int]:
        """The ids the model sees for ``text``: [CLS] ... [SEP], truncated to ``max_length``."""
        return list(self._tokenizer.encode(text).ids)

    def encode(
        self,
        texts: Sequence[str],
        *,
        progress: Progress | None = None,
    ) -> Vectors:
        """One unit-length vector a text, in the order given: float32 ``[len(texts), dim]``.

        Texts are encoded in batches of similar length (sorted by token count, each batch
        padded only to its longest), which is several times faster than padding a batch of
        mixed lengths and gives the same vectors. ``progress(done, total)`` is called after
        each batch. Memory grows with ``len(texts)`` (their token ids): pass a very large
        collection in chunks of some thousands.
        """
        total = len(texts)
        vectors = np.empty((total, self.dimension), dtype=np.float32)
        if total == 0:
            return vectors
        # One at a time on purpose: encode_batch starts a thread pool of its own that competes
        # with onnxruntime's and does not survive a fork; tokenising is ~1% of the time anyway.
        ids = [self._tokenizer.encode(text).ids for text in texts]
        order = sorted(range(total), key=lambda i: len(ids[i]), reverse=True)
        done = 0
        for batch in _batches(order, ids, self.batch_size, self.max_batch_tokens):
            vectors[batch] = self._run([ids[i] for i in batch])
            done += len(batch)
            if progress is not None:
                progress(done, total)
        return vectors

    def encode_tokens(self, text: str) -> TokenStates:
        """``text``'s vector (as ``encode`` gives it) and the states of its word pieces."""
        encoding = self._tokenizer.encode(text)
        ids = np.array([encoding.ids], dtype=np.int64)
        vector, states = self._session.run(
            [OUTPUT, TOKEN_STATES], {INPUT_IDS: ids, ATTENTION_MASK: np.ones_like(ids)}
        )
        pieces = [i for i, special in enumerate(encoding.special_tokens_mask) if not special]
        kept = np.asarray(states[0, pieces], dtype=np.float32)
        kept /= np.maximum(np.linalg.norm(kept, axis=1, keepdims=True), 1e-12)
        words = _words(text, encoding, pieces)
        return TokenStates(np.asarray(vector[0], dtype=np.float32), words, kept)

    def _run(self, batch: Sequence[Sequence[int]]) -> Vectors:
        width = max(len(ids) for ids in batch)
        input_ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        (output,) = self._session.run([OUTPUT], {INPUT_IDS: input_ids, ATTENTION_MASK: mask})
        return np.asarray(output, dtype=np.float32)


def _words(text: str, encoding: Encoding, pieces: Sequence[int]) -> tuple[str, ...]:
    """For each piece, the whole word of ``text`` it begins, or "" if it does not begin one."""
    word_ids = encoding.word_ids
    offsets = encoding.offsets
    ends: dict[int, int] = {}
    for i in pieces:
        if (word := word_ids[i]) is not None:
            ends[word] = offsets[i][1]
    words: list[str] = []
    previous: int | None = None
    for i in pieces:
        word = word_ids[i]
        begins = word is not None and word != previous
        words.append(text[offsets[i][0] : ends[word]] if word is not None and begins else "")
        previous = word
    return tuple(words)
