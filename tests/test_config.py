import pytest

from bot.config import Settings, SettingsError, load_settings
from bot.core import AnswerOptions
from bot.core.catalogue import MINILM, MPNET
from bot.model_install import default_model_root


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    names = ("TELEGRAM_BOT_TOKEN", "ADMIN_USER_IDS", "KNOWLEDGE_DIR", "LOG_LEVEL", "MODEL")
    for name in (*names, "MODEL_DIR", "MIN_MEANING", "MIN_CONFIDENCE", "SURE_CONFIDENCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_reads_dotenv_and_keeps_the_token_secret(tmp_path):
    (tmp_path / ".env").write_text(
        "TELEGRAM_BOT_TOKEN=123:abc\nADMIN_USER_IDS=1, 2,3\nKNOWLEDGE_DIR=kb\n", encoding="utf-8"
    )
    settings = load_settings()
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "123:abc"
    assert "123:abc" not in repr(settings)
    assert settings.admin_user_ids == frozenset({1, 2, 3})
    assert str(settings.knowledge_dir) == "kb"


def test_environment_beats_dotenv(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("LOG_LEVEL=debug\n", encoding="utf-8")
    assert load_settings().log_level == "DEBUG"
    monkeypatch.setenv("LOG_LEVEL", "warning")
    assert load_settings().log_level == "WARNING"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_USER_IDS", "12,abc"),
        ("LOG_LEVEL", "loud"),
        ("ANSWER_COUNT", "0"),
        ("MODEL", "all-mpnet-base"),
        ("MIN_MEANING", "high"),
    ],
)
def test_malformed_settings_name_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=f"^{name}:"):
        load_settings()


def test_the_engine_follows_settings(tmp_path):
    settings = Settings(
        _env_file=None,
        knowledge_dir=tmp_path,
        answer_count=5,
        min_coverage=0.4,
        min_paragraph_coverage=0.6,
    )  # type: ignore[call-arg]
    engine = settings.engine()
    options = engine.options
    assert (options.answer_count, options.min_coverage, options.min_paragraph_coverage) == (
        5,
        0.4,
        0.6,
    )
    assert (engine.knowledge_dir, engine.cache_dir) == (tmp_path, tmp_path / ".index-cache")


def test_the_model_is_a_known_one_installed_in_the_user_cache_and_checked(monkeypatch):
    engine = load_settings().engine()
    assert (engine.model_dir, engine.known_model) == (
        default_model_root() / MINILM.name,
        MINILM.name,
    )
    monkeypatch.setenv("MODEL", "ALL-MPNET-BASE-V2")  # as people type it
    settings = load_settings()
    assert settings.model == MPNET.name
    engine = settings.engine()
    assert (engine.model_dir, engine.known_model) == (
        default_model_root() / MPNET.name,
        MPNET.name,
    )
    assert engine.options == AnswerOptions.for_model(MPNET.name, answer_count=3)


