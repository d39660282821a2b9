"""The engine's rules: one SQLite connection, WAL, a returned connection's reset, no parameters."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.db.engine import make_engine


async def test_a_connection_returned_mid_transaction_is_rolled_back(sqlite_path: Path) -> None:
    """The pool's reset rolls back a transaction left open at the driver, and only then."""
    engine = make_engine(f"sqlite+aiosqlite:///{sqlite_path}")
    try:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            await driver.execute("BEGIN IMMEDIATE")
            await driver.execute(
                "INSERT INTO users (id, is_active, created_at, updated_at)"
                " VALUES (7, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
            assert driver.in_transaction
            await connection.rollback()  # SQLAlchemy's own transaction: none was begun
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            assert raw.driver_connection is driver  # the one pooled connection, reused
            assert not driver.in_transaction
            count = await connection.scalar(text("SELECT count(*) FROM users WHERE id = 7"))
            assert count == 0
    finally:
        await engine.dispose()


async def test_sqlite_uses_one_connection_in_wal_mode(sqlite_path: Path) -> None:
    """Updates queue for the single connection; readers still never block in WAL mode."""
    engine = make_engine(f"sqlite+aiosqlite:///{sqlite_path}")
    try:
        assert engine.pool.size() == 1  # type: ignore[attr-defined]
        async with engine.connect() as connection:
            mode = await connection.scalar(text("PRAGMA journal_mode"))
        assert mode == "wal"
    finally:
        await engine.dispose()


async def test_errors_never_show_statement_parameters(sqlite_path: Path) -> None:
    """A failed statement's error names the statement but not the values a runner typed."""
    engine = make_engine(f"sqlite+aiosqlite:///{sqlite_path}")
    try:
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError) as raised:
                await connection.execute(
                    text("INSERT INTO no_such_table (name) VALUES (:name)"),
                    {"name": "My secret Pegasus"},
                )
        assert "My secret Pegasus" not in str(raised.value)
        assert "parameters hidden" in str(raised.value)
    finally:
        await engine.dispose()
