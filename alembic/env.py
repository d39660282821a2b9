"""Alembic environment: migrates the database named by the bot's settings, asynchronously.

Programmatic callers (`bot.db.migrate`) pass an open connection in `config.attributes`, so
migrations run inside their event loop; the `alembic` command line opens its own engine.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

import bot.db.models  # noqa: F401  (registers every table)
from bot.config import SettingsError, load_settings
from bot.db import models  # noqa: F401  (importing the models registers every table)
from bot.db.base import Base
from bot.db.engine import make_database_engine
from bot.db.migrate import ensure_sqlite_folder

target_metadata = Base.metadata


MIGRATION_LOCK = 7_143_921_065
"""PostgreSQL advisory lock key held while migrating, so processes that start together (every
`python -m bot` migrates at start) take turns: the first upgrades, the rest find it done."""


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine() -> None:
    try:
        settings = load_settings()
    except SettingsError as exc:
        raise SystemExit(f"error: {exc}") from None
    ensure_sqlite_folder(settings)
    engine = make_database_engine(settings, statement_timeout=False)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run against a database.")

shared = context.config.attributes.get("connection")
if shared is not None:
    _run(shared)
else:
    asyncio.run(_run_with_own_engine())
