"""What each sentence model costs: embedding, int8 cosines, answer latency, memory, restart.

    python -m benchmarks.meaning [--models NAME|DIR ...] [--sizes N ...] [--embed N]
                                 [--restart N ...]

Every model named (by default both known ones, all-MiniLM-L6-v2 and all-mpnet-base-v2) is
measured in turn in the same process, on the same corpora and questions, and the last lines
give each model's figures as ratios to the first's.

Embedding every sentence of a large corpus takes minutes (100 to 200 sentences a second on two
cores), so the rate is measured on ``--embed`` real sentences. The corpora are copies of the
SQuAD articles (``benchmarks.corpus``), so the answer latency at each size is measured over the
real vectors of the articles' sentences (embedded once and kept under the work folder), each
copy of an article given its original's: the copies' titles differ by a number, which moves a
vector very little. Real vectors matter here: whether abstention needs one more run of the
model (``ranking.alignment``) depends on how close the best sentence is, and random vectors
would make nearly every question need it. The answerer, BM25 ratios
and agreement are in ``benchmarks.run``; this prints the model's part beside the same answerer
by words alone, in the same process. The real vectors also measure what holding them as int8
(``bot.core.search.vectors``) does to the cosines of real questions.

Memory: the vectors as the answerer holds them (int8 codes and one scale a sentence), and the
RSS the model adds, once loaded and once it has embedded.

Restart: a new process (spawned, so its memory is its own) loads the model, the cached index
and the stored vectors and answers one question; it is timed, and its RSS growth compared with
a process that restarts from the same cache by words alone. Where the model embeds the corpus
in under ``REAL_SECONDS`` (at its measured rate) the stored vectors are real (embedded once,
kept under the work folder). Past that, embedding would take many minutes for nothing a
restart measures: a restart's cost is reading and holding the
vectors, not making them. So the large corpus's vectors are stored by ``SyntheticEncoder``,
which has the real model's ``identity`` and ``dimension`` but returns random unit vectors at
once: the same files, of the same sizes, under the same names, which the restarted process
loads with the real model (in a cache folder of their own, never mixed with real ones).

Speeds vary with whatever else the machine runs; memory figures do not.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from benchmarks.corpus import Corpus, make_corpus
from benchmarks.measure import peak_rss_mb, reset_peak_rss, rss_mb, time_each
from benchmarks.run import SQUAD, build, engine, questions
from bot.core import KNOWN_MODELS, EngineConfig, KnowledgeBase, SentenceEncoder, build_answerer
from bot.core.analysis.encoder import TokenStates
from bot.core.ingest.loading import load_knowledge
from bot.core.search.vectors import (
    Meaning,
    Progress,
    SentenceVectors,
    build_vectors,
    document_texts,
)
from bot.model_install import default_model_dir

SIZES = (10_000, 100_000)
# Restart with real stored vectors where embedding them takes at most this long (once);
# synthetic ones past it (see the module doc).
REAL_SECONDS = 120
MB = 2**20
Floats32 = npt.NDArray[np.float32]


class SyntheticEncoder:
    """The real encoder's identity and dimension, and random unit vectors made at once.

    Only for storing the vectors a restart reads (see the module doc); a question is still read
    by the real model.
    """

    def __init__(self, real: SentenceEncoder, seed: int = 11) -> None:
        self.identity = real.identity
        self.dimension = real.dimension
        self._real = real
        self._rng = np.random.default_rng(seed)

    def encode(self, texts: Sequence[str], *, progress: Progress | None = None) -> Floats32:
        """One random unit vector a text."""
        vectors = self._rng.standard_normal((len(texts), self.dimension)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        if progress is not None:
            progress(len(texts), len(texts))
        return vectors

    def encode_tokens(self, text: str) -> TokenStates:
        """The real model's reading (a restart never calls it here)."""
        return self._real.encode_tokens(text)


def article_vectors(encoder: SentenceEncoder, source: Path, work: Path) -> dict[str, Floats32]:
    """The real vectors of every sentence of each article in ``source``, by file stem.

    Embedded once (about a minute) and kept under ``work``, named by the model's identity.
    """
    base = load_knowledge(source, max_bytes=50_000_000)
    path = work / f"article-vectors-{encoder.identity[:16]}.npz"
    if path.is_file():
        with np.load(path) as kept:
            return {name: kept[name] for name in kept.files}
    vectors = {
        Path(d.path).stem: encoder.encode(document_texts(d)).astype(np.float32)
        for d in base.documents
    }
    work.mkdir(parents=True, exist_ok=True)
    np.savez(path, **vectors)  # type: ignore[arg-type]
    return vectors


