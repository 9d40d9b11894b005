import io
import json
import subprocess
import sys

import pytest

from bot import cli
from bot.cli import format_answer, main, quoted
from bot.core import Answer, AnswerOptions, Match
from bot.core.search import cache
from testkit.fake_encoder import FakeEncoder
from tests.conftest import DEV_QUESTIONS, FIXTURES, REPO_KNOWLEDGE

KB = ["--knowledge", str(REPO_KNOWLEDGE)]


@pytest.fixture(autouse=True)
def _no_dotenv(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env of the developer's leaks into the tests
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))  # never into the repository
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # nor the developer's cache
    monkeypatch.setenv("SEMANTIC", "false")  # words alone, unless a test asks for the model


def test_ask_loads_the_index_cache_instead_of_rebuilding(capsys, monkeypatch, tmp_path):
    assert main(["ask", *KB, "when is Kalbajar handed over?"]) == 0
    first = capsys.readouterr().out
    assert (tmp_path / "cache" / cache.FILE_NAME).is_file()
    monkeypatch.setattr(cache, "build_arrays", lambda base: pytest.fail("rebuilt"))
    assert main(["ask", *KB, "when is Kalbajar handed over?"]) == 0
    assert capsys.readouterr().out == first


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Plain words.", "\u201cPlain words.\u201d"),
        (
            "\u201cThe presence is temporary,\u201d he said.",
            "\u201cThe presence is temporary,\u201d he said.",
        ),
        ('He said: "go"', 'He said: "go"'),
    ],
)
def test_a_sentence_with_its_own_quotation_marks_is_not_quoted_again(text, shown):
    assert quoted(text) == shown


def test_ask_prints_the_quote_and_its_citation(capsys):
    assert main(["ask", *KB, "when is Kalbajar handed over?"]) == 0
    out = capsys.readouterr().out
    assert "handover was delayed until November 25" in out
    assert "Return of territory" in out
    assert "The Moscow Times, 18 Nov 2025 \u00b7 https://www.themoscowtimes.com/2025/11/18/" in out


def test_ask_json_one_line_per_question_from_stdin(capsys):
    stdin = io.StringIO("when is Kalbajar handed over?\n\nthanks!\n")
    assert main(["ask", *KB, "--json", "--top", "2"], stdin=stdin) == 0
    lines = capsys.readouterr().out.splitlines()
    first, second = (json.loads(line) for line in lines)
    assert first["question"] == "when is Kalbajar handed over?"
    assert 1 <= len(first["answers"]) <= 2
    assert {"text", "score", "title", "section", "source", "file"} <= first["answers"][0].keys()
    assert first["answers"][0]["published"] == "2025-11-18"  # ISO, from the source link
    assert first["answers"][0]["also_in"] == 0
    assert 0.5 < first["confidence"] <= 1.0
    assert not first["doubtful"]
    assert first["signals"]["coverage"] == 1.0  # what the probability was worked out from
    assert first["fact"] == "November 25"  # the date asked for, as the sentence writes it
    assert second == {
        "question": "thanks!",
        "answers": [],
        "fact": None,
        "confidence": None,
        "doubtful": False,
        "signals": None,
        "nearest": [],
    }


def _match(text: str, **fields: object) -> Match:
    values = {"score": 1.0, "title": "Ferries", "section": None, "publisher": None}
    values |= {"source": None, "file": "f.md", "position": 4, "paragraph": 1, "line": 1}
    return Match(text=text, **(values | fields))


def test_no_answer_lists_the_nearest_sections():
    nearest = (_match("Boats run.", section="Timetable"), _match("Fares rose.", position=9))
    text = format_answer(Answer(question="q", nearest=nearest))
    assert text.splitlines() == [
        "No answer: the knowledge base does not say.",
        "Nearest sections:",
        "  - Ferries \u203a Timetable (f.md, sentence 4)",
        "  - Ferries (f.md, sentence 9)",
    ]


