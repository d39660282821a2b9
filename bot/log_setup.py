"""Logging: readable or JSON lines, never the bot token, typed text or symptoms.

This module owns the root handler, its redaction filter, the levels of the libraries that log
request URLs (with the token in them), request and update bodies, or SQL rows, and the one
line written per handled update.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Awaitable, Iterable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

from telegram import TelegramObject, Update
from telegram.error import InvalidToken

from bot import metrics
from bot.config import Settings
from bot.content.keys import COMMANDS

TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

LEVEL_FLOORS = {
    # PTB logs every Bot API request's parameters and every answer (runners' messages with
    # what they typed) at DEBUG, and a webhook's payloads too.
    "telegram": logging.INFO,
    # Request lines carry the URL, and the URL carries the token.
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiohttp": logging.WARNING,
    # SQLAlchemy follows the root level: at INFO every statement, at DEBUG every result row.
    "sqlalchemy": logging.WARNING,
    # aiosqlite logs each call with its parameters at DEBUG.
    "aiosqlite": logging.WARNING,
    "asyncpg": logging.WARNING,
    "apscheduler": logging.WARNING,
    "asyncio": logging.WARNING,
}
"""The lowest level each library logs at, whatever LOG_LEVEL says."""

TOKEN_IN_URL = re.compile(r"bot\d+:[A-Za-z0-9_-]+")
"""A bot token inside a Bot API URL (`.../bot123456:AAF.../getMe`)."""

REDACTED = "[redacted]"


class RedactSecrets(logging.Filter):
    """Take the bot token out of a record's message, arguments and traceback.

    A Telegram object among the arguments (an `Update` holds what the runner typed) is
    summarised to its type and id first.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """Return `text` without the secrets or anything shaped like a token in a URL."""
        text = TOKEN_IN_URL.sub(f"bot{REDACTED}", text)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite `record` in place, so handlers after this one see it clean; keep it.

        The one record dropped is PTB's traceback of a rejected token: `python -m bot` says
        that in one line, and the traceback would add only the token.
        """
        if record.exc_info and isinstance(record.exc_info[1], InvalidToken):
            return False
        if isinstance(record.args, tuple):
            record.args = tuple(_summary(arg) for arg in record.args)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that don't fit the format: keep both
            message = f"{record.msg} {record.args}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def _summary(arg: object) -> object:
    if isinstance(arg, Update):
        return f"Update(update_id={arg.update_id})"
    if isinstance(arg, TelegramObject):
        return type(arg).__name__
    return arg


_STANDARD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, extra fields, traceback."""

    # The standard library's json is all this needs; a logging dependency would add more
    # configuration than these lines.
    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line of JSON."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((k, v) for k, v in vars(record).items() if k not in _STANDARD_FIELDS)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def secrets_of(settings: Settings) -> list[str]:
    """Return what must never be logged: the token, and its secret half on its own."""
    if settings.telegram_bot_token is None:
        return []
    token = settings.telegram_bot_token.get_secret_value()
    secret_half = token.partition(":")[2]
    # A real token's secret half is 35 characters; a few letters would blank out common words.
    return [token, secret_half] if len(secret_half) >= 8 else [token]


def log_salt(settings: Settings) -> bytes:
    """Return the salt for hashed runner ids: LOG_SALT, else a hash of the token."""
    if settings.log_salt is not None:
        return settings.log_salt.get_secret_value().encode()
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    return hashlib.sha256(token.encode()).digest()


def make_handler(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """Return the root handler the settings ask for, with the redaction filter on it."""
    handler = logging.StreamHandler(stream)
    json_lines = settings.log_format == "json"
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RedactSecrets(secrets_of(settings)))
    return handler


def setup_logging(settings: Settings) -> None:
    """Configure the root logger: the chosen format, redaction, and the libraries' floors."""
    logging.basicConfig(level=settings.log_level, handlers=[make_handler(settings)], force=True)
    apply_level_floors()
    UPDATE_LOG.salt = log_salt(settings)


def apply_level_floors() -> None:
    """Keep each library in `LEVEL_FLOORS` at or above its floor and the root's level."""
    root = logging.getLogger().level
    for name, floor in LEVEL_FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, root))


class UpdateLog:
    """Records each handled update: its log line and its count and latency in `bot.metrics`.

    The line holds the runner (hashed), the handler (`route_of`), the duration and the outcome;
    the metrics use the same handler name, so a log line and a metric label always agree.
    """

    def __init__(self) -> None:
        # Until `setup_logging` sets the deployment's salt, ids are stable for this process only.
        self.salt = os.urandom(16)
        self.log = logging.getLogger("bot.updates")
        self._failed: ContextVar[list[bool] | None] = ContextVar("update_failed", default=None)

    def runner_id(self, user_id: int) -> str:
        """Return the runner's id hashed with this deployment's salt (12 hex digits)."""
        return hashlib.sha256(self.salt + str(user_id).encode()).hexdigest()[:12]

    def mark_failed(self) -> None:
        """Note that the update being handled (the current context) ended in an error."""
        failed = self._failed.get()
        if failed is not None:
            failed[0] = True

    async def timed(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await the handling of `update`, then log its line."""
        failed = [False]
        reset = self._failed.set(failed)
        started = time.perf_counter()
        try:
            await coroutine
        except BaseException:
            failed[0] = True
            raise
        finally:
            self._failed.reset(reset)
            self._write(update, time.perf_counter() - started, failed=failed[0])

    def _write(self, update: object, duration_s: float, *, failed: bool) -> None:
        if not isinstance(update, Update):
            return
        user = update.effective_user
        runner = self.runner_id(user.id) if user else None
        route = route_of(update)
        metrics.update_handled(route, duration_s)
        duration_ms = round(duration_s * 1000, 1)
        outcome = "error" if failed else "ok"
        self.log.info(
            "update %s by %s handled as %s in %.1f ms: %s",
            update.update_id,
            runner,
            route,
            duration_ms,
            outcome,
            extra={
                "update_id": update.update_id,
                "runner": runner,
                "handler": route,
                "duration_ms": duration_ms,
                "outcome": outcome,
            },
        )


UPDATE_LOG = UpdateLog()
"""The process's update log; `setup_logging` gives it the deployment's salt."""

KNOWN_COMMANDS = frozenset(COMMANDS)


def route_of(update: Update) -> str:
    """Name the handler an update goes to, without anything typed.

    A known command, a button family (its data's prefix, as `bot.ui.callback_data` writes
    it), text, or other.
    """
    if update.callback_query is not None:
        prefix = (update.callback_query.data or "").partition(":")[0]
        return f"button:{prefix}" if re.fullmatch(r"[a-z]\d", prefix) else "button"
    message = update.message
    if message is None or not message.text:
        return "other"
    if not message.text.startswith("/"):
        return "text"
    name = message.text.split()[0][1:].partition("@")[0]
    return f"command:/{name}" if name in KNOWN_COMMANDS else "command:unknown"
