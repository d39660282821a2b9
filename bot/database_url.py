"""DATABASE_URL as operators write it, turned into what SQLAlchemy's async drivers take.

A hosted PostgreSQL hands out libpq URLs (`postgresql://u:p@host/db?sslmode=require`), but
asyncpg takes its options as connect arguments (`ssl`, `timeout`, `server_settings`), not as
libpq's query parameters. This module owns that mapping, so the bot, its migrations and the
`alembic` command line all read a URL the same way. SQLAlchemy's `make_url` does the parsing.
"""

from __future__ import annotations

import shlex
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}
"""The URL schemes accepted, and the async driver each one runs on."""

SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
"""libpq's `sslmode` values; asyncpg's `ssl` argument takes these strings as they are."""

_CERTIFICATE_PARAMETERS = ("sslrootcert", "sslcert", "sslkey")
_VERIFYING_MODES = ("require", "verify-ca", "verify-full")
_LEFT_TO_SQLALCHEMY = ("host", "port")
"""Query parameters SQLAlchemy's asyncpg dialect reads itself (a Unix socket, several hosts)."""
_SUPPORTED = (
    "sslmode",
    *_CERTIFICATE_PARAMETERS,
    "connect_timeout",
    "application_name",
    "options",
    *_LEFT_TO_SQLALCHEMY,
)


class DatabaseUrlError(ValueError):
    """The URL cannot be used; the message is one line that says why."""


@dataclass(frozen=True)
class DatabaseTarget:
    """Where the bot's database is: an async URL and the driver's connect arguments."""

    url: URL
    connect_args: dict[str, Any] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        """Return whether this is a SQLite database."""
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        """Return the SQLite file named, or None for PostgreSQL or `:memory:`."""
        if not self.is_sqlite or self.url.database in (None, "", ":memory:"):
            return None
        return Path(self.url.database)


def parse_database_url(raw: str) -> DatabaseTarget:
    """Read a SQLite or PostgreSQL URL; raise `DatabaseUrlError` with one line if unusable."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise DatabaseUrlError(
            "is not a database URL; expected sqlite:///path.db or postgresql://user@host/db"
        ) from None
    driver = ASYNC_DRIVERS.get(url.drivername)
    if driver is None:
        raise DatabaseUrlError(
            f"must start with sqlite:/// or postgresql:// (got {url.drivername}://)"
        )
    url = url.set(drivername=driver)
    if url.get_backend_name() == "sqlite":
        return _sqlite(url)
    return _postgresql(url)


def _sqlite(url: URL) -> DatabaseTarget:
    if not url.database:
        raise DatabaseUrlError(
            "names no SQLite file; use sqlite:///relative/path.db or sqlite:////absolute/path.db"
        )
    if url.query:
        raise DatabaseUrlError(
            f"takes no query parameters on SQLite (got {', '.join(sorted(url.query))})"
        )
    return DatabaseTarget(url)


def _postgresql(url: URL) -> DatabaseTarget:
    if not url.database:
        raise DatabaseUrlError("names no database; use postgresql://user@host:5432/database")
    query = {name: _single(name, value) for name, value in url.query.items()}
    unknown = sorted(set(query) - set(_SUPPORTED))
    if unknown:
        raise DatabaseUrlError(
            f"has the query parameter {unknown[0]!r}, which the bot does not support "
            f"(supported: {', '.join(_SUPPORTED)})"
        )
    connect_args: dict[str, Any] = {}
    server_settings: dict[str, str] = {}
    ssl_argument = _ssl_argument(query)
    if ssl_argument is not None:
        connect_args["ssl"] = ssl_argument
    if "connect_timeout" in query:
        connect_args["timeout"] = _positive_seconds(query["connect_timeout"])
    if "application_name" in query:
        server_settings["application_name"] = query["application_name"]
    if "options" in query:
        server_settings.update(_server_options(query["options"]))
    if server_settings:
        connect_args["server_settings"] = server_settings
    kept = {name: value for name, value in url.query.items() if name in _LEFT_TO_SQLALCHEMY}
    return DatabaseTarget(url.set(query=kept), connect_args)


def _single(name: str, value: str | tuple[str, ...]) -> str:
    if isinstance(value, tuple):
        raise DatabaseUrlError(f"gives the query parameter {name!r} more than once")
    return value


def _ssl_argument(query: dict[str, str]) -> str | ssl.SSLContext | None:
    """Return asyncpg's `ssl` argument: the mode itself, or a context built from the files."""
    mode = query.get("sslmode")
    if mode is not None and mode not in SSL_MODES:
        raise DatabaseUrlError(f"has sslmode={mode!r}; use one of {', '.join(SSL_MODES)}")
    files = {name: query[name] for name in _CERTIFICATE_PARAMETERS if name in query}
    if not files:
        return mode
    if mode not in _VERIFYING_MODES:
        raise DatabaseUrlError(
            f"gives {', '.join(files)} but sslmode={mode}; certificate files need sslmode="
            f"{', '.join(_VERIFYING_MODES)}"
        )
    try:
        context = ssl.create_default_context(cafile=files.get("sslrootcert"))
        if "sslcert" in files:
            context.load_cert_chain(files["sslcert"], keyfile=files.get("sslkey"))
    except (OSError, ssl.SSLError) as exc:
        raise DatabaseUrlError(f"names a certificate file that cannot be read: {exc}") from None
    # libpq: `require` checks the server's certificate only against a given root; `verify-ca`
    # checks the chain but not the host name; `verify-full` checks both.
    context.check_hostname = mode == "verify-full"
    if mode == "require" and "sslrootcert" not in files:
        context.verify_mode = ssl.CERT_NONE
    return context


def _positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        raise DatabaseUrlError(f"has connect_timeout={value!r}; use a number of seconds above 0")
    return seconds


def _server_options(value: str) -> dict[str, str]:
    """Read libpq's `options`, as long as it is only `-c name=value` settings."""
    words = shlex.split(value)
    settings: dict[str, str] = {}
    while words:
        flag = words.pop(0)
        setting = words.pop(0) if flag == "-c" and words else flag.removeprefix("-c")
        name, equals, setting_value = setting.partition("=")
        if not flag.startswith("-c") or not equals or not name:
            raise DatabaseUrlError(
                f"has options={value!r}; only '-c name=value' settings are supported"
            )
        settings[name] = setting_value
    return settings
