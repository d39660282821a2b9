"""Retention on SQLite and PostgreSQL: what is older than the cut-off goes, a batch at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.base import Base
from bot.db.models import Checkin, Reminder, RunPlan, Shoe, SymptomReport, TriageSession
from bot.db.uow import Repositories, unit_of_work
from bot.services import retention

NOW = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
CUTOFF = retention.cutoff(NOW, 730)
OLD, RECENT = CUTOFF - timedelta(days=1), CUTOFF + timedelta(minutes=1)
RUNNER = 7_200_000_001


async def _seed(repos: Repositories, old: int, recent: int) -> dict[str, int]:
    """Store `old` and `recent` check-ins, reports and sessions; return the ids of some."""
    await repos.users.seen(RUNNER, "en", NOW)
    plan = await repos.schedules.add_plan(
        RunPlan(
            user_id=RUNNER,
            status="active",
            weekdays=0b1111111,
            start_minute=420,
            duration_minutes=60,
            created_at=NOW,
            updated_at=NOW,
        )
    )
    ids: dict[str, int] = {}
    times = [OLD - timedelta(hours=n) for n in range(old)]
    times += [RECENT + timedelta(hours=n) for n in range(recent)]
    for n, at in enumerate(times):
        status = ("answered", "no_run", "open")[n % 3]
        checkin = await repos.checkins.add(
            Checkin(
                user_id=RUNNER,
                plan_id=plan.id if n % 2 else None,
                run_at=at,
                status=status,
                answers=[["numb", "no"]],
                created_at=at,
            )
        )
        session = await repos.triage.add(
            TriageSession(user_id=RUNNER, status="finished", path=[], created_at=at, updated_at=at)
        )
        repos.reports.add(
            SymptomReport(
                user_id=RUNNER,
                triage_session_id=session.id,
                source="triage",
                tier="self_care",
                causes=[],
                answers=[],
                created_at=at,
            )
        )
        ids.setdefault("first_old_checkin" if at < CUTOFF else "recent_checkin", checkin.id)
        ids.setdefault("first_old_session" if at < CUTOFF else "recent_session", session.id)
    if not old:
        return ids
    # A snooze of the oldest check-in goes with it; a recent report of an old session stays.
    repos.reminders.add(
        Reminder(
            user_id=RUNNER,
            plan_id=plan.id,
            kind="snooze",
            state="pending",
            run_at=OLD,
            due_at=NOW,
            attempts=0,
            checkin_id=ids["first_old_checkin"],
        )
    )
    repos.reports.add(
        SymptomReport(
            user_id=RUNNER,
            triage_session_id=ids["first_old_session"],
            source="triage",
            tier="see_doctor",
            causes=[],
            answers=[["q_where", "toes"]],
            created_at=RECENT,
        )
    )
    shoe = Shoe(user_id=RUNNER, name="Old pair", settings={}, created_at=OLD, updated_at=OLD)
    await repos.shoes.add(shoe)
    return ids


async def _count(sessionmaker: async_sessionmaker[AsyncSession], model: type[Base]) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_old_rows_go_in_batches_and_recent_ones_stay(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        ids = await _seed(repos, old=5, recent=3)

    batches = []
    while True:
        async with unit_of_work(rollback_sessionmaker) as repos:
            batch = await retention.purge_batch(repos, CUTOFF, limit=2)
        batches.append(batch)
        if not batch.full(2):
            break
    assert batches == [
        retention.Purged(2, 2, 2),
        retention.Purged(2, 2, 2),
        retention.Purged(1, 1, 1),
    ], "at most one batch of each table per transaction, oldest first"
    assert sum(batches, retention.Purged()).total == 15

    assert await _count(rollback_sessionmaker, Checkin) == 3
    assert await _count(rollback_sessionmaker, TriageSession) == 3
    assert await _count(rollback_sessionmaker, SymptomReport) == 4
    assert await _count(rollback_sessionmaker, Reminder) == 0, "the old check-in's snooze went"
    assert await _count(rollback_sessionmaker, Shoe) == 1, "current state is not history"
    async with rollback_sessionmaker() as session:
        kept = (await session.scalars(select(SymptomReport).order_by(SymptomReport.id))).all()
        assert [r.tier for r in kept if r.triage_session_id is None] == ["see_doctor"]
        assert kept[-1].answers == [["q_where", "toes"]], "a report keeps its own answers"
        assert await session.get(Checkin, ids["recent_checkin"]) is not None
        assert await session.get(TriageSession, ids["recent_session"]) is not None


async def test_nothing_old_deletes_nothing(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await _seed(repos, old=0, recent=2)
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await retention.purge_batch(repos, CUTOFF, 10) == retention.Purged()
    assert await _count(rollback_sessionmaker, Checkin) == 2
