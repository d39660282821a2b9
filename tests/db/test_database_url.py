"""A DATABASE_URL as a hosted PostgreSQL hands it out reaches the machine's PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.db.engine import make_database_engine
from tests.conftest import POSTGRES_URL

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_server")]

LIBPQ_URL = POSTGRES_URL.replace("+asyncpg", "")
"""The test database's URL as an operator writes it, without the driver."""


def settings_for(url: str, **values: object) -> Settings:
    return Settings(database_url=url, _env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize("mode", ["disable", "prefer", "allow"])
async def test_a_url_with_sslmode_connects(mode: str) -> None:
    settings = settings_for(
        f"{LIBPQ_URL}?sslmode={mode}&connect_timeout=5&application_name=numbfeet-test"
    )
    engine = make_database_engine(settings)
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("SELECT 1")) == 1
            name = await connection.scalar(text("SHOW application_name"))
            assert name == "numbfeet-test"
    finally:
        await engine.dispose()


async def test_heroku_style_url_connects_with_the_pool_and_timeouts_set() -> None:
    settings = settings_for(
        LIBPQ_URL.replace("postgresql://", "postgres://") + "?options=-c%20search_path%3Dpublic",
        database_pool_size=2,
        database_max_overflow=1,
        database_pool_timeout_seconds=3,
        database_statement_timeout_seconds=1.5,
    )
    engine = make_database_engine(settings)
    try:
        assert engine.pool.size() == 2  # type: ignore[attr-defined]
        assert engine.pool.timeout() == 3  # type: ignore[attr-defined]
        async with engine.connect() as connection:
            assert await connection.scalar(text("SHOW statement_timeout")) == "1500ms"
            assert await connection.scalar(text("SHOW search_path")) == "public"
    finally:
        await engine.dispose()


async def test_migrations_run_without_the_statement_timeout() -> None:
    settings = settings_for(LIBPQ_URL, database_statement_timeout_seconds=1)
    engine = make_database_engine(settings, statement_timeout=False)
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("SHOW statement_timeout")) == "0"
    finally:
        await engine.dispose()
