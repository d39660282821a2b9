"""Reminder claiming and the scheduling tables on real SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.content.loader import Knowledge
from bot.db.engine import make_sessionmaker
from bot.db.migrate import upgrade_to_head
from bot.db.models import Checkin, Reminder, RunPlan
from bot.db.uow import Repositories, unit_of_work
from bot.scheduler.dispatcher import Dispatcher
from bot.services import reminders
from bot.services.reminders import DispatchLimits
from tests.conftest import FakeClock, postgres_database

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


async def test_tips_are_claimed_early_only_as_far_as_the_queue_needs(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], knowledge: Knowledge
) -> None:
    soon = NOW + timedelta(minutes=10)
    async with unit_of_work(rollback_sessionmaker) as repos:
        ids = await plan_with_tips(repos, 10, soon)
        fresh, (checkin, retrying, claimed) = ids[:7], ids[7:]
        rows = {
            r.id: r
            for plan in await repos.schedules.plans(USER)
            for r in await repos.reminders.for_plan(plan.id)
        }
        rows[checkin].kind = "checkin"  # check-ins never go early
        rows[retrying].attempts = 1  # waiting out a retry: not before its time
        rows[claimed].claimed_until = rows[claimed].due_at  # another process's, in flight
    slow = DispatchLimits(
        batch_size=50,
        lease=timedelta(minutes=5),
        max_attempts=3,
        send_rate=0.01,
        tip_early=timedelta(minutes=30),
    )
    async with unit_of_work(rollback_sessionmaker) as repos:
        # Ten queued at one per 100 s take 1000 s to send: tips up to then may go now.
        horizon = await reminders.tip_horizon(repos, slow, NOW)
        assert horizon == NOW + timedelta(seconds=1000)
        quick = DispatchLimits(50, timedelta(minutes=5), 3, send_rate=1, tip_early=slow.tip_early)
        assert await reminders.tip_horizon(repos, quick, NOW) == NOW + timedelta(seconds=10)
        never = DispatchLimits(50, timedelta(minutes=5), 3, send_rate=0.01)
        assert await reminders.tip_horizon(repos, never, NOW) == NOW
        on_time = await reminders.claim_due(
            repos, knowledge, "UTC", slow, NOW, tips_until=NOW + timedelta(seconds=10)
        )
        assert on_time.outgoing == (), "ten minutes ahead is beyond a 10 s horizon"
        early = await reminders.claim_due(repos, knowledge, "UTC", slow, NOW, tips_until=horizon)
        assert [o.reminder_id for o in early.outgoing] == fresh


async def test_claiming_more_checkins_takes_no_more_statements(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
    any_engine: AsyncEngine,
    knowledge: Knowledge,
) -> None:
    """A batch of check-ins is opened and rendered set-based, not row by row."""
    settings = Settings(_env_file=None, dispatch_batch_size=100)  # type: ignore[call-arg]
    dispatcher = Dispatcher(settings, knowledge, rollback_sessionmaker, FakeClock(NOW))
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    counted = []
    for runs in (3, 12):
        async with unit_of_work(rollback_sessionmaker) as repos:
            fresh = set(await plan_with_tips(repos, runs, NOW - timedelta(minutes=1)))
            for plan in await repos.schedules.plans(USER):
                for reminder in await repos.reminders.for_plan(plan.id):
                    if reminder.id in fresh:
                        reminder.kind = "checkin"
                        reminder.run_at = NOW - timedelta(minutes=90)
        event.listen(any_engine.sync_engine, "before_cursor_execute", count)
        try:
            batch = await dispatcher.claim()
        finally:
            event.remove(any_engine.sync_engine, "before_cursor_execute", count)
        assert len(batch.messages) == runs
        assert all("How was your run" in m.text for m in batch.messages.values())
        counted.append(len(statements))
        statements.clear()
    assert counted[0] == counted[1], counted
