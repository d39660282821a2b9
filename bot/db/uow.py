"""The unit of work: one transaction per update or job, committed once at the boundary."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.repositories import (
    CheckinRepo,
    GearChangeRepo,
    HealthNoteRepo,
    PendingInputRepo,
    ReminderRepo,
    ReportRepo,
    RunnerDataRepo,
    ScheduleRepo,
    ShoeRepo,
    TriageRepo,
    UserRepo,
)


@dataclass(frozen=True, slots=True)
class Repositories:
    """The repositories of one unit of work, all sharing its session."""

    users: UserRepo
    triage: TriageRepo
    reports: ReportRepo
    shoes: ShoeRepo
    pending: PendingInputRepo
    schedules: ScheduleRepo
    reminders: ReminderRepo
    checkins: CheckinRepo
    health: HealthNoteRepo
    runner_data: RunnerDataRepo
    gear_changes: GearChangeRepo


@asynccontextmanager
async def unit_of_work(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[Repositories]:
    """Open a transaction; commit when the block succeeds, roll back when it raises."""
    async with sessionmaker() as session, session.begin():
        yield Repositories(
            UserRepo(session),
            TriageRepo(session),
            ReportRepo(session),
            ShoeRepo(session),
            PendingInputRepo(session),
            ScheduleRepo(session),
            ReminderRepo(session),
            CheckinRepo(session),
            HealthNoteRepo(session),
            RunnerDataRepo(session),
            GearChangeRepo(session),
        )
