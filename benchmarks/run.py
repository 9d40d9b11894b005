"""Speed of briefing-bot at 10,000, 100,000 and 1,000,000 sentences, in one process.

    python -m benchmarks.run [--quick] [--squad DIR] [--work DIR]

For each size: index build time (load + split + tokenise + index) and peak RSS; question
latency p50 / p99 and questions per second, single thread, for the project's answerer (ranking,
abstention and citation included), for exhaustive rank-bm25 ``get_scores`` and for bm25s on the
same terms, as ratios to the project; and agreement with exhaustive scoring that has the same
features (top answer, and top ten up to ties). ``--quick`` runs only the 10,000 size (CI's
smoke test). Then, at 100,000 sentences, the on-disk index cache (restart time), questions
answered while /reload rebuilds the index, and a burst through the whole bot.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.burst import CHATS, burst
from benchmarks.corpus import MAX_BYTES, Corpus, make_corpus
from benchmarks.measure import Latency, peak_rss_mb, reset_peak_rss, time_each
from benchmarks.reload import reload_under_load
from bot.core import (
    Answerer,
    EngineConfig,
    ExhaustiveAnswerer,
    build_answerer,
    build_in_process,
    same_first,
    same_up_to_ties,
    settle,
)

REPO = Path(__file__).resolve().parent.parent
SQUAD = REPO / "tests" / "fixtures" / "squad-dev"
SIZES = (10_000, 100_000, 1_000_000)
# Exhaustive scoring costs seconds a question at 100,000 sentences: it runs on a sample.
EXHAUSTIVE_SAMPLE = {10_000: 913, 100_000: 100, 1_000_000: 0}


def questions(squad: Path) -> list[str]:
    """The SQuAD questions, in file order."""
    lines = (squad / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["q"] for line in lines if line.strip()]


def sample(items: list[str], count: int) -> list[str]:
    """``count`` items spread evenly over ``items``."""
    if count >= len(items):
        return items
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def engine(directory: Path, cache_dir: Path | None = None) -> EngineConfig:
    """The engine the benchmark measures: default options, the corpus's size limit."""
    return EngineConfig(knowledge_dir=directory, max_file_bytes=MAX_BYTES, cache_dir=cache_dir)


def build(corpus: Corpus) -> tuple[Answerer, float, float]:
    """Build the answerer from files (no cache); return it, seconds taken and peak RSS."""
    gc.collect()
    reset_peak_rss()
    started = time.perf_counter()
    answerer = build_answerer(engine(corpus.directory))
    return answerer, time.perf_counter() - started, peak_rss_mb()


def agreement(answerer: Answerer, asked: list[str]) -> tuple[float, float, float, float]:
    """Top-1 and top-10 agreement with exhaustive rank-bm25 scoring, and latencies.

    Returns the two shares, then rank-bm25's p50 and the project's on the same questions (ms).
    """
    from benchmarks.baselines import rank_bm25_top

    reference = ExhaustiveAnswerer(answerer)
    top1 = top10 = 0
    for question in asked:
        fast = [(m.text, m.score) for m in answerer.ask(question, answer_count=10).matches]
        slow = [(m.text, m.score) for m in reference.ask(question, answer_count=10).matches]
        top1 += same_first(fast, slow)
        top10 += same_up_to_ties(fast, slow)
    terms = [answerer.read(q).terms for q in asked]
    plain = time_each(
        lambda i: rank_bm25_top(reference, terms[int(i)]), map(str, range(len(asked)))
    )
    project = time_each(answerer.ask, asked)
    return top1 / len(asked), top10 / len(asked), plain.p50_ms, project.p50_ms


def bm25s_latency(answerer: Answerer, asked: list[str]) -> Latency:
    """bm25s retrieval latency on the project's terms."""
    from benchmarks.baselines import Bm25s

    retriever = Bm25s(answerer)
    terms = [answerer.read(q).terms for q in asked]
    return time_each(lambda i: retriever.top(terms[int(i)]), map(str, range(len(asked))))


def run_size(corpus: Corpus, asked: list[str], exhaustive: int) -> dict[str, float]:
    """Every figure for one corpus size."""
    answerer, seconds, rss = build(corpus)
    for question in asked[:20]:  # warm caches (stems, spelling) as a running bot would be
        answerer.ask(question)
    project = time_each(answerer.ask, asked)
    row = {
        "sentences": corpus.sentences,
        "build_s": seconds,
        "rss_mb": rss,
        "p50_ms": project.p50_ms,
        "p99_ms": project.p99_ms,
        "qps": project.qps,
    }
    fast = bm25s_latency(answerer, asked)
    row["bm25s_p50_ms"] = fast.p50_ms
    if exhaustive:
        top1, top10, plain, same = agreement(answerer, sample(asked, exhaustive))
        row.update(top1=top1, top10=top10, rank_bm25_p50_ms=plain, sample=exhaustive)
        row["sample_p50_ms"] = same
    del answerer
    gc.collect()
    return row