def corpus_vectors(base: KnowledgeBase, articles: dict[str, Floats32]) -> Floats32:
    """Each document of a corpus of copies ("Super_Bowl_50_v3") with its article's vectors."""
    parts = [articles[Path(d.path).stem.rsplit("_v", 1)[0]] for d in base.documents]
    return np.concatenate(parts).astype(np.float16).astype(np.float32)


def held_mb(vectors: SentenceVectors) -> float:
    """What the answerer holds for the vectors: the int8 codes and the scales."""
    return (vectors.codes.nbytes + vectors.scales.nbytes) / MB


def int8_error(encoder: SentenceEncoder, real: Floats32, asked: list[str]) -> str:
    """How far the int8 cosines of real questions are from float32 and float16 ones."""
    stored = real.astype(np.float16)
    vectors = SentenceVectors.from_floats(stored, encoder.identity)
    queries = encoder.encode(asked)
    exact = real @ queries.T
    halves = stored.astype(np.float32) @ queries.T
    int8 = np.stack([vectors.cosines(query) for query in queries], axis=1)
    same = np.mean(np.argmax(int8, axis=0) == np.argmax(exact, axis=0))
    return (
        f"int8 cosines of {len(asked)} real questions with {len(real):,} real sentences: at"
        f" most {np.abs(int8 - exact).max():.4f} from float32 (mean"
        f" {np.abs(int8 - exact).mean():.5f}; float16 as on disk: at most"
        f" {np.abs(halves - exact).max():.4f}); same nearest sentence for {same:.1%}"
    )


@dataclass(frozen=True)
class Restart:
    """One restart in a new process: seconds to the first answer, RSS added, what it holds."""

    seconds: float
    peak_mb: float  # peak RSS over the process's RSS once the engine is imported
    after_mb: float  # the same, after the first answer
    semantic: bool
    vectors_mb: float


def restart(config: EngineConfig, model: Path | None, question: str) -> Restart:
    """In a new process: load the model (if any), the index and vectors cached, answer once."""
    gc.collect()
    before = rss_mb()
    reset_peak_rss()
    started = time.perf_counter()
    encoder = SentenceEncoder(model) if model is not None else None
    answerer = build_answerer(config, encoder, vectors="cached")
    answerer.ask(question)
    seconds = time.perf_counter() - started
    vectors = held_mb(answerer.meaning.vectors) if answerer.meaning is not None else 0.0
    return Restart(seconds, peak_rss_mb() - before, rss_mb() - before, answerer.semantic, vectors)


def restarted(config: EngineConfig, model: Path | None, question: str) -> Restart:
    """``restart`` in a freshly spawned process."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(restart, config, model, question).result()


def stored(
    corpus: Corpus, encoder: SentenceEncoder, rate: float, work: Path
) -> tuple[EngineConfig, str]:
    """A config whose cache holds the corpus's index and vectors, and what the vectors are."""
    if corpus.sentences / rate <= REAL_SECONDS:
        config = engine(corpus.directory, work / "meaning-cache")
        build_answerer(config, encoder)  # embeds what is not stored yet
        return config, "real"
    config = engine(corpus.directory, work / "meaning-synthetic-cache")
    base = build_answerer(config).base  # and the index, cached for the restart
    build_vectors(base, SyntheticEncoder(encoder), config.vector_dir)
    return config, "synthetic"


@dataclass(frozen=True)
class Figures:
    """What one model measured, for the ratios between models."""

    rate: float  # sentences embedded a second
    p50_ms: dict[int, float]  # answer p50 by corpus size
    p99_ms: dict[int, float]
    added_mb: dict[int, float]  # RSS the model and vectors add at restart, by size


def model_directory(name: str) -> Path:
    """A known model by name (where it is installed), else a directory of one's own."""
    return default_model_dir(name) if name in KNOWN_MODELS else Path(name)


