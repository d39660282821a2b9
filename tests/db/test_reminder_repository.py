"""Reminder claiming and the scheduling tables on real SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.content.loader import Knowledge
from bot.db.engine import make_sessionmaker
from bot.db.migrate import upgrade_to_head
from bot.db.models import Checkin, Reminder, RunPlan
from bot.db.uow import Repositories, unit_of_work
from bot.services import reminders
from bot.services.reminders import DispatchLimits
from tests.conftest import postgres_database

NOW = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
USER = 7_123_456_789


async def plan_with_tips(repos: Repositories, count: int, due: datetime) -> list[int]:
    """Give the runner `count` daily plans whose tips are all due at `due`; return reminder ids."""
    await repos.users.seen(USER, "en", NOW)
    await repos.schedules.settings_for(USER, NOW)
    ids = []
    for n in range(count):
        plan = await repos.schedules.add_plan(
            RunPlan(
                user_id=USER,
                status="active",
                weekdays=0b1111111,
                start_minute=7 * 60 + n,
                duration_minutes=60,
                tip_on=True,
                checkin_on=False,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        reminder = Reminder(
            user_id=USER,
            plan_id=plan.id,
            kind="tip",
            state="pending",
            run_at=due + timedelta(minutes=30 + n),
            due_at=due + timedelta(seconds=n),
            attempts=0,
        )
        repos.reminders.add(reminder)
        [stored] = await repos.reminders.for_plan(plan.id)  # the session flushes before a query
        ids.append(stored.id)
    return ids


async def test_claims_walk_the_due_rows_in_fixed_batches(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], knowledge: Knowledge
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        ids = await plan_with_tips(repos, 7, NOW - timedelta(minutes=5))
    limits = DispatchLimits(batch_size=3, lease=timedelta(minutes=5), max_attempts=3)
    claimed: list[int] = []
    cursor = None
    batches = []
    while True:
        async with unit_of_work(rollback_sessionmaker) as repos:
            claim = await reminders.claim_due(repos, knowledge, "UTC", limits, NOW, cursor)
        batches.append(len(claim.outgoing))
        claimed += [o.reminder_id for o in claim.outgoing]
        if claim.scanned < limits.batch_size:
            break
        cursor = claim.cursor
    assert batches == [3, 3, 1]
    assert claimed == ids, "each due row once, in due order"
    async with unit_of_work(rollback_sessionmaker) as repos:
        again = await reminders.claim_due(repos, knowledge, "UTC", limits, NOW)
        assert again.outgoing == (), "claimed rows are leased"
        later = NOW + limits.lease
        assert (
            len((await reminders.claim_due(repos, knowledge, "UTC", limits, later)).outgoing) == 3
        )


async def test_deleting_a_runner_deletes_plans_reminders_and_checkins(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await plan_with_tips(repos, 1, NOW)
        [plan] = await repos.schedules.plans(USER)
        checkin = await repos.checkins.open_for_run(USER, plan.id, NOW, NOW)
        assert (await repos.checkins.open_for_run(USER, plan.id, NOW, NOW)).id == checkin.id
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await repos.users.delete(USER) is True
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await repos.schedules.plans(USER, ("active", "draft", "done")) == []
        assert await repos.reminders.for_plan(plan.id) == []
        assert await repos.checkins.get(checkin.id) is None
        assert await repos.schedules.settings(USER) is None


async def test_deleting_a_plan_keeps_its_checkins(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await plan_with_tips(repos, 1, NOW)
        [plan] = await repos.schedules.plans(USER)
        checkin = await repos.checkins.open_for_run(USER, plan.id, NOW, NOW)
        await repos.schedules.delete_plan(plan)
    async with unit_of_work(rollback_sessionmaker) as repos:
        kept = await repos.checkins.get(checkin.id)
        assert isinstance(kept, Checkin)
        assert kept.plan_id is None
        assert await repos.reminders.for_plan(plan.id) == []


@pytest.mark.postgres
async def test_two_sessions_claim_disjoint_rows_with_skip_locked(knowledge: Knowledge) -> None:
    async with postgres_database() as engine:
        await upgrade_to_head(engine)
        sessionmaker = make_sessionmaker(engine)
        async with unit_of_work(sessionmaker) as repos:
            ids = await plan_with_tips(repos, 6, NOW - timedelta(minutes=1))
        async with unit_of_work(sessionmaker) as first, unit_of_work(sessionmaker) as second:
            # Both transactions are open at once: the first holds its row locks while the
            # second looks, so the second skips them instead of waiting or double-claiming.
            mine = [row[0].id for row in await first.reminders.due(NOW, None, 4)]
            theirs = [row[0].id for row in await second.reminders.due(NOW, None, 4)]
        assert mine == ids[:4]
        assert theirs == ids[4:]
        await engine.dispose()
