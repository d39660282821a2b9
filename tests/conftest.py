"""Shared fixtures: settings, the real knowledge, migrated databases, a fake clock."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import PROJECT_ROOT, Settings
from bot.content.loader import Knowledge, load_knowledge
from bot.db.engine import make_engine
from bot.db.migrate import upgrade_to_head

POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
"""The machine's PostgreSQL (trust auth); tests work in a schema of their own."""
TEST_TOKEN = "123456:TEST-token"


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
        self.slept: list[float] = []

    def now(self) -> datetime:
        """Return the frozen time."""
        return self.current

    def advance(self, **delta: float) -> None:
        """Move the clock forward by a `timedelta(**delta)`."""
        self.current += timedelta(**delta)

    async def sleep(self, seconds: float) -> None:
        """Let `seconds` pass at once, and note the wait in `slept`."""
        self.slept.append(seconds)
        self.advance(seconds=seconds)
        await asyncio.sleep(0)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(PROJECT_ROOT / "knowledge")


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file upgraded to head once per run; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "template.db"

    async def migrate() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade_to_head(engine)
        await engine.dispose()

    asyncio.run(migrate())
    return path


@pytest.fixture
def sqlite_path(tmp_path: Path, migrated_template: Path) -> Path:
    """A fresh migrated SQLite database file for one test."""
    path = tmp_path / "bot.db"
    shutil.copy(migrated_template, path)
    return path


@pytest.fixture
def settings(sqlite_path: Path, tmp_path: Path) -> Settings:
    return Settings(
        telegram_bot_token=TEST_TOKEN,
        database_url=f"sqlite:///{sqlite_path}",
        _env_file=None,  # type: ignore[call-arg]
    )


@asynccontextmanager
async def sqlite_database(path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on a SQLite file, disposed afterwards."""
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        yield engine
    finally:
        await engine.dispose()


_POSTGRES_DOWN: list[str] = []
"""Why PostgreSQL did not answer, once the first test found out (so it is asked once)."""


async def require_postgres() -> None:
    """Skip the test, with the reason, when no PostgreSQL answers; under CI=true, fail it."""
    if not _POSTGRES_DOWN:
        try:
            connection = await asyncpg.connect(POSTGRES_URL.replace("+asyncpg", ""), timeout=5)
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            _POSTGRES_DOWN.append(f"{type(exc).__name__}: {exc}")
        else:
            await connection.close()
            _POSTGRES_DOWN.append("")
    reason = _POSTGRES_DOWN[0]
    if not reason:
        return
    message = f"PostgreSQL at 127.0.0.1:5432 (database test) does not answer ({reason})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI runs one, so this is a failure")
    pytest.skip(message)


@pytest.fixture
async def postgres_server() -> None:
    """Skip (or, under CI=true, fail) the test when the machine's PostgreSQL does not answer."""
    await require_postgres()


@asynccontextmanager
async def postgres_database() -> AsyncIterator[AsyncEngine]:
    """An engine whose search_path is a fresh schema, dropped afterwards."""
    await require_postgres()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}})
    try:
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
async def sqlite_engine(sqlite_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(sqlite_path) as engine:
        yield engine


@pytest.fixture(params=["sqlite", "postgres"])
async def any_engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An empty database (no tables): the same test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        async with sqlite_database(tmp_path / "empty.db") as engine:
            yield engine
    else:
        async with postgres_database() as engine:
            yield engine


@pytest.fixture
async def rollback_sessionmaker(
    any_engine: AsyncEngine,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory inside one outer transaction that is rolled back after the test.

    Units of work opened with it become SAVEPOINTs, so their commits are real to the code
    under test yet leave nothing behind.
    """
    await upgrade_to_head(any_engine)
    async with any_engine.connect() as connection:
        transaction = await connection.begin()
        yield async_sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        await transaction.rollback()


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of `knowledge/` for tests that break it on purpose."""
    target = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", target)
    return target
