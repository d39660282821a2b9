"""At LOG_LEVEL=DEBUG the log holds no token, nothing a runner typed and no symptom answers."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import text

from bot.__main__ import main
from bot.app import BotApplication
from bot.config import Settings
from bot.content.loader import Knowledge
from bot.localapi import LocalBotApi, create_app
from bot.log_setup import LEVEL_FLOORS, UPDATE_LOG, apply_level_floors, log_salt, make_handler
from bot.telegram_html import parse_html
from tests.conftest import TEST_TOKEN, FakeClock
from tests.e2e.conftest import start_app, stop_app

SHOE_NAME = "Zephyr Secretsole 42"
"""What the runner types; a unique string, so finding it anywhere in the log is a leak."""
RUNNER = 7_000_000_042


@contextmanager
def debug_log(settings: Settings, log_format: str) -> Iterator[io.StringIO]:
    """Capture every record at DEBUG through the handler production installs."""
    production = settings.model_copy(update={"log_level": "DEBUG", "log_format": log_format})
    stream = io.StringIO()
    handler = make_handler(production, stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(production.log_level)
    apply_level_floors()
    UPDATE_LOG.salt = log_salt(production)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for name in LEVEL_FLOORS:
            logging.getLogger(name).setLevel(logging.NOTSET)


async def reacts(api: LocalBotApi, action: Callable[[], object]) -> None:
    """Do `action` as the runner, then wait until the bot's messages in the chat change."""

    def shown() -> list[tuple[int, str]]:
        return [(m.message_id, m.text) for m in api.bot_messages(RUNNER)]

    before = shown()
    action()
    async with asyncio.timeout(10):
        await api.wait_until(lambda: shown() != before and not api.unanswered_callback_queries)


async def refuse_new_shoes(app: BotApplication) -> None:
    """Make every insert into `shoes` fail, as a broken database would."""
    async with app.bot_data.db_engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            await connection.execute(
                text(
                    "CREATE TRIGGER refuse_shoes BEFORE INSERT ON shoes"
                    " BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
                )
            )
        else:  # PostgreSQL's message quotes the refused row: the leak this test looks for
            await connection.execute(
                text("ALTER TABLE shoes ADD CONSTRAINT refuse_shoes CHECK (false) NOT VALID")
            )


async def accept_new_shoes(app: BotApplication) -> None:
    """Undo `refuse_new_shoes` (the PostgreSQL schema is shared by the run)."""
    async with app.bot_data.db_engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            await connection.execute(text("DROP TRIGGER IF EXISTS refuse_shoes"))
        else:
            await connection.execute(
                text("ALTER TABLE shoes DROP CONSTRAINT IF EXISTS refuse_shoes")
            )


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_a_database_error_and_a_triage_leave_nothing_typed_in_the_log(
    settings: Settings, knowledge: Knowledge, api: LocalBotApi, clock: FakeClock, log_format: str
) -> None:
    api.user(RUNNER, first_name="Ana", language_code="en")
    with debug_log(settings, log_format) as log:
        app = await start_app(settings, knowledge, api, clock)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        try:
            # A triage: the answers pressed are symptoms, and so are the texts shown.
            await reacts(api, lambda: api.send_text(RUNNER, "/triage"))
            pressed: list[tuple[str, str]] = []
            for answer in (":none", ":", ":"):  # no emergency sign, then the first answers
                message = api.last_bot_message(RUNNER)
                label, data = next(b for b in api.buttons(message) if answer in b[1])
                pressed.append((label, data))
                await reacts(api, partial(api.press, RUNNER, message.message_id, data))
            shown = api.last_bot_message(RUNNER).text
            # A shoe name typed while the database refuses it.
            await reacts(api, lambda: api.send_text(RUNNER, "/gear"))
            message = api.last_bot_message(RUNNER)
            add = next(data for label, data in api.buttons(message) if label.startswith("➕"))
            await reacts(api, lambda: api.press(RUNNER, message.message_id, add))
            await refuse_new_shoes(app)
            await reacts(api, lambda: api.send_text(RUNNER, SHOE_NAME))
            apology = api.last_bot_message(RUNNER).text
        finally:
            await app.updater.stop()
            await app.stop()
            await accept_new_shoes(app)
            await stop_app(app)
    logged = log.getvalue()

    for secret in (TEST_TOKEN, TEST_TOKEN.partition(":")[2], SHOE_NAME, "Secretsole"):
        assert secret not in logged
    for label, data in pressed:
        assert label not in logged
        assert data not in logged
    assert shown.splitlines()[0] not in logged
    assert str(RUNNER) not in logged
    assert apology == parse_html(knowledge.catalog.texts("en")("error.generic")).text
    if log_format == "text":
        assert "ERROR   bot.errors: database error while processing an update: " in logged
        assert "handled as command:/triage in" in logged  # one line per update
        assert "handled as text in" in logged
        return
    entries = [json.loads(line) for line in logged.splitlines()]  # one object per line
    assert any(
        e["level"] == "ERROR" and e["message"].startswith("database error while processing")
        for e in entries
    )
    updates = [e for e in entries if e["logger"] == "bot.updates"]
    assert [(e["handler"], e["outcome"]) for e in updates] == [
        ("command:/triage", "ok"),
        ("button:t1", "ok"),
        ("button:t1", "ok"),
        ("button:t1", "ok"),
        ("command:/gear", "ok"),
        ("button:g1", "ok"),
        ("text", "error"),
    ]
    assert len({e["runner"] for e in updates}) == 1
    assert all(e["duration_ms"] >= 0 for e in updates)


@contextmanager
def local_api_over_http(api: LocalBotApi) -> Iterator[str]:
    """Serve the local Bot API over HTTP on a loopback port, from a thread of its own."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(create_app(api))
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.run_until_complete(runner.cleanup())
        loop.close()


@contextmanager
def logging_restored() -> Iterator[None]:
    """Put back the root logger as it was after `python -m bot` has configured it."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name in LEVEL_FLOORS:
            logging.getLogger(name).setLevel(logging.NOTSET)


def test_a_rejected_token_is_one_line_without_the_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wrong = "999999:WRONG-secret-token"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["bot"])
    for name, value in {
        "TELEGRAM_BOT_TOKEN": wrong,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "LOG_LEVEL": "DEBUG",
    }.items():
        monkeypatch.setenv(name, value)
    with local_api_over_http(LocalBotApi(token=TEST_TOKEN)) as server:
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", f"{server}/bot")
        monkeypatch.setenv("TELEGRAM_API_BASE_FILE_URL", f"{server}/file/bot")
        with logging_restored():
            assert main() == 2
    err = capsys.readouterr().err
    assert "WRONG-secret-token" not in err
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if "reject" in line.lower()] == [
        "error: Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather."
    ]
