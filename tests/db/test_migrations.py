"""Migrations: a fresh database upgraded to head matches the models, and downgrade works."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.base import Base
from bot.db.migrate import downgrade_to, upgrade_to_head


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    return set(names) - {"alembic_version"}


async def _drift(engine: AsyncEngine) -> list[object]:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
            )
        )


async def test_upgrade_to_head_matches_models(any_engine: AsyncEngine) -> None:
    await upgrade_to_head(any_engine)
    assert await _tables(any_engine) == set(Base.metadata.tables)
    assert await _drift(any_engine) == []


async def test_upgrade_is_idempotent(any_engine: AsyncEngine) -> None:
    await upgrade_to_head(any_engine)
    await upgrade_to_head(any_engine)
    assert await _drift(any_engine) == []


async def test_downgrade_to_base_and_back(any_engine: AsyncEngine) -> None:
    await upgrade_to_head(any_engine)
    await downgrade_to(any_engine, "base")
    assert await _tables(any_engine) == set()
    await upgrade_to_head(any_engine)
    assert await _drift(any_engine) == []
