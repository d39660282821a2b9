"""/delete_me's promise on SQLite and PostgreSQL: every table loses the runner, no one else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.base import Base
from bot.db.models import (
    Checkin,
    GearChange,
    HealthNote,
    PendingInput,
    Reminder,
    RunnerSettings,
    RunPlan,
    Shoe,
    SymptomReport,
    TriageSession,
    User,
)
from bot.db.uow import Repositories, unit_of_work
from bot.services import users

NOW = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
LEAVING, STAYING = 7_100_000_001, 7_100_000_002
PER_RUNNER = (
    User,
    TriageSession,
    SymptomReport,
    HealthNote,
    Shoe,
    PendingInput,
    RunnerSettings,
    RunPlan,
    Checkin,
    Reminder,
    GearChange,
)
"""Every table; each has the runner's id (`id` for users, `user_id` for the rest)."""


async def _everything(repos: Repositories, user_id: int) -> None:
    """Store one of each thing the bot keeps about a runner."""
    await repos.users.seen(user_id, "en", NOW)
    triage = await repos.triage.add(
        TriageSession(user_id=user_id, status="finished", path=[], created_at=NOW, updated_at=NOW)
    )
    repos.reports.add(
        SymptomReport(
            user_id=user_id,
            triage_session_id=triage.id,
            source="triage",
            tier="self_care",
            causes=["toe_box"],
            answers=[],
            created_at=NOW,
        )
    )
    shoe = await repos.shoes.add(
        Shoe(
            user_id=user_id,
            name="Pegasus 40",
            is_default=True,
            settings={"fit": "snug"},
            created_at=NOW,
            updated_at=NOW,
        )
    )
    repos.gear_changes.add(
        GearChange(
            user_id=user_id,
            shoe_id=shoe.id,
            setting="fit",
            old_value=None,
            new_value="snug",
            changed_at=NOW,
        )
    )
    settings = await repos.schedules.settings_for(user_id, NOW)
    settings.timezone = "Europe/Berlin"
    plan = await repos.schedules.add_plan(
        RunPlan(
            user_id=user_id,
            status="active",
            weekdays=0b1111111,
            start_minute=420,
            duration_minutes=60,
            tip_on=True,
            checkin_on=True,
            created_at=NOW,
            updated_at=NOW,
        )
    )
    checkin = await repos.checkins.open_for_run(user_id, plan.id, NOW, NOW)
    checkin.status, checkin.numb, checkin.shoe_id = "answered", True, shoe.id
    checkin.answers = [["numb", "yes"], ["shoe", f"s{shoe.id}"]]
    for kind, due in (("tip", NOW), ("checkin", NOW), ("snooze", NOW + timedelta(hours=1))):
        repos.reminders.add(
            Reminder(
                user_id=user_id,
                plan_id=plan.id,
                kind=kind,
                state="pending",
                run_at=NOW,
                due_at=due,
                attempts=0,
                checkin_id=checkin.id if kind == "snooze" else None,
            )
        )
    await repos.pending.wait_for(user_id, "rename_shoe", shoe.id, NOW, NOW + timedelta(hours=1))
    await repos.health.update(user_id, [("diabetes", True), ("nerve", True)], NOW)


async def _counts(sessionmaker: async_sessionmaker[AsyncSession], user_id: int) -> dict[str, int]:
    counts = {}
    async with sessionmaker() as session:
        for model in PER_RUNNER:
            table = model.__table__
            owner = table.c.id if model is User else table.c.user_id
            counts[table.name] = await session.scalar(
                select(func.count()).select_from(table).where(owner == user_id)
            )
    return counts


async def test_delete_me_removes_every_row_of_the_runner_and_nothing_else(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await _everything(repos, LEAVING)
        await _everything(repos, STAYING)
    assert set(Base.metadata.tables) == {model.__table__.name for model in PER_RUNNER}
    before = await _counts(rollback_sessionmaker, LEAVING)
    assert all(count >= 1 for count in before.values()), before
    assert before["reminders"] == 3

    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await users.delete_everything(repos, LEAVING) is True

    assert set((await _counts(rollback_sessionmaker, LEAVING)).values()) == {0}
    assert await _counts(rollback_sessionmaker, STAYING) == before
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await users.delete_everything(repos, LEAVING) is False
