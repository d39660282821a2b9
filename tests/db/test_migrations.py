"""Migrations: a fresh database upgraded to head matches the models, and downgrade works."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import PROJECT_ROOT
from bot.db import models  # noqa: F401  (registers every table for the drift check)
from bot.db.base import Base, UTCDateTime
from bot.db.engine import make_engine
from bot.db.migrate import downgrade_to, upgrade_to, upgrade_to_head
from tests.conftest import POSTGRES_URL, require_postgres


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


_BEFORE_ONE_PENDING_INPUT = "544859527bbf"
_T = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
HALF_HOUR = timedelta(minutes=30)


def _column(name: str) -> sa.ColumnClause[Any]:
    if name.endswith(("_at", "_until")):
        return sa.column(name, UTCDateTime())
    if name in ("answers", "settings"):
        return sa.column(name, sa.JSON())
    return sa.column(name)


def _table(name: str, *columns: str) -> sa.TableClause:
    """A bare table for writing and reading raw rows at any revision."""
    return sa.table(name, *(_column(c) for c in columns))


_users = _table("users", "id", "created_at", "updated_at")
_shoes = _table("shoes", "id", "user_id", "name", "settings", "created_at", "updated_at")
_plans = _table("run_plans", "id", "user_id", "status", "created_at", "updated_at")
_checkins = _table("checkins", "id", "user_id", "plan_id", "run_at", "answers", "created_at")
_reminders = _table("reminders", "id", "user_id", "plan_id", "kind", "run_at", "due_at")
_snooze = _table("reminders", "id", "checkin_id")
_old_pending = _table("pending_inputs", "user_id", "kind", "shoe_id", "created_at")
_new_pending = _table("pending_inputs", "user_id", "kind", "ref_id", "created_at", "expires_at")
_old_settings = _table(
    "runner_settings", "user_id", "awaiting", "awaiting_ref", "awaiting_until", "updated_at"
)


async def _rows(engine: AsyncEngine, query: sa.Select[Any]) -> list[tuple[Any, ...]]:
    async with engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(query)]


async def test_awaited_answers_move_both_ways_and_snoozes_survive(any_engine: AsyncEngine) -> None:
    """Runner 1 waits for a shoe name, 2 for a start time, 3 for a name then a newer zone."""
    await upgrade_to(any_engine, _BEFORE_ONE_PENDING_INPUT)
    stamps = {"created_at": _T, "updated_at": _T}
    async with any_engine.begin() as connection:
        await connection.execute(_users.insert(), [{"id": n, **stamps} for n in (1, 2, 3)])
        await connection.execute(
            _shoes.insert(), [{"id": 10, "user_id": 3, "name": "P", "settings": {}, **stamps}]
        )
        await connection.execute(
            _plans.insert(), [{"id": 5, "user_id": 2, "status": "draft", **stamps}]
        )
        await connection.execute(
            _checkins.insert(),
            [{"id": 7, "user_id": 2, "plan_id": 5, "run_at": _T, "answers": [], "created_at": _T}],
        )
        await connection.execute(
            _reminders.insert(),
            [{"id": 9, "user_id": 2, "plan_id": 5, "kind": "snooze", "run_at": _T, "due_at": _T}],
        )
        await connection.execute(_snooze.update().values(checkin_id=7))
        await connection.execute(
            _old_pending.insert(),
            [
                {"user_id": 1, "kind": "add_shoe", "shoe_id": None, "created_at": _T},
                {"user_id": 3, "kind": "rename_shoe", "shoe_id": 10, "created_at": _T},
            ],
        )
        await connection.execute(
            _old_settings.insert(),
            [
                {
                    "user_id": 2,
                    "awaiting": "time",
                    "awaiting_ref": 5,
                    "awaiting_until": _T + HALF_HOUR,
                    "updated_at": _T,
                },
                {
                    "user_id": 3,
                    "awaiting": "timezone",
                    "awaiting_ref": 1,
                    "awaiting_until": _T + timedelta(minutes=45),
                    "updated_at": _T,
                },
            ],
        )

    await upgrade_to_head(any_engine)
    pending = _new_pending.c
    assert await _rows(
        any_engine,
        sa.select(
            pending.user_id, pending.kind, pending.ref_id, pending.created_at, pending.expires_at
        ).order_by(pending.user_id),
    ) == [
        (1, "add_shoe", None, _T, _T + timedelta(hours=1)),
        (2, "run_time", 5, _T, _T + HALF_HOUR),
        (3, "timezone", 1, _T + timedelta(minutes=15), _T + timedelta(minutes=45)),
    ]
    assert await _rows(any_engine, sa.select(_snooze.c.id, _snooze.c.checkin_id)) == [(9, 7)]
    assert await _drift(any_engine) == []

    await downgrade_to(any_engine, _BEFORE_ONE_PENDING_INPUT)
    old = _old_pending.c
    assert await _rows(any_engine, sa.select(old.user_id, old.kind, old.shoe_id)) == [
        (1, "add_shoe", None)
    ]
    settings = _old_settings.c
    assert await _rows(
        any_engine,
        sa.select(settings.user_id, settings.awaiting, settings.awaiting_ref).order_by(
            settings.user_id
        ),
    ) == [(2, "time", 5), (3, "timezone", 1)]
    assert await _rows(any_engine, sa.select(_snooze.c.id, _snooze.c.checkin_id)) == [(9, 7)]


@pytest.mark.postgres
async def test_processes_that_start_together_migrate_one_at_a_time() -> None:
    await require_postgres()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    async with admin.begin() as connection:
        await connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    environment = {**os.environ, "DATABASE_URL": url}
    alembic = Path(sys.executable).with_name("alembic")
    try:
        processes = [
            await asyncio.create_subprocess_exec(
                str(alembic),
                "upgrade",
                "head",
                cwd=PROJECT_ROOT,
                env=environment,
                stderr=asyncio.subprocess.PIPE,
            )
            for _ in range(4)
        ]
        for process in processes:
            _, stderr = await process.communicate()
            assert process.returncode == 0, stderr.decode()
        schema_engine = make_engine(
            POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}}
        )
        try:
            assert await _drift(schema_engine) == []
        finally:
            await schema_engine.dispose()
    finally:
        async with admin.begin() as connection:
            await connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()
