"""The check-in use cases without Telegram, on SQLite and PostgreSQL: the shoe question."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.content.loader import Knowledge
from bot.db.models import RunPlan, Shoe
from bot.db.uow import Repositories, unit_of_work
from bot.services import checkins
from bot.services.checkins import CheckinDone, CheckinQuestion, Closed, ShoeChoice, Stale

NOW = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
RUNNER, OTHER = 7_000_000_001, 7_000_000_002
Outcome = CheckinQuestion | CheckinDone | Stale


async def _shoe(repos: Repositories, user_id: int, name: str, **settings: str) -> Shoe:
    others = await repos.shoes.for_user(user_id)
    return await repos.shoes.add(
        Shoe(
            user_id=user_id,
            name=name,
            is_default=not others,
            settings=settings,
            created_at=NOW,
            updated_at=NOW,
        )
    )


@pytest.fixture
async def checkin_id(rollback_sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """An open check-in of the runner's 06:00 run."""
    async with unit_of_work(rollback_sessionmaker) as repos:
        for user_id in (RUNNER, OTHER):
            await repos.users.seen(user_id, "en", NOW)
        plan = await repos.schedules.add_plan(
            RunPlan(
                user_id=RUNNER,
                status="active",
                weekdays=0b0000100,
                start_minute=6 * 60,
                duration_minutes=60,
                tip_on=True,
                checkin_on=True,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        checkin = await repos.checkins.open_for_run(RUNNER, plan.id, NOW - timedelta(hours=1), NOW)
        return checkin.id


class Presser:
    """Answers one check-in step by step, each press in a unit of work of its own."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], knowledge: Knowledge, checkin: int
    ) -> None:
        self.sessionmaker, self.knowledge, self.checkin = sessionmaker, knowledge, checkin
        self.step = 0

    async def __call__(self, answer_id: str, user_id: int = RUNNER) -> Outcome:
        async with unit_of_work(self.sessionmaker) as repos:
            outcome = await checkins.answer(
                repos, self.knowledge, "UTC", user_id, self.checkin, self.step, answer_id, NOW
            )
        if isinstance(outcome, CheckinQuestion):
            self.step = outcome.step
        return outcome


@pytest.fixture
def press(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], knowledge: Knowledge, checkin_id: int
) -> Presser:
    return Presser(rollback_sessionmaker, knowledge, checkin_id)


async def test_the_shoe_question_lists_the_default_first_after_the_feet_answers(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser, checkin_id: int
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        older = await _shoe(repos, RUNNER, "Pegasus 40", fit="tight")
        newer = await _shoe(repos, RUNNER, "Trail shoes")
        await repos.shoes.make_default(await repos.shoes.for_user(RUNNER), newer)
    await press("yes")
    await press("toes")
    asked = await press("minutes")
    assert isinstance(asked, CheckinQuestion)
    assert asked.step_id == "shoe"
    assert asked.shoes == (
        ShoeChoice(newer.id, "Trail shoes", True),
        ShoeChoice(older.id, "Pegasus 40", False),
    )
    assert [shoe.answer_id for shoe in asked.shoes] == [f"s{newer.id}", f"s{older.id}"]
    assert asked.answer_ids == ("unsure",)
    assert asked.escalation is None
    async with unit_of_work(rollback_sessionmaker) as repos:
        [counted] = await repos.checkins.recent_answered(RUNNER, 5, NOW - timedelta(days=1))
        assert counted.id == checkin_id, "the feet answers count before the shoe is said"
        assert (counted.status, counted.numb, counted.shoe_id) == ("open", True, None)
        again = await checkins.current(repos, press.knowledge, "UTC", checkin_id)
    assert again == asked, "a copy sent again asks the same"

    done = await press(f"s{older.id}")
    assert done == CheckinDone(numb=True, fix="fix_roomy_tight", shoe="Pegasus 40")
    async with unit_of_work(rollback_sessionmaker) as repos:
        stored = await repos.checkins.get(checkin_id)
    assert stored is not None
    assert (stored.status, stored.shoe_id) == ("answered", older.id)


async def test_without_shoes_the_feet_answers_end_the_checkin(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser, checkin_id: int
) -> None:
    await press("yes")
    await press("toes")
    assert await press("minutes") == CheckinDone(
        numb=True, fix="fix_roomy_shoes", invite_to_gear=True
    )
    async with unit_of_work(rollback_sessionmaker) as repos:
        stored = await repos.checkins.get(checkin_id)
    assert stored is not None
    assert stored.status == "answered"


async def test_no_invitation_to_gear_when_the_tip_has_no_shoe_version(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser
) -> None:
    await press("yes")
    await press("top")
    assert await press("hour") == CheckinDone(numb=True, fix="fix_gap_lacing")


async def test_not_sure_after_a_clear_run(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await _shoe(repos, RUNNER, "Pegasus 40")
    assert isinstance(await press("no"), CheckinQuestion)
    assert await press("unsure") == CheckinDone(numb=False)


async def test_gone_other_runners_and_malformed_shoes(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        kept = await _shoe(repos, RUNNER, "Pegasus 40")
        doomed = await _shoe(repos, RUNNER, "Old pair")
        theirs = await _shoe(repos, OTHER, "Not yours")
    asked = await press("no")
    assert isinstance(asked, CheckinQuestion)
    async with unit_of_work(rollback_sessionmaker) as repos:
        gone = await repos.shoes.get(RUNNER, doomed.id)
        assert gone is not None
        await repos.shoes.delete(gone)
    for shoe_id in (doomed.id, theirs.id):
        stale = await press(f"s{shoe_id}")
        assert isinstance(stale, Stale)
        assert stale.reason is Closed.SHOE_GONE
        assert stale.current is not None
        assert stale.current.shoes == (ShoeChoice(kept.id, "Pegasus 40", True),)
    for forged in ("s0", f"s0{kept.id}", "shoe", "s"):
        assert await press(forged) == Stale(Closed.UNKNOWN)
    assert await press(f"s{kept.id}", user_id=OTHER) == Stale(Closed.UNKNOWN)
    assert await press(f"s{kept.id}") == CheckinDone(numb=False)


async def test_persistent_numbness_escalates_with_the_shoe_question(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser, checkin_id: int
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        shoe = await _shoe(repos, RUNNER, "Pegasus 40", insoles="custom")
    await press("yes")
    await press("sole")
    asked = await press("lasting")
    assert isinstance(asked, CheckinQuestion)
    assert asked.escalation == "persistent"
    done = await press(f"s{shoe.id}")
    assert done == CheckinDone(numb=True, fix="fix_arch_custom", shoe="Pegasus 40")
    async with unit_of_work(rollback_sessionmaker) as repos:
        no_run = await checkins.no_run(repos, press.knowledge, "UTC", RUNNER, checkin_id, NOW)
    assert no_run == Stale(Closed.FINISHED)


async def test_i_didnt_run_is_refused_once_the_feet_answers_are_in(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser, checkin_id: int
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await _shoe(repos, RUNNER, "Pegasus 40")
    await press("no")
    async with unit_of_work(rollback_sessionmaker) as repos:
        no_run = await checkins.no_run(repos, press.knowledge, "UTC", RUNNER, checkin_id, NOW)
        assert no_run == Stale(Closed.FINISHED)
        stored = await repos.checkins.get(checkin_id)
    assert stored is not None
    assert (stored.status, stored.numb) == ("open", False)