def print_table(rows: list[dict[str, float]]) -> None:
    """The figures, one line per size."""
    print(
        f"{'sentences':>10} {'build s':>8} {'peak MB':>8} {'p50 ms':>7} {'p99 ms':>7}"
        f" {'QPS':>7} {'rank-bm25 p50':>16} {'bm25s p50':>14} {'top-1':>6} {'top-10':>7} {'n':>4}"
    )
    for r in rows:
        plain = (
            f"{r['rank_bm25_p50_ms']:7.1f} ({r['rank_bm25_p50_ms'] / r['sample_p50_ms']:5.0f}x)"
            if "rank_bm25_p50_ms" in r
            else "-"
        )
        agree = (
            f"{r['top1']:6.1%} {r['top10']:7.1%} {int(r['sample']):4d}"
            if "top1" in r
            else "     -       -    -"
        )
        print(
            f"{int(r['sentences']):>10,} {r['build_s']:8.1f} {r['rss_mb']:8.0f} {r['p50_ms']:7.2f}"
            f" {r['p99_ms']:7.2f} {r['qps']:7.0f} {plain:>16}"
            f" {r['bm25s_p50_ms']:6.2f} ({r['bm25s_p50_ms'] / r['p50_ms']:4.1f}x) {agree}"
        )
    print(
        "ratios: the baseline's p50 over the project's on the same questions (above 1x: the"
        " project is faster); rank-bm25 and agreement on the n sampled questions"
    )


def restart_and_reload(corpus: Corpus, asked: list[str], work: Path) -> None:
    """Index cache (restart), answers during a reload, in this process."""
    cache_dir = work / f"cache-{corpus.directory.name}"
    shutil.rmtree(cache_dir, ignore_errors=True)
    started = time.perf_counter()
    build_answerer(engine(corpus.directory, cache_dir))
    cold = time.perf_counter() - started
    started = time.perf_counter()
    answerer = build_answerer(engine(corpus.directory, cache_dir))
    answerer.ask(asked[0])
    warm = time.perf_counter() - started
    settle()  # as the bot does once an index is in service
    print(
        f"index cache at {corpus.sentences:,} sentences: build and save {cold:.1f} s;"
        f" load and first answer {warm:.2f} s"
    )

    async def in_thread(directory: Path) -> object:
        return await asyncio.to_thread(build_answerer, engine(directory))

    async def in_process(directory: Path) -> object:
        scratch = work / "reload-cache"
        shutil.rmtree(scratch, ignore_errors=True)  # a full rebuild, as after a changed file
        new = await asyncio.to_thread(build_in_process, engine(directory, scratch))
        settle()
        return new

    for name, rebuild in (("thread (before)", in_thread), ("process (the bot's)", in_process)):
        latency, seconds = reload_under_load(answerer, corpus.directory, asked, rebuild)
        print(
            f"reload in a {name}: {seconds:.1f} s; {len(latency.seconds)} questions answered"
            f" meanwhile, delay p50 {latency.p50_ms:.1f} ms, p99 {latency.p99_ms:.1f} ms,"
            f" max {max(latency.seconds) * 1000:.1f} ms"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="only the 10,000-sentence size")
    parser.add_argument(
        "--squad", type=Path, default=SQUAD, help="SQuAD dir: knowledge/ and questions.jsonl"
    )
    parser.add_argument("--work", type=Path, default=None, help="where corpora are written (kept)")
    parser.add_argument("--sizes", type=int, nargs="*", default=None, help="sentence counts")
    args = parser.parse_args(argv)
    sizes = args.sizes or (SIZES[:1] if args.quick else SIZES)
    work = args.work or Path(tempfile.gettempdir()) / "briefing-bot-bench"
    asked = questions(args.squad)
    rows = []
    for size in sizes:
        corpus = make_corpus(args.squad / "knowledge", size, work)
        print(f"corpus: {corpus.describe(args.squad / 'knowledge')}", flush=True)
        rows.append(
            run_size(corpus, asked, EXHAUSTIVE_SAMPLE.get(size, 0 if size > 100_000 else 100))
        )
        print_table(rows[-1:])
    print(f"\nquestions: {len(asked)} SQuAD questions ({args.squad / 'questions.jsonl'})\n")
    print_table(rows)
    extra = make_corpus(args.squad / "knowledge", 10_000 if args.quick else 100_000, work)
    print(f"\nrestart, reload and the whole bot on {extra.describe(args.squad / 'knowledge')}")
    restart_and_reload(extra, asked, work)
    result = burst(
        extra.directory, work / "bot-cache", asked, work, chats=20 if args.quick else CHATS
    )
    print(result.summary())
    return 0 if result.replied == result.questions and not result.duplicated else 1


if __name__ == "__main__":
    raise SystemExit(main())
