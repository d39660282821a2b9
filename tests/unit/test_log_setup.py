"""Log records: the token redacted everywhere, JSON lines, library floors, update routes."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from telegram import Update
from telegram.error import InvalidToken

from bot.config import Settings
from bot.localapi import LocalBotApi
from bot.log_setup import (
    LEVEL_FLOORS,
    UpdateLog,
    apply_level_floors,
    log_salt,
    make_handler,
    route_of,
)

TOKEN = "123456:AAFsecret-Token_part"


def settings(**values: object) -> Settings:
    return Settings(telegram_bot_token=TOKEN, _env_file=None, **values)  # type: ignore[call-arg]


def emit(handler: logging.Handler, record: logging.LogRecord) -> str:
    stream = io.StringIO()
    handler.setStream(stream)  # type: ignore[attr-defined]
    handler.handle(record)
    return stream.getvalue()


def record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("lib", logging.DEBUG, __file__, 1, msg, args, exc_info)


def test_the_token_is_redacted_from_message_arguments_and_traceback() -> None:
    handler = make_handler(settings())
    try:
        raise RuntimeError(f"The token `{TOKEN}` was refused")
    except RuntimeError as exc:
        error = exc
    line = emit(
        handler,
        record(
            "GET https://api.telegram.org/bot%s/getMe and %s and bot987:OTHER-token/x",
            TOKEN,
            TOKEN.partition(":")[2],
            exc=error,
        ),
    )
    assert "secret" not in line
    assert "OTHER-token" not in line
    assert "[redacted]" in line
    assert "RuntimeError" in line  # the traceback is kept, only cleaned


def test_arguments_that_do_not_fit_the_format_are_still_redacted() -> None:
    line = emit(make_handler(settings()), record("token %s %s", TOKEN))
    assert "[redacted]" in line
    assert "secret" not in line


def test_an_update_argument_is_summarised_to_its_id() -> None:
    api = LocalBotApi(token=TOKEN)
    update = Update.de_json(api.send_text(7, "my shoes are Secret Pegasus"), None)
    line = emit(make_handler(settings()), record("Error while handling %s", update))
    assert "Pegasus" not in line
    assert f"Update(update_id={update.update_id})" in line


def test_a_rejected_token_traceback_is_dropped() -> None:
    line = emit(
        make_handler(settings()),
        record("Invalid token.", exc=InvalidToken(f"The token `{TOKEN}` was rejected")),
    )
    assert line == ""


def test_json_lines_carry_the_fields_and_extras() -> None:
    entry = record("update %s handled", 5)
    entry.__dict__.update(runner="0123456789ab", duration_ms=1.5)
    line = emit(make_handler(settings(log_format="json")), entry)
    assert line.count("\n") == 1
    parsed = json.loads(line)
    assert parsed["level"] == "DEBUG"
    assert parsed["logger"] == "lib"
    assert parsed["message"] == "update 5 handled"
    assert parsed["runner"] == "0123456789ab"
    assert parsed["duration_ms"] == 1.5
    assert parsed["time"].endswith("+00:00")


@pytest.fixture
def root_at_debug() -> Iterator[None]:
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    yield
    root.setLevel(level)
    for name in LEVEL_FLOORS:
        logging.getLogger(name).setLevel(logging.NOTSET)


@pytest.mark.usefixtures("root_at_debug")
def test_leaky_libraries_stay_above_debug() -> None:
    apply_level_floors()
    assert not logging.getLogger("telegram.ext.ExtBot").isEnabledFor(logging.DEBUG)
    assert logging.getLogger("telegram.ext.Application").isEnabledFor(logging.INFO)
    for name in ("httpx", "aiohttp.client", "sqlalchemy.engine.Engine", "aiosqlite"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO)
    assert logging.getLogger("bot").isEnabledFor(logging.DEBUG)


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("/gear", "command:/gear"),
        ("/start triage", "command:/start"),
        ("/mysecretcommand", "command:unknown"),
        ("Secret Pegasus", "text"),
    ],
)
def test_routes_name_the_handler_without_typed_text(text: str, route: str) -> None:
    api = LocalBotApi(token=TOKEN)
    assert route_of(Update.de_json(api.send_text(7, text), None)) == route


def test_button_routes_name_only_the_family() -> None:
    api = LocalBotApi(token=TOKEN)
    message = api.send_text(7, "hello")["message"]
    message_id = message["message_id"]  # type: ignore[index]
    for data, route in (("g1:s:3", "button:g1"), ("my typed secret", "button")):
        press = api.press(7, message_id, data, check_button=False)
        assert route_of(Update.de_json(press, None)) == route


def test_runner_ids_are_salted_hashes() -> None:
    log = UpdateLog()
    log.salt = log_salt(settings())
    by_token = log.runner_id(7)
    assert re.fullmatch(r"[0-9a-f]{12}", by_token)
    assert log.runner_id(7) == by_token
    assert log.runner_id(8) != by_token
    log.salt = log_salt(settings(log_salt="deployment salt"))
    assert log.runner_id(7) != by_token