def test_an_answer_says_how_sure_it_is_and_a_doubtful_one_says_so():
    sure = Answer(question="q", matches=(_match("Boats run."),), confidence=0.91)
    assert format_answer(sure).startswith("[answer, probability right 0.91]\n\u201cBoats run.")
    doubtful = sure.model_copy(update={"confidence": 0.3, "doubtful": True})
    assert format_answer(doubtful).startswith(
        "[the closest the knowledge comes, probability right 0.30]"
    )
    dated = sure.model_copy(update={"fact": "May 4"})
    assert format_answer(dated).startswith("[answer, probability right 0.91]\nMay 4\n\u201cBoats")
    doubted = doubtful.model_copy(update={"fact": "May 4"})
    assert "May 4" not in format_answer(doubted)  # a doubtful quote's fact is not led with


def test_a_relative_day_is_read_beside_the_quote_not_in_it():
    reading = "Thursday: 5 Mar 2026, going by the briefing of 10 Mar 2026"
    text = format_answer(
        Answer(question="q", matches=(_match("Talks resumed on Thursday.", reading=reading),))
    )
    assert f"\u201cTalks resumed on Thursday.\u201d\n  ({reading})\n" in text


def test_a_repeated_sentence_is_cited_once_from_the_newest_briefing(capsys):
    dated = ["--knowledge", str(FIXTURES / "dated-briefings" / "knowledge")]
    assert main(["ask", *dated, "--top", "3", "What is the winter timetable of the ferry?"]) == 0
    out = capsys.readouterr().out
    assert out.count("runs twice a day") == 1
    assert (
        "  \u2014 Port Elling morning briefing, Thursday \u203a Transport\n"
        "    Elling Daily Brief, 20 Nov 2025 \u00b7 https://example.org/briefings/2025/11/20/"
        "port-elling-morning-briefing\n"
        "    Also in 3 earlier briefings\n"
        "    (2025-11-20-elling-briefing.md, sentence 3,"
    ) in out


def test_each_quoted_argument_is_a_question(capsys):
    args = ["ask", *KB, "--json", "when is Kalbajar handed over?", "How do I cook rice?"]
    assert main(args) == 0
    asked = [json.loads(line)["question"] for line in capsys.readouterr().out.splitlines()]
    assert asked == ["when is Kalbajar handed over?", "How do I cook rice?"]


def test_unquoted_words_are_one_question(capsys):
    assert main(["ask", *KB, "when", "is", "Kalbajar", "handed", "over?"]) == 0
    out = capsys.readouterr().out
    assert "handover was delayed until November 25" in out
    assert "Q:" not in out  # one question: no need to say which


def test_no_answer_is_said_plainly(capsys):
    assert main(["ask", *KB, "How do I cook rice?"]) == 0
    assert "No answer" in capsys.readouterr().out


def test_check_reports_counts_and_problems(capsys, write, tmp_path):
    assert main(["check", *KB]) == 0
    assert "1 document, 23 sentences, 0 problems" in capsys.readouterr().out
    write("good.md", "Fine text.\n")
    write("bad.txt", "caf\u00e9 au lait\n".encode("latin-1"))  # a UTF-16 BOM would be read
    assert main(["check", "--knowledge", str(tmp_path / "kb")]) == 1
    out = capsys.readouterr().out
    assert "problem: bad.txt:1: not UTF-8" in out
    assert "good.md" in out


def test_check_counts_one_of_each_in_the_singular(capsys, write, tmp_path):
    write("good.md", "# Good\n\nFine text.\n")
    write("bad.txt", b"\x00\x01 binary")
    assert main(["check", "--knowledge", str(tmp_path / "kb")]) == 1
    out = capsys.readouterr().out
    assert "good.md: 'Good': 1 sentence; sections: (none)" in out
    assert "1 document, 1 sentence, 1 problem\n" in out


