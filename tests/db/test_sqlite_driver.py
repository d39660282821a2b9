"""The one-trip SQLite connection: what SQLAlchemy reads from it, and what each trip carries."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import CursorResult, bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import make_engine
from bot.db.models import User
from bot.db.sqlite_driver import WRITE_BEHIND

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
async def engine(sqlite_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(f"sqlite+aiosqlite:///{sqlite_path}")
    yield engine
    await engine.dispose()


def _user(user_id: int) -> dict[str, object]:
    return {"id": user_id, "is_active": True, "created_at": NOW, "updated_at": NOW}


async def test_rows_columns_and_counts_reach_sqlalchemy(engine: AsyncEngine) -> None:
    """Rows with their column names, row counts, many-row inserts and RETURNING all work."""
    users = User.__table__
    async with engine.begin() as connection:
        inserted = await connection.execute(insert(users), [_user(1), _user(2), _user(3)])
        assert inserted.rowcount == 3
        returned = await connection.execute(
            insert(users).returning(users.c.id), _user(4) | {"language": "de"}
        )
        assert returned.scalar_one() == 4
        changed = await connection.execute(
            update(users).where(users.c.id < 3).values(language="en")
        )
        assert changed.rowcount == 2
    async with engine.connect() as connection:
        result = await connection.execute(
            select(users.c.id, users.c.language).order_by(users.c.id)
        )
        assert list(result.keys()) == ["id", "language"]
        assert [tuple(row) for row in result] == [(1, "en"), (2, "en"), (3, None), (4, "de")]


async def test_server_side_results_stream_in_parts(engine: AsyncEngine) -> None:
    """`stream()` still hands rows over in parts (they were fetched in the statement's trip)."""
    async with engine.begin() as connection:
        await connection.execute(insert(User.__table__), [_user(n) for n in range(1, 8)])
    async with engine.connect() as connection:
        result = await connection.stream(
            select(User.__table__.c.id).order_by(User.__table__.c.id),
            execution_options={"yield_per": 3},
        )
        parts = [[row.id for row in part] async for part in result.partitions()]
    assert parts == [[1, 2, 3], [4, 5, 6], [7]]


async def test_a_transaction_costs_one_trip_per_statement_and_one_to_commit(
    engine: AsyncEngine, trips: list[str]
) -> None:
    """BEGIN rides with the first statement; each statement is one trip; commit is one."""
    async with engine.connect() as connection:  # connecting costs trips of its own
        await connection.rollback()
    trips.clear()
    async with engine.begin() as connection:
        await connection.execute(text("SELECT count(*) FROM users"))
        await connection.execute(insert(User.__table__), _user(1))
    assert trips == ["_run", "_run", "commit"]


async def test_a_transaction_without_statements_costs_no_trip(
    engine: AsyncEngine, trips: list[str]
) -> None:
    """Nothing was begun at the database, so there is nothing to commit or roll back."""
    async with engine.connect() as connection:
        await connection.rollback()
    trips.clear()
    async with engine.begin():
        pass
    async with engine.connect() as connection:
        transaction = await connection.begin()
        raw = await connection.get_raw_connection()
        assert raw.driver_connection.in_transaction  # opens with the next statement
        await transaction.rollback()
        assert not raw.driver_connection.in_transaction
    assert trips == []


async def test_the_first_statement_takes_the_write_lock(
    engine: AsyncEngine, sqlite_path: Path
) -> None:
    """BEGIN IMMEDIATE went with the first statement, even a read: other writers must wait."""
    other = sqlite3.connect(sqlite_path, timeout=0, isolation_level=None)
    try:
        async with engine.begin() as connection:
            other.execute("BEGIN IMMEDIATE")  # nothing sent yet: the lock is still free
            other.execute("ROLLBACK")
            await connection.execute(text("SELECT 1"))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


async def test_a_failed_statement_rolls_back_the_whole_transaction(engine: AsyncEngine) -> None:
    """A statement that fails after others leaves nothing of the transaction behind."""
    users = User.__table__

    async def insert_twice() -> None:
        async with engine.begin() as connection:
            await connection.execute(insert(users), _user(1))
            await connection.execute(insert(users), _user(1))

    with pytest.raises(IntegrityError):
        await insert_twice()
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert not raw.driver_connection.in_transaction
        assert await connection.scalar(select(users.c.id)) is None


async def test_parameters_bind_by_name_and_by_position(engine: AsyncEngine) -> None:
    """Both ways SQLAlchemy passes parameters reach SQLite unchanged."""
    async with engine.begin() as connection:
        await connection.execute(insert(User.__table__), _user(5))
        named = select(User.__table__.c.id).where(User.__table__.c.id == bindparam("wanted"))
        assert await connection.scalar(named, {"wanted": 5}) == 5
        result: CursorResult[Any] = await connection.exec_driver_sql(
            "SELECT id FROM users WHERE id = ?", (5,)
        )
        assert result.scalar() == 5


def _rename(user_id: int, language: str) -> Any:
    users = User.__table__
    return (
        update(users)
        .where(users.c.id == user_id)
        .values(language=language)
        .execution_options(**WRITE_BEHIND)
    )


@pytest.fixture
async def runners(engine: AsyncEngine, trips: list[str]) -> None:
    """Runners 1 and 2, stored before the test; the trips that cost are not counted."""
    async with engine.begin() as connection:
        await connection.execute(insert(User.__table__), [_user(1), _user(2)])
    trips.clear()


def _language_of(user_id: int) -> Any:
    return select(User.__table__.c.language).where(User.__table__.c.id == user_id)


@pytest.mark.usefixtures("runners")
async def test_a_write_behind_rides_with_the_next_statement(
    engine: AsyncEngine, trips: list[str]
) -> None:
    """Held back, then sent ahead of the next statement in its trip: the read sees it."""
    async with engine.begin() as connection:
        held = await connection.execute(_rename(1, "de"))
        assert held.rowcount == -1, "not run yet, so no count"
        assert trips == []
        assert await connection.scalar(_language_of(1)) == "de"
    assert trips == ["_run", "commit"]


@pytest.mark.usefixtures("runners")
async def test_a_write_behind_rides_with_the_commit(engine: AsyncEngine, trips: list[str]) -> None:
    """A read, then writes held back until the commit: two trips in all, and all stored."""
    async with engine.begin() as connection:
        await connection.execute(text("SELECT count(*) FROM users"))
        await connection.execute(_rename(1, "de"))
        await connection.execute(_rename(2, "fr"))
    assert trips == ["_run", "_commit"]
    async with engine.connect() as connection:
        stored = await connection.execute(select(User.__table__.c.language).order_by("id"))
        assert stored.scalars().all() == ["de", "fr"]


@pytest.mark.usefixtures("runners")
async def test_a_rolled_back_write_behind_is_never_sent(
    engine: AsyncEngine, trips: list[str]
) -> None:
    """Rolling back drops what was held back; with nothing sent, it costs no trip at all."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        await connection.execute(_rename(1, "de"))
        await transaction.rollback()
        assert trips == []
        assert await connection.scalar(_language_of(1)) is None


@pytest.mark.usefixtures("runners")
async def test_a_failing_write_behind_fails_its_transaction(engine: AsyncEngine) -> None:
    """Its error surfaces at the commit that carried it, and nothing of the transaction stays."""
    users = User.__table__

    async def clash() -> None:
        async with engine.begin() as connection:
            await connection.execute(_rename(1, "de"))
            await connection.execute(
                update(users)
                .where(users.c.id == 2)
                .values(id=1)  # the primary key of runner 1: refused
                .execution_options(**WRITE_BEHIND)
            )

    with pytest.raises(IntegrityError):
        await clash()
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert not raw.driver_connection.in_transaction
        stored = await connection.execute(select(users.c.id, users.c.language).order_by("id"))
        assert [tuple(row) for row in stored] == [(1, None), (2, None)]
