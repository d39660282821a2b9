"""Settings read from the environment and an optional `.env`; the only place that reads them."""

from __future__ import annotations

import ipaddress
import math
import os
import re
import zoneinfo
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.database_url import DatabaseTarget, DatabaseUrlError, parse_database_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout this package lives in; relative SQLite paths are taken from the working dir."""

# PTB 22 warns on every flood-control error unless the process opts in to durations as
# timedelta (its next major version's default). Nothing here reads them as ints, so opt in.
os.environ.setdefault("PTB_TIMEDELTA", "1")

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
"""What Telegram accepts as a webhook's secret_token."""


DISPATCH_SENDING_SHARE = 0.5
"""The share of DISPATCH_LEASE_SECONDS that sending one batch at DISPATCH_SEND_RATE may take;
the rest of the lease is kept for flood-control waits, the last answers and settling (see
`bot.scheduler.dispatcher`)."""


class SettingsError(Exception):
    """The settings are invalid; the message is one line fit to print at start-up."""


class Settings(BaseSettings):
    """Deployment settings. Environment variable names are a contract: see `.env.example`."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    telegram_bot_token: SecretStr | None = None
    """The token from @BotFather; without it the bot cannot reach Telegram."""
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    """Bot API base URL (PTB `base_url`); point it at a local Bot API server to test."""
    telegram_api_base_file_url: str = "https://api.telegram.org/file/bot"
    """Bot API file base URL (PTB `base_file_url`)."""
    database_url: str = "sqlite:///data/numbfeet.db"
    """`sqlite:///relative.db`, `sqlite:////abs/path.db` or `postgresql://user@host/db`, with
    libpq's sslmode, sslrootcert, sslcert, sslkey, connect_timeout, application_name, options
    (see `bot.database_url`)."""
    database_pool_size: int = Field(default=18, ge=1, le=100)
    """PostgreSQL connections kept open (SQLite always uses one, see `bot.db.engine`): one per
    update processed at once (CONCURRENT_UPDATES, 16) and two for the reminder dispatcher and
    /healthz. Fewer, and every busy moment opens and closes connections, each a new PostgreSQL
    backend process: measured, that cost a second process a quarter of its throughput."""
    database_max_overflow: int = Field(default=4, ge=0, le=100)
    """PostgreSQL connections opened beyond the pool at busy times, closed when returned."""
    database_pool_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    """How long an update waits for a free PostgreSQL connection before it fails."""
    database_statement_timeout_seconds: float = Field(default=30.0, ge=0, le=3600)
    """PostgreSQL cancels a statement that runs longer (0: never); migrations are exempt."""
    log_format: Literal["text", "json"] = "text"
    """`text`: readable lines; `json`: one JSON object per line (time, level, logger, message
    and the record's extra fields)."""
    log_salt: SecretStr | None = None
    """Mixed into the hashed runner ids in the logs; without it, the token's hash is used."""
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    """The content directory: triage graph, causes, texts."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    """Root log level."""
    concurrent_updates: int = Field(default=16, ge=1, le=256)
    """Updates processed at once (one runner's updates always run one after another)."""
    picture_workers: int = Field(default=1, ge=1, le=8)
    """Processes that draw pictures such as the /history chart (`bot.pictures`), started on
    the first one."""
    sqlite_same_cpu: bool = False
    """On SQLite, keep the event loop and SQLite's thread on one CPU: process-wide, off by
    default (see `bot.runtime`)."""
    gil_switch_interval_ms: float | None = Field(default=None, gt=0, le=100)
    """Python's GIL switch interval in milliseconds, None for Python's own 5 ms:
    process-wide, unset by default (see `bot.runtime`)."""
    playground_host: str = "127.0.0.1"
    """Where the playground (no token: the bot against a local Bot API) listens; loopback only."""
    playground_port: int = Field(default=8080, ge=1, le=65535)
    """The playground's port: its chat page and its local Bot API."""
    playground_database_url: str = "sqlite:///data/playground.db"
    """The playground's own database, so trying the bot never touches the real one."""
    default_timezone: str = "UTC"
    """The IANA zone assumed for a runner who hasn't chosen one (they are told, and asked)."""
    reply_wait_limit_seconds: float = Field(default=10.0, ge=0, le=300)
    """The most one update's replies may wait out Telegram's flood control, in all; past it
    that update sends nothing more (see `bot.retries`)."""
    dispatch_interval_seconds: float = Field(default=30.0, ge=1, le=3600)
    """How often the reminder dispatcher looks for due reminders."""
    dispatch_batch_size: int = Field(default=100, ge=1, le=10_000)
    """Reminders claimed per database round trip; memory use grows with this, not with runners.
    Sending a batch at DISPATCH_SEND_RATE must fit in half of DISPATCH_LEASE_SECONDS."""
    dispatch_lease_seconds: int = Field(default=300, ge=30, le=86_400)
    """How long a claimed reminder is reserved; a crash's unsent claims are retried after it."""
    dispatch_max_attempts: int = Field(default=5, ge=1, le=50)
    """Sends of one reminder that may time out or hit a server error before it is dropped."""
    dispatch_send_rate: float = Field(default=25.0, gt=0, le=1000)
    """Reminders sent per second at most, evenly spaced (Telegram allows about 30 a second in
    bulk); below 1 is allowed (0.5: one every 2 seconds)."""
    dispatch_tip_early_minutes: int = Field(default=30, ge=0, le=180)
    """How much earlier than its usual time (`tip_minutes_before` in the content) a pre-run tip
    may go out when more reminders are queued than can be sent in time; 0: never early."""
    retention_days: int = Field(default=730, ge=30, le=36500)
    """Check-ins, check results and checks older than this many days are deleted by the
    dispatcher (`bot.services.retention`); at least 30, the longest the escalation rules
    look back."""

    # How the process runs (`bot.modes`): these settings are read there and in `bot.web`.
    bot_mode: Literal["polling", "webhook", "dispatcher"] | None = None
    """polling, webhook or dispatcher (reminders only); unset: polling, or the playground
    when there is no token either."""
    dispatch_in_process: bool | None = None
    """Whether this process runs the reminder dispatcher; unset: yes, except in webhook mode."""
    webhook_url: str | None = None
    """The public https URL Telegram posts updates to (webhook mode)."""
    webhook_path: str | None = None
    """The path the webhook server takes updates on; unset: the path of WEBHOOK_URL."""
    webhook_listen: str = "127.0.0.1"
    """The address the webhook server listens on (0.0.0.0 in a container)."""
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    """The webhook server's port; a reverse proxy forwards WEBHOOK_URL to it."""
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    """Connections Telegram opens to the webhook at once, across all webhook processes."""
    webhook_secret_token: SecretStr | None = None
    """The secret Telegram sends with every update; required in webhook mode."""
    metrics_enabled: bool = True
    """Serve /healthz and /metrics in polling and dispatcher modes (webhook mode always does)."""
    metrics_listen: str = "127.0.0.1"
    """The address /healthz and /metrics listen on in polling and dispatcher modes."""
    metrics_port: int = Field(default=9090, ge=1, le=65535)
    """The port of /healthz and /metrics in polling and dispatcher modes."""

    @field_validator("database_url", "playground_database_url")
    @classmethod
    def _usable_database(cls, value: str, info: ValidationInfo) -> str:
        try:
            parse_database_url(value)
        except DatabaseUrlError as exc:
            raise ValueError(f"{(info.field_name or 'database_url').upper()} {exc}") from None
        return value

    @field_validator("default_timezone")
    @classmethod
    def _iana_zone(cls, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise ValueError("must be an IANA time zone such as UTC or Europe/Berlin")
        return value

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `.env.example` ships the variable empty; an empty token means "no token".
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("playground_host")
    @classmethod
    def _loopback(cls, value: str) -> str:
        if not _is_loopback_host(value):
            raise ValueError("must be a loopback address such as 127.0.0.1 (no one else may play)")
        return value

    @field_validator("telegram_api_base_url", "telegram_api_base_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _public_https(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if not parts.hostname or parts.scheme not in ("http", "https"):
            raise ValueError("must be a URL such as https://bot.example.org/telegram")
        if parts.scheme != "https" and not _is_loopback_host(parts.hostname):
            raise ValueError("must be an https:// URL (Telegram posts only to https)")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _absolute_path(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("/"):
            raise ValueError("must start with /")
        return value

    @field_validator("webhook_secret_token")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET_TOKEN.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _mode_has_what_it_needs(self) -> Settings:
        mode = self.bot_mode
        problem = None
        if mode is not None and self.telegram_bot_token is None:
            problem = f"BOT_MODE is {mode}, so TELEGRAM_BOT_TOKEN must be set"
        elif mode == "webhook" and (self.webhook_url is None or self.webhook_secret_token is None):
            problem = "BOT_MODE is webhook, so WEBHOOK_URL and WEBHOOK_SECRET_TOKEN must be set"
        elif mode == "dispatcher" and self.dispatch_in_process is False:
            problem = "BOT_MODE is dispatcher, which only dispatches: unset DISPATCH_IN_PROCESS"
        if problem is not None:
            raise PydanticCustomError("mode", problem)
        return self

    @model_validator(mode="after")
    def _batches_fit_the_lease(self) -> Settings:
        # A batch must be sent well within its lease, or another process would claim rows that
        # are still being sent (see `bot.scheduler.dispatcher`).
        batch, rate = self.dispatch_batch_size, self.dispatch_send_rate
        lease = self.dispatch_lease_seconds
        budget = lease * DISPATCH_SENDING_SHARE
        if batch / rate <= budget:
            return self
        ways = []
        if budget * rate >= 1:
            ways.append(f"DISPATCH_BATCH_SIZE <= {math.floor(budget * rate)}")
        ways.append(f"DISPATCH_SEND_RATE >= {math.ceil(batch / budget * 100) / 100:g}")
        if math.ceil(batch / rate / DISPATCH_SENDING_SHARE) <= 86_400:
            ways.append(
                f"DISPATCH_LEASE_SECONDS >= {math.ceil(batch / rate / DISPATCH_SENDING_SHARE)}"
            )
        raise ValueError(
            f"sending DISPATCH_BATCH_SIZE={batch} reminders at DISPATCH_SEND_RATE={rate:g}/s "
            f"takes {batch / rate:g} s, more than half of DISPATCH_LEASE_SECONDS={lease} "
            f"(the other half is kept for flood waits and settling); use {' or '.join(ways)}"
        )

    @property
    def playground(self) -> bool:
        """Return whether `python -m bot` runs the playground: no token and no BOT_MODE."""
        return self.telegram_bot_token is None and self.bot_mode is None

    @property
    def mode(self) -> Literal["polling", "webhook", "dispatcher"]:
        """Return the mode the bot runs in: BOT_MODE, polling when unset."""
        return self.bot_mode or "polling"

    @property
    def runs_dispatcher(self) -> bool:
        """Return whether this process sends reminders (DISPATCH_IN_PROCESS, by mode)."""
        if self.dispatch_in_process is None:
            return self.mode != "webhook"
        return self.dispatch_in_process

    @property
    def webhook_route(self) -> str:
        """Return the path the webhook server takes updates on."""
        return self.webhook_path or urlsplit(self.webhook_url or "").path or "/"

    @property
    def database(self) -> DatabaseTarget:
        """Return DATABASE_URL read for the async driver: its URL and connect arguments."""
        return parse_database_url(self.database_url)

    @property
    def sqlite_path(self) -> Path | None:
        """Return the SQLite file the URL names, or None for other databases or `:memory:`."""
        return self.database.sqlite_path


def load_settings() -> Settings:
    """Read settings from the environment; raise `SettingsError` with one readable line."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]).upper()
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        if not name:  # a rule about several settings names them itself
            message = first["msg"].removeprefix("Value error, ")
            raise SettingsError(f"Invalid settings: {message}{more}") from None
        raise SettingsError(f"Invalid setting {name}: {first['msg']}{more}") from None


def _is_loopback_host(host: str) -> bool:
    """Return whether a host name or address is this machine."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return load_settings()