def test_eval_of_a_set_with_no_answerable_question_claims_no_precision(capsys, tmp_path):
    questions = tmp_path / "refuse.jsonl"
    questions.write_text('{"q": "How do I cook rice?", "accept": []}\n', encoding="utf-8")
    assert main(["eval", str(questions), *KB]) == 0
    out = capsys.readouterr().out
    assert "questions: 1 (0 answerable)" in out
    assert "P@1: - (no answerable question)\n" in out
    assert "MRR@10: - (no answerable question)\n" in out
    assert "1.000" not in out
    assert "abstention right (no answer to an unanswerable question): 1" in out


def test_eval_prints_figures_and_failures(capsys):
    assert main(["eval", str(DEV_QUESTIONS), *KB]) == 0
    out = capsys.readouterr().out
    assert "P@1:" in out
    assert "MRR@10:" in out
    assert "abstention right" in out


def test_eval_reports_with_the_model_and_by_words_alone(capsys, monkeypatch):
    monkeypatch.setenv("SEMANTIC", "true")
    monkeypatch.setattr(cli, "load_encoder", lambda config: FakeEncoder())
    assert main(["eval", str(DEV_QUESTIONS), *KB]) == 0
    out = capsys.readouterr().out
    with_model, words = out.split("== by words alone")
    assert with_model.startswith("== with the sentence model all-MiniLM-L6-v2\n")
    assert with_model.count("P@1:") == words.count("P@1:") == 1
    assert "\n- " not in words  # failures are listed once, for the first run


def test_eval_and_ask_take_the_model_by_name_with_its_settings(capsys, monkeypatch):
    monkeypatch.setenv("SEMANTIC", "true")
    configs = []

    def load(config):
        configs.append(config)
        return FakeEncoder()

    monkeypatch.setattr(cli, "load_encoder", load)
    assert main(["eval", str(DEV_QUESTIONS), *KB, "--model", "all-mpnet-base-v2"]) == 0
    assert capsys.readouterr().out.startswith("== with the sentence model all-mpnet-base-v2\n")
    assert main(["ask", *KB, "--model", "all-mpnet-base-v2", "when is Kalbajar handed over?"]) == 0
    assert [(c.known_model, c.model_dir.name) for c in configs] == [
        ("all-mpnet-base-v2", "all-mpnet-base-v2")
    ] * 2
    assert configs[0].options == AnswerOptions.for_model("all-mpnet-base-v2")
    assert configs[0].options != AnswerOptions()


def test_ask_says_how_embedding_progresses(capsys, monkeypatch):
    monkeypatch.setenv("SEMANTIC", "true")
    monkeypatch.setenv("MIN_MEANING", "0.5")  # the default is for the real model's cosines
    monkeypatch.setattr(cli, "load_encoder", lambda config: FakeEncoder())
    assert main(["ask", *KB, "when is Kalbajar handed over?"]) == 0
    captured = capsys.readouterr()
    assert "embedding sentences:" in captured.err
    assert "November 25" in captured.out


def _two_briefings(write, tmp_path):
    """Two one-fact briefings in ``tmp_path / "kb"``, and a question set naming their files."""
    filler = "Cats sleep a lot. Rivers flow to seas. Snow fell early.\n\n"  # IDF needs a corpus
    write("ferries.md", f"# Ferries\n\n{filler}The ferry to Oslo leaves at noon.\n")
    write("bread.md", f"# Bread\n\n{filler}Rye bread is baked at dawn.\n")
    questions = tmp_path / "q.jsonl"
    lines = [
        {"q": "When does the Oslo ferry leave?", "answers": ["noon"], "file": "ferries.md"},
        {"q": "When is rye bread baked?", "answers": ["dawn"], "file": "bread.md"},
    ]
    questions.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    return questions


def test_eval_held_out_asks_each_question_without_its_file(capsys, write, tmp_path):
    questions = _two_briefings(write, tmp_path)
    argv = ["eval", str(questions), "--knowledge", str(tmp_path / "kb")]
    assert main(argv) == 0
    assert "P@1: 1.000" in capsys.readouterr().out  # each file answers its own question
    assert main([*argv, "--held-out"]) == 0
    out = capsys.readouterr().out
    assert "questions: 2, each asked without its own file" in out
    assert "answered anyway (each a wrong answer): 0 (0.000)" in out


