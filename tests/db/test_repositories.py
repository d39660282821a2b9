"""Repositories and the unit of work on real SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import SymptomReport, TriageSession
from bot.db.uow import unit_of_work

NOW = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
BIG_TELEGRAM_ID = 7_123_456_789  # above 2**31: needs BIGINT


async def test_user_created_once_and_refreshed(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.users.seen(BIG_TELEGRAM_ID, "en-GB", NOW)
    async with unit_of_work(rollback_sessionmaker) as repos:
        user = await repos.users.seen(BIG_TELEGRAM_ID, "de", NOW + timedelta(hours=1))
    async with unit_of_work(rollback_sessionmaker) as repos:
        stored = await repos.users.get(BIG_TELEGRAM_ID)
    assert stored is not None
    assert stored.language_code == "de" == user.language_code
    assert stored.created_at == NOW
    assert stored.updated_at == NOW + timedelta(hours=1)
    assert stored.updated_at.tzinfo is not None


async def test_timestamps_come_back_as_utc(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    paris_time = datetime(2026, 11, 23, 8, 30, tzinfo=timezone(timedelta(hours=1)))
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.users.seen(1, None, paris_time)
    async with unit_of_work(rollback_sessionmaker) as repos:
        user = await repos.users.get(1)
    assert user is not None
    assert user.created_at == NOW
    assert user.created_at.utcoffset() == timedelta(0)


async def test_naive_timestamps_are_refused(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async def store_naive() -> None:
        async with unit_of_work(rollback_sessionmaker) as repos:
            await repos.users.seen(1, None, NOW.replace(tzinfo=None))

    with pytest.raises(StatementError, match="naive datetimes"):
        await store_naive()


async def test_failed_unit_of_work_rolls_back(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async def failing_update() -> None:
        async with unit_of_work(rollback_sessionmaker) as repos:
            await repos.users.seen(2, None, NOW)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await failing_update()
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await repos.users.get(2) is None


async def test_open_session_lifecycle(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.users.seen(3, None, NOW)
        first = await repos.triage.add(
            TriageSession(user_id=3, status="open", path=[], created_at=NOW, updated_at=NOW)
        )
    async with unit_of_work(rollback_sessionmaker) as repos:
        found = await repos.triage.open_for(3)
        assert found is not None
        assert found.id == first.id
        assert await repos.triage.close_open(3, "abandoned", NOW) == 1
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await repos.triage.open_for(3) is None
        closed = await repos.triage.get(first.id)
        assert closed is not None
        assert closed.status == "abandoned"


async def test_deleting_a_user_deletes_everything(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.users.seen(4, None, NOW)
        triage = await repos.triage.add(
            TriageSession(
                user_id=4, status="finished", path=[["a", "b"]], created_at=NOW, updated_at=NOW
            )
        )
        repos.reports.add(
            SymptomReport(
                user_id=4,
                triage_session_id=triage.id,
                source="triage",
                tier="self_care",
                stop_outcome=None,
                red_flag=False,
                causes=["toe_box"],
                answers=[["a", "b"]],
                created_at=NOW,
            )
        )
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert len(await repos.reports.for_user(4)) == 1
        assert await repos.users.delete(4) is True
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await repos.reports.for_user(4) == []
        assert await repos.triage.get(triage.id) is None
        assert await repos.users.delete(4) is False


async def test_deactivate_and_reactivate(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.users.seen(5, "en", NOW)
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.users.deactivate(5, NOW)
    async with unit_of_work(rollback_sessionmaker) as repos:
        user = await repos.users.get(5)
        assert user is not None
        assert user.is_active is False
        await repos.users.seen(5, "en", NOW)
    async with unit_of_work(rollback_sessionmaker) as repos:
        user = await repos.users.get(5)
        assert user is not None
        assert user.is_active is True
