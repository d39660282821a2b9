"""Async engine and session factory for SQLite (aiosqlite) and PostgreSQL (asyncpg).

Every engine hides statement parameters from its errors and logs (`hide_parameters`): they
hold what runners typed, such as a shoe's name.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import PoolResetState

from bot.config import Settings

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)
"""WAL lets readers run beside the writer; NORMAL sync is durable across app crashes in WAL."""


def make_database_engine(settings: Settings, *, statement_timeout: bool = True) -> AsyncEngine:
    """Create the engine for DATABASE_URL, with the pool and timeouts the settings give.

    Migrations pass `statement_timeout=False`: rewriting a large table may take longer than
    any statement of an update should.
    """
    database = settings.database
    if database.is_sqlite:
        return make_engine(database.url, connect_args=database.connect_args)
    connect_args = dict(database.connect_args)
    timeout_ms = round(settings.database_statement_timeout_seconds * 1000)
    if statement_timeout and timeout_ms:
        server_settings = {**connect_args.get("server_settings", {})}
        server_settings.setdefault("statement_timeout", str(timeout_ms))
        connect_args["server_settings"] = server_settings
    return make_engine(
        database.url,
        connect_args=connect_args,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_timeout=settings.database_pool_timeout_seconds,
    )


def make_engine(async_url: str | URL, **kwargs: Any) -> AsyncEngine:
    """Create the engine for an async database URL, with SQLite tuned for a bot's workload."""
    kwargs = {**kwargs, "hide_parameters": True}
    if str(async_url).startswith("sqlite"):
        # SQLite has one writer at a time and every update writes, so connections beyond one
        # only wait on its file lock. Queueing on a single pooled connection is fair (FIFO),
        # where racing for the lock lets an unlucky update starve past busy_timeout.
        # The pool's usual reset (a ROLLBACK on every return, one more hop to aiosqlite's
        # thread per update) is replaced by `_on_reset`, which rolls back only what is open.
        kwargs = {"pool_size": 1, "max_overflow": 0, "pool_reset_on_return": None, **kwargs}
    engine = create_async_engine(async_url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    """Apply pragmas and take transaction control from the sqlite3 module.

    Python's sqlite3 driver begins transactions lazily and not before DDL, which breaks
    SAVEPOINTs (used by the test fixtures) and transactional migrations. SQLAlchemy's
    documented recipe is to switch that off and emit BEGIN ourselves. BEGIN IMMEDIATE takes
    the write lock up front, so a transaction that reads then writes waits on busy_timeout
    instead of failing with "database is locked" when another connection writes.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine.sync_engine, "reset")
    def _on_reset(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
        # sqlite3 knows whether a transaction is open: a committed unit of work leaves none,
        # and anything else (an error half-way, a caller that never ended one) is rolled back.
        # A connection being discarded (`terminate_only`) is closed, not reset.
        if not state.terminate_only and dbapi_connection.driver_connection.in_transaction:
            dbapi_connection.rollback()


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Return the session factory: objects stay usable after commit (no lazy reloads)."""
    return async_sessionmaker(engine, expire_on_commit=False)