def _files(directory):
    """Every file and folder under ``directory``, hidden ones too, with its size and time."""
    return {
        str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in directory.rglob("*")
    }


def test_eval_caches_in_the_user_cache_and_never_writes_to_read_only_knowledge(
    capsys, monkeypatch, tmp_path
):
    import shutil
    import stat

    knowledge = tmp_path / "kb"
    shutil.copytree(REPO_KNOWLEDGE, knowledge)
    before = _files(knowledge)
    modes = {p: p.stat().st_mode for p in [knowledge, *knowledge.rglob("*")]}
    for path in modes:  # chmod -R a-w
        path.chmod(modes[path] & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    monkeypatch.setenv("SEMANTIC", "true")
    encoders: list[FakeEncoder] = []

    def fresh_encoder(config):
        encoders.append(FakeEncoder())
        return encoders[-1]

    monkeypatch.setattr(cli, "load_encoder", fresh_encoder)
    argv = ["eval", str(DEV_QUESTIONS), "--knowledge", str(knowledge)]
    try:
        assert main(argv) == 0
        first = capsys.readouterr().out
        folders = list((tmp_path / "xdg" / "briefing-bot" / "eval").iterdir())
        assert [(f / cache.FILE_NAME).is_file() for f in folders] == [True]
        assert any((folders[0] / "vectors").iterdir())
        assert encoders[0].encoded  # the first run embeds every sentence

        monkeypatch.setattr(cache, "build_arrays", lambda base: pytest.fail("rebuilt"))
        assert main(argv) == 0
        assert capsys.readouterr().out == first
        assert encoders[1].encoded == []  # the second only asks: no sentence embedded again
        assert _files(knowledge) == before  # nothing written inside the knowledge
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def test_eval_cache_option_and_a_code_change_rebuilds(capsys, monkeypatch, tmp_path, write):
    questions = _two_briefings(write, tmp_path)
    chosen = tmp_path / "chosen"
    argv = ["eval", str(questions), "--knowledge", str(tmp_path / "kb"), "--cache", str(chosen)]
    assert main(argv) == 0
    assert (chosen / cache.FILE_NAME).is_file()
    assert not (tmp_path / "xdg").exists()  # --cache instead of the user's cache
    assert "P@1: 1.000" in capsys.readouterr().out

    builds = []
    original = cache.build_arrays

    def counted_build(base):
        builds.append(base)
        return original(base)

    monkeypatch.setattr(cache, "build_arrays", counted_build)
    assert main([*argv, "--held-out"]) == 0  # held out from the cached index
    assert "answered anyway (each a wrong answer): 0 (0.000)" in capsys.readouterr().out
    assert builds == []
    monkeypatch.setattr(cache, "code_version", lambda: "the engine as edited since")
    assert main(argv) == 0  # the code as it is now is measured, not the cached index
    assert len(builds) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", "--knowledge", "/nonexistent/dir", "q"], "not a directory"),
        (["check", "--knowledge", "/nonexistent/dir"], "not a directory"),
        (["ask", *KB, "   "], "empty"),
        (["ask", *KB, "--top", "0", "q"], "--top"),
        (["eval", "/nonexistent.jsonl", *KB], "cannot read"),
        (["eval", str(DEV_QUESTIONS), *KB, "--held-out"], 'no "file"'),
    ],
)
def test_errors_are_one_line_without_traceback(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_ask_with_nothing_on_stdin_is_an_error(capsys):
    assert main(["ask", *KB], stdin=io.StringIO("")) == 2
    assert "no question" in capsys.readouterr().err


def test_bad_knowledge_file_is_named(capsys, write, tmp_path):
    write("bad.md", "---\ntitle: [\n---\nx\n")
    assert main(["ask", "--knowledge", str(tmp_path / "kb"), "q"]) == 2
    assert "bad.md:" in capsys.readouterr().err


def _logged(path, clock=None):
    """A state store at ``path`` holding a few questions, as the bot logs them."""
    from bot.store import Citation, QuestionEntry, open_store

    cited = Citation(file="nk.md", position=7, text="Kalbajar is handed over later.", score=9.0)
    with open_store(path) as store:
        kalbajar = store.log_question(
            QuestionEntry(
                chat_type="private",
                text="when is Kalbajar handed over?",
                group_key="hand kalbajar",
                citation=cited,
                latency_ms=3.0,
            )
        )
        lachin = store.log_question(
            QuestionEntry(
                chat_type="group",
                text="who guards Lachin?",
                group_key="guard lachin",
                citation=cited,
                latency_ms=5.0,
            )
        )
        for text in ("what is the currency?", "What is the currency"):
            store.log_question(
                QuestionEntry(chat_type="private", text=text, group_key="currenc", latency_ms=1.0)
            )
        store.vote(kalbajar, "voter-a", 1)
        store.vote(lachin, "voter-a", -1)


def test_report_prints_stats_unanswered_and_feedback(capsys, tmp_path):
    db = tmp_path / "state.sqlite3"
    _logged(db)
    assert main(["report", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "all: 4 questions, 50% answered, 1 up, 1 down" in out
    assert "- 2 times: What is the currency" in out
    assert "- who guards Lachin?\n  quoted (nk.md, sentence 7)" in out


def test_report_json_and_export_for_eval(capsys, tmp_path):
    from bot.core import read_cases

    db = tmp_path / "state.sqlite3"
    _logged(db)
    assert main(["report", "--db", str(db), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [g["count"] for g in report["unanswered"]] == [2]
    assert report["stats"][0]["questions"] == 4
    exported = tmp_path / "mine.jsonl"
    assert main(["report", "--db", str(db), "--export", str(exported)]) == 0
    cases = {c.q: c for c in read_cases(exported)}  # what eval reads
    assert cases["when is Kalbajar handed over?"].accept == ["Kalbajar is handed over later."]
    lines = [json.loads(line) for line in exported.read_text().splitlines()]
    down = next(c for c in lines if c["q"] == "who guards Lachin?")
    assert down["accept"] == []  # a sentence voted down is never accepted
    assert down["voted_down"] == "Kalbajar is handed over later."
    assert "todo" in down
    assert len([c for c in lines if "currency" in c["q"].lower()]) == 1  # one a question
    assert all("todo" in c for c in lines if "currency" in c["q"].lower())


def test_report_reads_the_store_of_the_knowledge_directory_given(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("CACHE_DIR")  # the default place: the knowledge's hidden cache folder
    knowledge = tmp_path / "kb"
    _logged(knowledge / ".index-cache" / "state.sqlite3")
    assert main(["report", "--knowledge", str(knowledge)]) == 0
    assert "all: 4 questions, 50% answered, 1 up, 1 down" in capsys.readouterr().out
    assert main(["report", "--knowledge", str(tmp_path / "elsewhere")]) == 2
    assert str(tmp_path / "elsewhere" / ".index-cache" / "state.sqlite3") in (
        capsys.readouterr().err
    )


def test_report_export_of_one_question_says_so_in_the_singular(capsys, tmp_path):
    from bot.store import QuestionEntry, open_store

    db = tmp_path / "state.sqlite3"
    with open_store(db) as store:
        store.log_question(
            QuestionEntry(
                chat_type="private", text="who guards Lachin?", group_key="guard", latency_ms=1.0
            )
        )
    exported = tmp_path / "mine.jsonl"
    assert main(["report", "--db", str(db), "--export", str(exported)]) == 0
    assert capsys.readouterr().out == f"wrote 1 question to {exported}\n"


def test_report_without_a_store_is_one_clear_line(capsys, tmp_path):
    assert main(["report", "--db", str(tmp_path / "none.sqlite3")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no state store at")
    assert len(err.splitlines()) == 1


def test_report_on_a_damaged_store_names_it_and_keeps_it(capsys, tmp_path):
    db = tmp_path / "state.sqlite3"
    db.write_bytes(b"this is not a database, just some bytes" * 100)
    assert main(["report", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert str(db) in err
    assert len(err.splitlines()) == 1
    assert db.read_bytes().startswith(b"this is not a database")


def test_check_verify_compares_the_bm25_stage_with_rank_bm25(capsys, tmp_path):
    assert main(["check", *KB, "--verify"]) == 0
    out = capsys.readouterr().out
    assert "1 document, 23 sentences, 0 problems" in out
    assert "verify: the BM25 stage (the ranking by words)" in out
    assert "index: built from the files (no fresh cache)" in out
    assert f"question log: none at {tmp_path / 'cache' / 'state.sqlite3'}" in out
    assert "questions checked: 200 (0 from the question log, 200 made" in out
    assert "top-1 agreement: 200 of 200 (100.0%)" in out
    assert "top-10 agreement: 200 of 200 (100.0%)" in out
    assert "\ntime: " in out
    assert "SEMANTIC is on" not in out
    assert out.rstrip().endswith("exact: the served index ranks every question as rank-bm25 does")


def test_check_verify_takes_a_sample_size_and_a_seed(capsys):
    assert main(["check", *KB, "--verify", "--sample", "7"]) == 0
    first = capsys.readouterr().out
    assert "questions checked: 7 (0 from the question log, 7 made" in first
    assert "top-10 agreement: 7 of 7 (100.0%)" in first
    assert main(["check", *KB, "--verify", "--sample", "7", "--seed", "5"]) == 0
    assert "seed 5)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sample", "5"], "--sample and --seed go with --verify"),
        (["--verify", "--sample", "0"], "--sample must be at least 1"),
    ],
)
def test_check_verify_options_are_checked(capsys, argv, message):
    assert main(["check", *KB, *argv]) == 2
    assert message in capsys.readouterr().err


def test_check_verify_fails_and_names_the_questions_when_the_index_is_wrong(capsys, monkeypatch):
    real = cli.served_answerer

    def corrupted(config):
        answerer, path = real(config)
        answerer.index.arrays.windows.scores[:] *= 1.5  # every window score a little off
        return answerer, path

    monkeypatch.setattr(cli, "served_answerer", corrupted)
    assert main(["check", *KB, "--verify", "--sample", "20"]) == 1
    out = capsys.readouterr().out
    assert "top-1 agreement: 0 of 20 (0.0%)" in out
    assert "disagreements: 20 questions, the first 5:" in out
    assert out.count("\n    served index: \u201c") == 5
    assert out.count("\n    rank-bm25   : \u201c") == 5
    assert "NOT exact" in out
    assert main(["check", *KB, "--verify", "--sample", "1"]) == 1
    assert "disagreements: 1 question:\n" in capsys.readouterr().out


def test_check_verify_asks_the_logged_questions_too(capsys, monkeypatch, tmp_path):
    db = tmp_path / "state.sqlite3"
    _logged(db)
    monkeypatch.setenv("STATE_DB", str(db))
    assert main(["check", *KB, "--verify", "--sample", "10"]) == 0
    out = capsys.readouterr().out
    assert f"question log: 4 questions at {db}" in out
    # Kalbajar and Lachin: the currency questions use no word of the briefing, so rank nothing
    assert "questions checked: 10 (2 from the question log, 8 made" in out


def test_check_verify_counts_one_logged_question_in_the_singular(capsys, monkeypatch, tmp_path):
    from bot.store import QuestionEntry, open_store

    db = tmp_path / "state.sqlite3"
    with open_store(db) as store:
        store.log_question(
            QuestionEntry(
                chat_type="private", text="who guards Lachin?", group_key="guard", latency_ms=1.0
            )
        )
    monkeypatch.setenv("STATE_DB", str(db))
    assert main(["check", *KB, "--verify", "--sample", "2"]) == 0
    assert f"question log: 1 question at {db}\n" in capsys.readouterr().out


def test_check_verify_reads_a_fresh_index_cache(capsys, tmp_path):
    assert main(["ask", *KB, "when is Kalbajar handed over?"]) == 0  # writes the cache
    capsys.readouterr()
    assert main(["check", *KB, "--verify", "--sample", "5"]) == 0
    assert f"index: the index cache {tmp_path / 'cache' / cache.FILE_NAME}" in (
        capsys.readouterr().out
    )


def test_check_verify_writes_nothing_and_needs_no_model(capsys, monkeypatch, write, tmp_path):
    write("ports.md", "# Ports\n\nThe grain ship left Odesa in July. Snow fell early.\n")
    monkeypatch.delenv("CACHE_DIR")  # the default places: inside the knowledge directory
    monkeypatch.setenv("SEMANTIC", "true")
    monkeypatch.setattr(cli, "load_encoder", lambda config: pytest.fail("loaded the model"))
    before = sorted(tmp_path.rglob("*"))
    assert main(["check", "--knowledge", str(tmp_path / "kb"), "--verify"]) == 0
    out = capsys.readouterr().out
    assert "SEMANTIC is on" in out
    assert "exact:" in out
    assert sorted(tmp_path.rglob("*")) == before  # no index cache, no state store


def test_check_verify_is_not_run_on_knowledge_with_problems(capsys, write, tmp_path):
    write("good.md", "Fine text.\n")
    write("bad.txt", b"\xff\xfe")
    assert main(["check", "--knowledge", str(tmp_path / "kb"), "--verify"]) == 1
    assert "verify: not run, the knowledge has problems" in capsys.readouterr().out


def test_add_saves_a_pdf_as_a_knowledge_file_and_ask_answers_from_it(capsys, tmp_path):
    import shutil

    from tests.conftest import HARBOUR, make_pdf

    knowledge = tmp_path / "kb"
    shutil.copytree(REPO_KNOWLEDGE, knowledge)
    pdf = tmp_path / "Harbour talks.pdf"
    pdf.write_bytes(make_pdf(HARBOUR, title="Harbour Talks Resume in Valdora"))
    assert main(["add", str(pdf), "--knowledge", str(knowledge)]) == 0
    out = capsys.readouterr().out
    assert "as " + str(knowledge / "harbour-talks-resume-in-valdora.md") in out
    assert (knowledge / ".originals" / "harbour-talks-resume-in-valdora.pdf").is_file()
    assert "2 documents" in out
    question = "how many lorries use the customs post?"
    assert main(["ask", "--knowledge", str(knowledge), question]) == 0
    assert "4,000 lorries" in capsys.readouterr().out


def test_add_to_an_empty_knowledge_directory_counts_one_document(capsys, tmp_path):
    knowledge = tmp_path / "kb"
    knowledge.mkdir()
    note = tmp_path / "note.md"
    note.write_text("---\ntitle: Ferry note\n---\n\nThe ferry leaves at noon.\n")
    assert main(["add", str(note), "--knowledge", str(knowledge)]) == 0
    out = capsys.readouterr().out
    assert out.endswith("\n1 document; reload the bot (/reload) to answer from it\n")


def test_add_where_replicas_share_the_store_s_knowledge_says_how_to_publish(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.setenv("STATE_DB", "postgresql://bot@db.example/briefings")
    knowledge = tmp_path / "kb"
    knowledge.mkdir()
    note = tmp_path / "note.md"
    note.write_text("---\ntitle: Ferry note\n---\n\nThe ferry leaves at noon.\n")
    assert main(["add", str(note), "--knowledge", str(knowledge)]) == 0
    assert capsys.readouterr().out.endswith(
        "the bot's replicas answer from the knowledge in STATE_DB: publish this folder with"
        f" python -m bot knowledge push {knowledge}\n"
    )


def test_add_refuses_what_it_cannot_read_and_leaves_nothing(capsys, tmp_path):
    import shutil

    knowledge = tmp_path / "kb"
    shutil.copytree(REPO_KNOWLEDGE, knowledge)
    before = sorted(p.name for p in knowledge.rglob("*"))
    picture = tmp_path / "scan.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    assert main(["add", str(picture), "--knowledge", str(knowledge)]) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert main(["add", "http://127.0.0.1:9/x.html", "--knowledge", str(knowledge)]) == 2
    assert "private or local address" in capsys.readouterr().err
    assert sorted(p.name for p in knowledge.rglob("*")) == before


def test_remove_moves_a_briefing_to_the_trash_and_keeps_the_last_one(capsys, tmp_path):
    import shutil

    knowledge = tmp_path / "kb"
    shutil.copytree(REPO_KNOWLEDGE, knowledge)
    (knowledge / "ferry.md").write_text("# Ferry\n\nThe ferry leaves at noon.\n")
    assert main(["remove", "ferry", "--knowledge", str(knowledge)]) == 2
    assert "Did you mean ferry.md?" in capsys.readouterr().err
    assert main(["remove", "ferry.md", "--knowledge", str(knowledge)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 briefing removed: ferry.md (1 sentence); kept in .trash/")
    assert "for 7 days\n1 document left;" in out
    assert not (knowledge / "ferry.md").exists()
    assert [p.name for p in (knowledge / ".trash").rglob("*.md")] == ["ferry.md"]
    # The knowledge without its last briefing would not load: nothing changes.
    assert main(["remove", "nagorno-karabakh.md", "--knowledge", str(knowledge)]) == 2
    assert "no knowledge files" in capsys.readouterr().err
    assert (knowledge / "nagorno-karabakh.md").is_file()


IMPOSSIBLE = "---\ntitle: Ferry\npublished: 2025-02-30\n---\nThe ferry leaves at noon.\n"
IMPOSSIBLE_LINE = (
    "ferry.md:3: front matter published: '2025-02-30' is not a day of the calendar"
    " (day is out of range for month): write it as YYYY-MM-DD, such as 2025-11-18"
)


@pytest.mark.parametrize(
    "command",
    [["ask", "when does the ferry leave?"], ["eval", str(DEV_QUESTIONS)], ["check"]],
)
def test_an_impossible_date_is_one_line_naming_file_field_and_form(
    capsys, write, tmp_path, command
):
    write("ferry.md", IMPOSSIBLE)
    status = main([*command, "--knowledge", str(tmp_path / "kb")])
    captured = capsys.readouterr()
    said = captured.err if command[0] != "check" else captured.out
    assert status == (1 if command[0] == "check" else 2)
    assert IMPOSSIBLE_LINE in said
    assert "Traceback" not in captured.err


def test_adding_a_file_with_an_impossible_date_says_why_and_keeps_nothing(capsys, write, tmp_path):
    kb = tmp_path / "kb"
    write("good.md", "The harbour opens at dawn.\n")
    source = tmp_path / "ferry.md"
    source.write_text(IMPOSSIBLE)
    assert main(["add", str(source), "--knowledge", str(kb)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {IMPOSSIBLE_LINE}\n"
    assert sorted(p.name for p in kb.iterdir()) == ["good.md"]


def test_run_with_an_impossible_date_fails_at_start_in_one_line(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "ferry.md").write_text(IMPOSSIBLE)
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO_KNOWLEDGE.parent),
        "KNOWLEDGE_DIR": str(kb),
        "TELEGRAM_BOT_TOKEN": "123456:fake-token-for-a-start-that-stops-before-telegram",
        "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",
        "XDG_CACHE_HOME": str(tmp_path / "xdg"),
        "SEMANTIC": "false",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert IMPOSSIBLE_LINE in done.stderr.strip().splitlines()[-1]


def test_latest_lists_the_newest_briefings_as_text_and_json(capsys):
    news = FIXTURES / "dated-news" / "knowledge"
    assert main(["latest", "--knowledge", str(news), "--count", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("1. Kestrel Bay briefing, Tuesday 10 March")
    assert lines[1].startswith("   sections: ")
    assert lines[2].startswith("2. Kestrel Bay briefing, Monday 9 March")
    assert lines[-1] == "(2 of 7; --count N shows more)"
    assert main(["latest", "--knowledge", str(news), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [i["published"] for i in found["items"]] == ["2026-03-10", "2026-03-09", "2026-03-06"]
    assert found["total"] == 7