def test_a_model_directory_of_one_s_own_is_not_checked_but_takes_model_s_settings(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("MODEL_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("MODEL", MPNET.name)
    engine = load_settings().engine()
    assert (engine.model_dir, engine.known_model) == (tmp_path / "mine", None)
    assert engine.options.min_meaning == AnswerOptions.for_model(MPNET.name).min_meaning


def test_min_meaning_is_the_model_s_own_unless_set(monkeypatch):
    monkeypatch.setenv("MIN_MEANING", "")
    assert load_settings().engine().options.min_meaning == AnswerOptions().min_meaning
    monkeypatch.setenv("MIN_MEANING", "0.9")
    monkeypatch.setenv("MODEL", MPNET.name)
    assert load_settings().engine().options.min_meaning == 0.9


def test_words_alone_load_no_model(monkeypatch):
    monkeypatch.setenv("SEMANTIC", "false")
    engine = load_settings().engine()
    assert (engine.model_dir, engine.known_model) == (None, None)


def test_no_index_cache_means_an_engine_without_one(tmp_path):
    settings = Settings(_env_file=None, knowledge_dir=tmp_path, index_cache=False)  # type: ignore[call-arg]
    assert settings.engine().cache_dir is None


def test_the_state_store_lives_beside_the_index_cache_unless_told(tmp_path):
    from bot.config import Settings

    base = {"_env_file": None, "knowledge_dir": tmp_path / "kb"}
    assert Settings(**base).state_store() == tmp_path / "kb" / ".index-cache" / "state.sqlite3"
    cache = Settings(**base, cache_dir=tmp_path / "cache")
    assert cache.state_store() == tmp_path / "cache" / "state.sqlite3"
    chosen = Settings(**base, state_db=tmp_path / "elsewhere.db")
    assert chosen.state_store() == tmp_path / "elsewhere.db"
    assert Settings(**base, state_db="").state_store() == Settings(**base).state_store()
    assert Settings(**base).question_log_days == 90
    assert Settings(**base).log_user_hash is False


def test_eval_caches_in_the_user_cache_one_folder_a_knowledge_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    for name in ("one", "two"):
        (tmp_path / name / "kb").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "one" / "kb")

    def folder(knowledge, **more):
        return Settings(_env_file=None, knowledge_dir=knowledge, **more).eval_cache_dir()  # type: ignore[call-arg]

    first = folder(tmp_path / "one" / "kb")
    assert first is not None
    assert first.parent == tmp_path / "xdg" / "briefing-bot" / "eval"
    assert first.name.startswith("kb-")  # people can tell which folder is which
    monkeypatch.chdir(tmp_path / "one")
    assert folder("kb") == folder(tmp_path / "link") == first  # however it is spelled
    assert folder(tmp_path / "two" / "kb") != first  # the same name elsewhere is another
    assert folder(tmp_path / "one" / "kb", cache_dir=tmp_path / "bot-cache") == first
    assert folder(tmp_path / "one" / "kb", index_cache=False) is None


def test_only_the_most_recently_used_eval_caches_are_kept(tmp_path):
    import os

    from bot.config import eval_cache_name, keep_recent_eval_caches

    root = tmp_path / "eval"
    folders = [root / eval_cache_name(tmp_path / f"kb{n}") for n in range(5)]
    for age, old in enumerate(folders):
        (old / "vectors").mkdir(parents=True)
        os.utime(old, (1_000_000 - age, 1_000_000 - age))  # kb0 the newest, kb4 the oldest
    foreign = root / "notes"
    foreign.mkdir()
    os.utime(foreign, (1, 1))
    current = root / eval_cache_name(tmp_path / "kb4")  # the oldest, used again now
    keep_recent_eval_caches(current, keep=3)
    assert sorted(p.name for p in root.iterdir()) == sorted(
        [folders[0].name, folders[1].name, current.name, "notes"]
    )


def test_confidence_thresholds_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("MIN_CONFIDENCE", "")
    options = load_settings().engine().options
    assert options.min_confidence == AnswerOptions().min_confidence
    assert options.words_min_confidence == AnswerOptions().words_min_confidence
    assert options.sure_confidence == AnswerOptions().sure_confidence
    monkeypatch.setenv("MIN_CONFIDENCE", "0.2")
    monkeypatch.setenv("SURE_CONFIDENCE", "0.7")
    options = load_settings().engine().options
    assert (options.min_confidence, options.sure_confidence) == (0.2, 0.7)
    assert options.words_min_confidence == 0.2  # the owner's floor is every quote's


def test_each_model_answers_with_its_own_calibration():
    minilm = AnswerOptions.for_model(MINILM.name).meaning_calibration
    mpnet = AnswerOptions.for_model(MPNET.name).meaning_calibration
    assert minilm == AnswerOptions().meaning_calibration
    assert minilm != mpnet