def measure(
    name: str, args: argparse.Namespace, work: Path, asked: list[str], sample: list[str]
) -> Figures:
    """Print one model's figures at each size (``sample`` timing the embedding), return them."""
    model = model_directory(name)
    gc.collect()
    before = rss_mb()
    reset_peak_rss()
    started = time.perf_counter()
    encoder = SentenceEncoder(model)
    loaded = time.perf_counter() - started
    model_mb, model_peak = rss_mb() - before, peak_rss_mb() - before
    started = time.perf_counter()
    real = encoder.encode(sample)
    rate = len(sample) / (time.perf_counter() - started)
    print(
        f"[{model.name}] loaded in {loaded:.2f} s: RSS +{model_mb:.0f} MB (peak"
        f" +{model_peak:.0f} MB); after embedding {len(sample):,} sentences"
        f" +{rss_mb() - before:.0f} MB (peak +{peak_rss_mb() - before:.0f} MB); embedding"
        f" {rate:.1f} sentences/s",
        flush=True,
    )
    print(f"[{model.name}] {int8_error(encoder, real, asked[:200])}", flush=True)
    articles = article_vectors(encoder, args.squad / "knowledge", work)
    figures = Figures(rate, {}, {}, {})
    for size in args.sizes:
        corpus = make_corpus(args.squad / "knowledge", size, work)
        answerer, _, _ = build(corpus)
        count = answerer.base.sentence_count
        matrix = corpus_vectors(answerer.base, articles)
        vectors = SentenceVectors.from_floats(matrix, encoder.identity)
        semantic = answerer.with_meaning(Meaning(vectors, encoder))
        for question in asked[:20]:
            semantic.ask(question)
            answerer.ask(question)
        words = time_each(answerer.ask, asked)
        meaning = time_each(semantic.ask, asked)
        figures.p50_ms[size], figures.p99_ms[size] = meaning.p50_ms, meaning.p99_ms
        print(
            f"[{model.name}] {count:,} sentences: vectors held in {held_mb(vectors):.1f} MB"
            f" (int8 and a scale a sentence; float32 would be"
            f" {count * encoder.dimension * 4 / MB:.0f} MB); embedding all"
            f" {count / rate / 60:.1f} min, once; answer p50 {meaning.p50_ms:.2f} ms, p99"
            f" {meaning.p99_ms:.2f} ms with the model ({meaning.p50_ms / words.p50_ms:.0f}x the"
            f" {words.p50_ms:.2f} ms by words alone)",
            flush=True,
        )
        del answerer, semantic, vectors
    for size in args.restart:
        corpus = make_corpus(args.squad / "knowledge", size, work)
        config, kind = stored(corpus, encoder, rate, work)
        alone = restarted(config, None, asked[0])
        both = restarted(config, model, asked[0])
        figures.added_mb[size] = both.after_mb - alone.after_mb
        print(
            f"[{model.name}] restart at {corpus.sentences:,} sentences, {kind} stored vectors:"
            f" model, index, vectors and the first answer in {both.seconds:.2f} s (semantic:"
            f" {both.semantic}; by words alone {alone.seconds:.2f} s); RSS +{both.after_mb:.0f}"
            f" MB after the answer, peak +{both.peak_mb:.0f} MB (words alone"
            f" +{alone.after_mb:.0f}, peak +{alone.peak_mb:.0f}): the model and vectors add"
            f" {figures.added_mb[size]:.0f} MB, of which the vectors {both.vectors_mb:.1f} MB",
            flush=True,
        )
    del encoder
    return figures


def ratios(names: list[str], figures: list[Figures]) -> None:
    """Each model's figures over the first model's, measured in this same process."""
    first = figures[0]
    for name, other in zip(names[1:], figures[1:], strict=True):
        parts = [f"embedding rate {other.rate / first.rate:.2f}x"]
        parts += [
            f"p50 at {size:,} {other.p50_ms[size] / first.p50_ms[size]:.1f}x, p99"
            f" {other.p99_ms[size] / first.p99_ms[size]:.1f}x"
            for size in other.p50_ms
        ]
        parts += [
            f"memory added at {size:,} {other.added_mb[size] / max(first.added_mb[size], 1):.1f}x"
            for size in other.added_mb
        ]
        print(f"{Path(name).name} against {Path(names[0]).name}: " + "; ".join(parts))


def main(argv: list[str] | None = None) -> int:
    """Print each model's figures at each size, then their ratios."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.meaning", description=__doc__)
    parser.add_argument(
        "--models",
        nargs="+",
        default=list(KNOWN_MODELS),
        metavar="NAME|DIR",
        help="known models by name, or model directories (default: every known model)",
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--embed", type=int, default=2000, help="real sentences to embed")
    parser.add_argument("--restart", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--squad", type=Path, default=SQUAD)
    args = parser.parse_args(argv)
    work = Path(tempfile.gettempdir()) / "briefing-bot-bench"
    asked = questions(args.squad)
    source = load_knowledge(args.squad / "knowledge", max_bytes=50_000_000)
    sample = [t for d in source.documents for t in document_texts(d)][: args.embed]
    figures = [measure(name, args, work, asked, sample) for name in args.models]
    ratios(args.models, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
