"""Settings read from the environment and an optional `.env`; the only place that reads them."""

from __future__ import annotations

import ipaddress
import math
import os
import zoneinfo
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout this package lives in; relative SQLite paths are taken from the working dir."""

# PTB 22 warns on every flood-control error unless the process opts in to durations as
# timedelta (its next major version's default). Nothing here reads them as ints, so opt in.
os.environ.setdefault("PTB_TIMEDELTA", "1")

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


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
    """`sqlite:///relative.db`, `sqlite:////abs/path.db` or `postgresql://user@host/db`."""
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    """The content directory: triage graph, causes, texts."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    """Root log level."""
    concurrent_updates: int = Field(default=16, ge=1, le=256)
    """Updates processed at once (one runner's updates always run one after another)."""
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

    @field_validator("database_url", "playground_database_url")
    @classmethod
    def _known_database(cls, value: str, info: ValidationInfo) -> str:
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in _ASYNC_DRIVERS:
            raise ValueError(
                f"{(info.field_name or 'database_url').upper()} must start with sqlite:/// or "
                f"postgresql:// (got {scheme or value!r})"
            )
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
        try:
            loopback = ipaddress.ip_address(value).is_loopback
        except ValueError:
            loopback = value == "localhost"
        if not loopback:
            raise ValueError("must be a loopback address such as 127.0.0.1 (no one else may play)")
        return value

    @field_validator("telegram_api_base_url", "telegram_api_base_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

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
    def async_database_url(self) -> str:
        """Return DATABASE_URL with the async driver this project uses for its scheme."""
        scheme, rest = self.database_url.split("://", 1)
        return f"{_ASYNC_DRIVERS[scheme]}://{rest}"

    @property
    def sqlite_path(self) -> Path | None:
        """Return the SQLite file the URL names, or None for other databases or `:memory:`."""
        scheme, rest = self.database_url.split("://", 1)
        if not scheme.startswith("sqlite") or rest in ("", "/", "/:memory:"):
            return None
        return Path(rest[1:].split("?", 1)[0])


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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return load_settings()
