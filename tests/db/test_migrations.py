"""Migrations: a fresh database upgraded to head matches the models, and downgrade works."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import PROJECT_ROOT
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


def test_alembic_command_line_creates_the_database_and_its_folder(tmp_path: Path) -> None:
    database = tmp_path / "not" / "yet" / "there.db"
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    alembic = Path(sys.executable).with_name("alembic")
    for _ in range(2):  # the second run is a no-op
        done = subprocess.run(
            [str(alembic), "upgrade", "head"],
            cwd=PROJECT_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    with closing(sqlite3.connect(database)) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master").fetchall()
    assert ("users",) in tables
