"""What the sentence model costs: embedding speed, answer latency, memory, restart.

    python -m benchmarks.meaning [--model DIR] [--sizes N ...] [--embed N]

Embedding every sentence of a large corpus takes minutes (about 90 sentences a second on two
cores), so the rate is measured on ``--embed`` real sentences, and the answer latency at each
size is measured over vectors made of those real ones repeated and, past them, random unit
vectors: the cost of a question (encoding it, one matrix-vector product over every sentence,
fusing 60 candidates, abstaining) does not depend on what the vectors say. The answerer, BM25
ratios and agreement are in ``benchmarks.run``; this prints the model's part beside the same
answerer by words alone, in the same process.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.corpus import make_corpus
from benchmarks.measure import peak_rss_mb, time_each
from benchmarks.run import SQUAD, build, questions
from bot.core import EngineConfig, SentenceEncoder, build_answerer
from bot.core.search.vectors import Meaning, SentenceVectors, document_texts
from bot.model_install import default_model_dir

SIZES = (10_000, 100_000)


def embedding_rate(encoder: SentenceEncoder, texts: list[str]) -> float:
    """Sentences embedded per second (batches sorted by length, as the index does)."""
    started = time.perf_counter()
    encoder.encode(texts)
    return len(texts) / (time.perf_counter() - started)


def vectors_for(count: int, real: np.ndarray, seed: int = 7) -> np.ndarray:
    """``count`` unit vectors: the real ones first, then random ones (see the module doc)."""
    rng = np.random.default_rng(seed)
    extra = rng.standard_normal((max(0, count - len(real)), real.shape[1])).astype(np.float32)
    extra /= np.linalg.norm(extra, axis=1, keepdims=True)
    halves = np.concatenate([real[:count], extra]).astype(np.float16)  # as stored on disk
    return halves.astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    """Print the model's figures at each size."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.meaning", description=__doc__)
    parser.add_argument("--model", type=Path, default=default_model_dir(), help="model dir")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--embed", type=int, default=2000, help="real sentences to embed")
    parser.add_argument("--squad", type=Path, default=SQUAD)
    args = parser.parse_args(argv)
    work = Path(tempfile.gettempdir()) / "briefing-bot-bench"
    asked = questions(args.squad)
    before = peak_rss_mb()
    started = time.perf_counter()
    encoder = SentenceEncoder(args.model)
    loaded = time.perf_counter() - started
    print(f"model loaded in {loaded:.2f} s, peak RSS +{peak_rss_mb() - before:.0f} MB")
    for size in args.sizes:
        corpus = make_corpus(args.squad / "knowledge", size, work)
        answerer, _, _ = build(corpus)
        texts = [t for d in answerer.base.documents for t in document_texts(d)]
        sample = texts[: args.embed]
        rate = embedding_rate(encoder, sample)
        real = encoder.encode(sample)
        matrix = vectors_for(len(texts), real)
        vectors = SentenceVectors(matrix, encoder.identity)
        semantic = answerer.with_meaning(Meaning(vectors, encoder))
        for question in asked[:20]:
            semantic.ask(question)
            answerer.ask(question)
        words = time_each(answerer.ask, asked)
        meaning = time_each(semantic.ask, asked)
        minutes = len(texts) / rate / 60
        print(
            f"{corpus.sentences:,} sentences: embedding {rate:.0f} sentences/s"
            f" ({minutes:.1f} min for all, once); vectors {matrix.nbytes / 2**20:.0f} MB;"
            f" answer p50 {meaning.p50_ms:.2f} ms, p99 {meaning.p99_ms:.2f} ms with the model"
            f" ({meaning.p50_ms / words.p50_ms:.0f}x the {words.p50_ms:.2f} ms by words alone)",
            flush=True,
        )
    corpus = make_corpus(args.squad / "knowledge", 10_000, work)
    cache = work / "meaning-cache"
    config = EngineConfig(
        knowledge_dir=corpus.directory, max_file_bytes=50_000_000, cache_dir=cache
    )
    first = build_answerer(config, encoder)  # embeds what is not stored yet
    started = time.perf_counter()
    fresh = SentenceEncoder(args.model)
    restarted = build_answerer(config, fresh, vectors="cached")
    restarted.ask(asked[0])
    print(
        f"restart at {corpus.sentences:,} sentences with stored vectors: model, index, vectors"
        f" and the first answer in {time.perf_counter() - started:.2f} s"
        f" (semantic: {restarted.semantic}; {len(first.base.documents)} documents)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
