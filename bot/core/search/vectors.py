"""A meaning vector for every sentence, kept on disk per document, searched exactly.

Each sentence is embedded after its title and section ("Ports > Harbour: It has 12 ferries",
with a right-pointing angle quote for ">"): the headings tell the model what a short sentence
is about, which ranked better on the shared sets than the sentence alone.

Vectors are stored on disk as float16 (half the size; cosines change by about 1e-4), one file
per document under the cache folder, named by a digest of the model and of the exact texts
embedded. So a reload embeds only what changed: a new or edited file costs its own sentences,
an unchanged one is read back, and a change to the cleaning or splitting code that alters the
texts is picked up by the digest too.

Search is exhaustive: every sentence's cosine with the question, one matrix-vector product a
question, no approximate index to tune or to drift. In memory each vector is kept as 8-bit
integers with one float32 scale of its own (the row's largest |component| / 127, so that
component becomes +-127): 388 bytes a 384-dimension sentence instead of 1,536 in float32, 37 MB
at 100,000 sentences instead of 146. The question vector is quantised the same way, and
onnxruntime's MatMulInteger sums the integer products exactly (in int32); a sentence's cosine
is that sum times the two scales. numpy has no fast product in fewer than 32 bits (measured at
100,000 x 384 on two cores: 140 ms a question in float16), while MatMulInteger over the int8
codes runs about as fast as numpy's float32 product. A row is stored as uint8 codes (the int8
value + 128) read with zero point 128, and the question likewise: (code - 128) x (question -
128), exact integer arithmetic. Not uint8 by int8, onnxruntime's fastest kernel: on x86 CPUs
without VNNI (AVX2 only) it adds pairs of products in 16 bits and saturates, which put
cosines off by up to 0.036 (measured at 100,000 x 384 on such a machine: uint8 x int8 14.8
ms, off by up to 86,004 in the integer sum; uint8 x uint8 18.5 ms, exact; int8 x int8 29 ms).

Rounding costs little: a rounded component is off by at most half its row's scale, and the
errors mostly cancel in the sum. On random unit vectors the cosines stay within 0.003 of
float32 (the tests hold them to 0.004); with all-MiniLM-L6-v2's vectors of 2,000 SQuAD
sentences and 200 SQuAD questions, within 0.0027, 0.0004 on average (``benchmarks.meaning``).
That is more than float16's rounding on disk (0.0001 there) but well below the differences the
ranking and abstention work with: the nearest sentence changed for 2 of those 200 questions,
each time between two sentences whose float32 cosines were less than 0.0005 apart.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from bot.core.analysis.encoder import DEFAULT_THREADS, TokenStates
from bot.core.ingest.documents import Document, KnowledgeBase

if TYPE_CHECKING:
    import onnxruntime as ort

logger = logging.getLogger(__name__)

HEADING_SEPARATOR = " \u203a "
Halves = npt.NDArray[np.float16]
Floats32 = npt.NDArray[np.float32]
Codes = npt.NDArray[np.uint8]
Progress = Callable[[int, int], None]


class Encoder(Protocol):
    """What the store needs of a sentence encoder (``bot.core.analysis.encoder``)."""

    @property
    def dimension(self) -> int:
        """Length of a vector."""

    @property
    def identity(self) -> str:
        """A digest naming the model, so vectors of different models never mix."""

    def encode(self, texts: Sequence[str], *, progress: Progress | None = None) -> Floats32:
        """Unit-length vectors of ``texts``, in order."""

    def encode_tokens(self, text: str) -> TokenStates:
        """``text``'s vector and its word pieces' states, from one run of the model."""


def every_tenth(report: Progress) -> Progress:
    """``report`` called only when progress reaches a new tenth: a long build, in ten lines."""
    shown = -1

    def progress(done: int, total: int) -> None:
        nonlocal shown
        tenth = done * 10 // total if total else 10
        if tenth > shown:
            shown = tenth
            report(done, total)

    return progress


def embedded_text(title: str, section: str | None, sentence: str) -> str:
    """What is embedded for ``sentence``: it after its headings (see the module doc)."""
    head = HEADING_SEPARATOR.join([title, section] if section else [title])
    return f"{head}: {sentence}"


def document_texts(document: Document) -> list[str]:
    """What is embedded for each sentence of ``document``, in index order."""
    return [
        embedded_text(document.title, paragraph.section, sentence)
        for paragraph in document.paragraphs
        for sentence in paragraph.sentences
    ]


def _digest(model: str, texts: list[str]) -> str:
    digest = hashlib.sha256(model.encode())
    for text in texts:
        digest.update(b"\0")
        digest.update(text.encode())
    return digest.hexdigest()


# A component's int8 value v (-127 to 127) is kept as the byte v + ZERO_POINT (see the module
# doc); a row's largest |component| becomes LEVELS.
ZERO_POINT = 128
LEVELS = 127
# Rows quantised at a time: bounds the float32 scratch of quantising a large matrix.
_BLOCK = 8192
_CODES, _QUESTION, _PRODUCTS = "codes", "question", "products"


def _rounded(block: npt.NDArray[np.floating[Any]]) -> tuple[Floats32, Floats32]:
    """Each row scaled to integers in [-LEVELS, LEVELS] (as floats), and its scale.

    An all-zero row has scale 0 and stays all zeros.
    """
    rows = np.asarray(block, dtype=np.float32)
    scales = (np.abs(rows).max(axis=1) / LEVELS).astype(np.float32)
    divisors = np.where(scales > 0, scales, np.float32(1))
    return np.rint(rows / divisors[:, None]), scales


def quantise(matrix: npt.NDArray[np.floating[Any]]) -> tuple[Codes, Floats32]:
    """``matrix``'s rows as uint8 codes and one float32 scale a row.

    A row is approximately ``(codes - ZERO_POINT) * scale``, each component within half the
    row's scale of the original.
    """
    codes = np.empty(matrix.shape, dtype=np.uint8)
    scales = np.empty(len(matrix), dtype=np.float32)
    _quantise_into(matrix, codes, scales, 0)
    return codes, scales


def _quantise_into(
    matrix: npt.NDArray[np.floating[Any]], codes: Codes, scales: Floats32, row: int
) -> None:
    """``quantise(matrix)`` written into ``codes`` and ``scales`` from ``row`` on."""
    for start in range(0, len(matrix), _BLOCK):
        rounded, block_scales = _rounded(matrix[start : start + _BLOCK])
        end = row + start + len(block_scales)
        codes[row + start : end] = rounded + ZERO_POINT
        scales[row + start : end] = block_scales


def _product_graph() -> bytes:
    """An ONNX graph of one MatMulInteger: [sentences, dimension] codes x [dimension, 1]."""
    from onnx import TensorProto, checker, helper

    zero_points = [
        helper.make_tensor("codes_zero_point", TensorProto.UINT8, [], [ZERO_POINT]),
        helper.make_tensor("question_zero_point", TensorProto.UINT8, [], [ZERO_POINT]),
    ]
    product = helper.make_node(
        "MatMulInteger",
        [_CODES, _QUESTION, "codes_zero_point", "question_zero_point"],
        [_PRODUCTS],
    )
    graph = helper.make_graph(
        [product],
        "sentence-cosines",
        [
            helper.make_tensor_value_info(_CODES, TensorProto.UINT8, ["sentences", "dimension"]),
            helper.make_tensor_value_info(_QUESTION, TensorProto.UINT8, ["dimension", 1]),
        ],
        [helper.make_tensor_value_info(_PRODUCTS, TensorProto.INT32, ["sentences", 1])],
        zero_points,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="briefing-bot"
    )
    model.ir_version = 8  # what onnxruntime 1.14+ reads, as the encoder's graph
    checker.check_model(model)
    serialised: bytes = model.SerializeToString()
    return serialised


_sessions: dict[int, ort.InferenceSession] = {}
_sessions_lock = threading.Lock()


def _product_session() -> ort.InferenceSession:
    """The process's session for the product, made on first use.

    One per process id: a session's threads do not survive a fork, so a forked child makes
    its own. ``run`` is thread-safe, so concurrent questions share it.
    """
    pid = os.getpid()
    session = _sessions.get(pid)
    if session is None:
        with _sessions_lock:
            session = _sessions.get(pid)
            if session is None:
                session = _sessions[pid] = _new_session()
    return session


def _new_session() -> ort.InferenceSession:
    import onnxruntime as ort

    options = ort.SessionOptions()
    # As the encoder's session (bot.core.analysis.encoder): two threads, which halve the time
    # at 100,000 sentences; sequential; idle threads sleep rather than spin; errors only.
    options.intra_op_num_threads = DEFAULT_THREADS
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(_product_graph(), options, providers=["CPUExecutionProvider"])


@dataclass(frozen=True, slots=True)
class SentenceVectors:
    """One unit vector a sentence, in the index's order, and the model that made them.

    Each vector is held quantised (see the module doc): ``codes`` [sentences, dimension] and
    ``scales`` [sentences], from ``quantise``; ``from_floats`` makes them from float vectors.
    """

    codes: Codes
    scales: Floats32
    model: str

    def __post_init__(self) -> None:
        if (
            self.codes.dtype != np.uint8
            or self.codes.ndim != 2
            or not self.codes.flags.c_contiguous
            or self.scales.dtype != np.float32
            or self.scales.shape != (len(self.codes),)
        ):
            raise ValueError(
                f"codes must be C-contiguous uint8 [n, dimension] and scales float32 [n], not"
                f" {self.codes.dtype} {self.codes.shape} and {self.scales.dtype}"
                f" {self.scales.shape}"
            )

    @classmethod
    def from_floats(cls, matrix: npt.NDArray[np.floating[Any]], model: str) -> SentenceVectors:
        """The vectors of ``matrix`` [sentences, dimension], quantised."""
        codes, scales = quantise(matrix)
        return cls(codes, scales, model)

    @property
    def dimension(self) -> int:
        """Length of a vector."""
        return int(self.codes.shape[1])

    def __len__(self) -> int:
        return len(self.codes)

    def cosines(self, query: Floats32) -> Floats32:
        """Cosine of every sentence with a unit-length ``query`` vector (within 0.004 or so)."""
        if query.shape != (self.dimension,):
            raise ValueError(f"a query of {query.shape}, not ({self.dimension},)")
        if not len(self):
            return np.zeros(0, dtype=np.float32)
        rounded, scale = _rounded(query[None, :])
        question = (rounded + ZERO_POINT).astype(np.uint8).reshape(-1, 1)
        (products,) = _product_session().run(
            [_PRODUCTS], {_CODES: self.codes, _QUESTION: question}
        )
        cosines: Floats32 = products[:, 0].astype(np.float32)
        cosines *= self.scales * scale[0]
        return cosines

    def similarities(self, rows: Sequence[int]) -> Floats32:
        """Cosines between the sentences ``rows``, each with each, as a square matrix."""
        picked = np.asarray(rows, dtype=np.int64)
        vectors = (self.codes[picked].astype(np.float32) - ZERO_POINT) * self.scales[picked, None]
        products: Floats32 = vectors @ vectors.T
        return products

    def without(self, rows: npt.NDArray[np.bool_]) -> SentenceVectors:
        """The vectors less the sentences marked in ``rows`` (a knowledge base less a file)."""
        return SentenceVectors(self.codes[~rows], self.scales[~rows], self.model)


def _load(path: Path, count: int, dimension: int) -> Halves | None:
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        logger.warning("sentence vectors %s ignored: %s", path, exc)
        return None
    if array.dtype != np.float16 or array.shape != (count, dimension):
        logger.warning("sentence vectors %s ignored: shape %s", path, array.shape)
        return None
    loaded: Halves = array
    return loaded


def _save(path: Path, vectors: Halves) -> None:
    """Write atomically (a reader never sees half a file); a failure only costs a re-embed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(prefix=".vectors-", suffix=".partial", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            np.save(out, vectors, allow_pickle=False)
        os.replace(scratch, path)
    except OSError as exc:
        logger.warning("sentence vectors not written to %s: %s", path, exc)


def _stored(
    document: Document, model: str, dimension: int, store: Path | None
) -> tuple[list[str], Path | None, Halves | None]:
    """A document's texts to embed, where their vectors are kept, and those vectors if stored."""
    texts = document_texts(document)
    path = store / f"{_digest(model, texts)}.npy" if store is not None else None
    part = _load(path, len(texts), dimension) if path is not None and path.is_file() else None
    return texts, path, part


def cached_vectors(
    base: KnowledgeBase, model: str, dimension: int, store: Path
) -> SentenceVectors | None:
    """The vectors of ``base`` if every document's are stored already, else ``None``."""
    codes, scales = _room(base, dimension)
    row = 0
    for document in base.documents:
        _, _, part = _stored(document, model, dimension, store)
        if part is None:
            return None
        _quantise_into(part, codes, scales, row)
        row += len(part)
    return SentenceVectors(codes, scales, model)


def _room(base: KnowledgeBase, dimension: int) -> tuple[Codes, Floats32]:
    """Codes and scales for every sentence of ``base``, to fill one document at a time.

    Each document's vectors are quantised into place as they are read or made: a large base
    never holds all of them in float16 or float32, nor its codes twice (the parts and their
    concatenation, which would leave the freed parts' pages resident in the heap).
    """
    count = base.sentence_count
    return np.empty((count, dimension), dtype=np.uint8), np.empty(count, dtype=np.float32)


def build_vectors(
    base: KnowledgeBase,
    encoder: Encoder,
    store: Path | None = None,
    progress: Progress | None = None,
) -> SentenceVectors:
    """Vectors for every sentence of ``base``, embedding only documents not in ``store``.

    ``progress(done, total)`` counts the sentences embedded so far out of those to embed.
    """
    model, dimension = encoder.identity, encoder.dimension
    codes, scales = _room(base, dimension)
    missing: list[tuple[int, list[str], Path | None]] = []
    row = 0
    for document in base.documents:
        texts, path, part = _stored(document, model, dimension, store)
        if part is None:
            missing.append((row, texts, path))
        else:
            _quantise_into(part, codes, scales, row)
        row += len(texts)
    total = sum(len(texts) for _, texts, _ in missing)
    done = 0
    for row, texts, path in missing:
        offset = done

        def step(count: int, _: int, offset: int = offset) -> None:
            if progress is not None:
                progress(offset + count, total)

        vectors = encoder.encode(texts, progress=step).astype(np.float16)
        done += len(texts)
        _quantise_into(vectors, codes, scales, row)  # float16, as read back from the store
        if path is not None:
            _save(path, vectors)
    return SentenceVectors(codes, scales, model)


@dataclass(frozen=True, slots=True)
class Reading:
    """A question as the model read it: every sentence's cosine with it, and its words."""

    cosines: Floats32
    tokens: TokenStates


@dataclass(frozen=True, slots=True)
class Meaning:
    """Sentence vectors with the encoder that made them, which also reads the questions."""

    vectors: SentenceVectors
    encoder: Encoder

    def cosines(self, question: str) -> Floats32:
        """Cosine of every sentence with the question."""
        return self.read(question).cosines

    def read(self, question: str) -> Reading:
        """The question's cosines with every sentence, and its words' states (one model run)."""
        tokens = self.encoder.encode_tokens(question)
        return Reading(self.vectors.cosines(tokens.vector), tokens)

    def tokens(self, text: str) -> TokenStates:
        """The word pieces' states of an embedded text (``embedded_text``), for alignment."""
        return self.encoder.encode_tokens(text)

    def without(self, rows: npt.NDArray[np.bool_]) -> Meaning:
        """The same, less the sentences marked in ``rows``."""
        return Meaning(self.vectors.without(rows), self.encoder)
