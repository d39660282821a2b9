"""Run Alembic migrations from inside the bot (at start-up and in tests)."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import PROJECT_ROOT, Settings
from bot.db.engine import make_database_engine

ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"


def alembic_config(connection: Connection | None = None) -> Config:
    """Return the project's Alembic config, bound to `connection` when one is given."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Bring the database up to the newest revision; a no-op when it is already there."""
    await upgrade_to(engine, "head")


async def upgrade_to(engine: AsyncEngine, revision: str) -> None:
    """Bring the database up to `revision` (tests check a migration with data this way)."""
    await _run(engine, lambda cfg: command.upgrade(cfg, revision))


async def downgrade_to(engine: AsyncEngine, revision: str) -> None:
    """Revert the database to `revision` (`base` removes every table)."""
    await _run(engine, lambda cfg: command.downgrade(cfg, revision))


async def _run(engine: AsyncEngine, action: Callable[[Config], None]) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: action(alembic_config(sync)))


def ensure_sqlite_folder(settings: Settings) -> None:
    """Create the folder of the SQLite file DATABASE_URL names, so a fresh checkout can start."""
    if settings.sqlite_path is not None:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)


async def migrate_database(settings: Settings) -> None:
    """Upgrade the database DATABASE_URL names to the newest revision, creating it if needed."""
    ensure_sqlite_folder(settings)
    engine = make_database_engine(settings, statement_timeout=False)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()
