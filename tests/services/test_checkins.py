"""The check-in use cases without Telegram, on SQLite and PostgreSQL.

The warning signs, the diabetic-foot question, the shoe question, and how often numbness
brings a message.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.content.loader import Knowledge
from bot.content.models import Tier
from bot.db.models import AlertLevel, RunPlan, Shoe
from bot.db.uow import Repositories, unit_of_work
from bot.services import checkins
from bot.services.checkins import (
    CheckinDone,
    CheckinQuestion,
    Closed,
    DoctorSeen,
    ShoeChoice,
    Stale,
)
from bot.services.context import Context

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
        self.ctx = Context(knowledge, "UTC", NOW)
        self.step = 0

    async def __call__(self, answer_id: str, user_id: int = RUNNER) -> Outcome:
        async with unit_of_work(self.sessionmaker) as repos:
            on_step = checkins.Press(user_id, self.checkin, self.step)
            outcome = await checkins.answer(repos, self.ctx, on_step, answer_id)
        if isinstance(outcome, CheckinQuestion):
            self.step = outcome.step
        return outcome

    async def signs(self, *picked: str, user_id: int = RUNNER) -> Outcome:
        """Press "Done" on the warning signs with these picked ("None of these" without)."""
        answers = [a.id for a in self.knowledge.checkin_steps["signs"].answers]
        bits = sum(1 << answers.index(answer_id) for answer_id in picked)
        async with unit_of_work(self.sessionmaker) as repos:
            on_step = checkins.Press(user_id, self.checkin, self.step)
            outcome = await checkins.answer_picked(repos, self.ctx, on_step, bits)
        if isinstance(outcome, CheckinQuestion):
            self.step = outcome.step
        return outcome

    async def numb(self, where: str, after: str) -> Outcome:
        """Report numbness at `where` that went `after`, and no warning sign."""
        await self("yes")
        await self(where)
        signs = await self(after)
        assert isinstance(signs, CheckinQuestion)
        assert (signs.step_id, signs.multi) == ("signs", True)
        return await self.signs()


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
    asked = await press.numb("toes", "minutes")
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
        again = await checkins.current(repos, press.ctx, checkin_id)
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
    assert await press.numb("toes", "minutes") == CheckinDone(
        numb=True, fix="fix_roomy_shoes", invite_to_gear=True
    )
    async with unit_of_work(rollback_sessionmaker) as repos:
        stored = await repos.checkins.get(checkin_id)
    assert stored is not None
    assert stored.status == "answered"


async def test_no_invitation_to_gear_when_the_tip_has_no_shoe_version(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser
) -> None:
    assert await press.numb("top", "half_hour") == CheckinDone(numb=True, fix="fix_gap_lacing")


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


async def test_numbness_still_there_escalates_with_the_shoe_question(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser, checkin_id: int
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        shoe = await _shoe(repos, RUNNER, "Pegasus 40", insoles="custom")
    asked = await press.numb("sole", "lasting")
    assert isinstance(asked, CheckinQuestion)
    assert asked.escalation == "persistent"
    done = await press(f"s{shoe.id}")
    assert done == CheckinDone(numb=True, fix="fix_tarsal_check")
    async with unit_of_work(rollback_sessionmaker) as repos:
        no_run = await checkins.no_run(repos, press.ctx, RUNNER, checkin_id)
    assert no_run == Stale(Closed.FINISHED)


async def test_i_didnt_run_is_refused_once_the_feet_answers_are_in(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser, checkin_id: int
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await _shoe(repos, RUNNER, "Pegasus 40")
    await press("no")
    async with unit_of_work(rollback_sessionmaker) as repos:
        no_run = await checkins.no_run(repos, press.ctx, RUNNER, checkin_id)
        assert no_run == Stale(Closed.FINISHED)
        stored = await repos.checkins.get(checkin_id)
    assert stored is not None
    assert (stored.status, stored.numb) == ("open", False)


# ── Warning signs, several at once ───────────────────────────────────────────


async def _settings(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> tuple[int, datetime | None]:
    async with unit_of_work(sessionmaker) as repos:
        settings = await repos.schedules.settings_for(RUNNER, NOW)
        return settings.alert_level, settings.doctor_seen_at


async def test_picks_travel_in_the_buttons_until_done(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser, checkin_id: int
) -> None:
    await press("yes")
    await press("toes")
    signs = await press("minutes")
    assert isinstance(signs, CheckinQuestion)
    async with unit_of_work(rollback_sessionmaker) as repos:
        on_signs = checkins.Press(RUNNER, checkin_id, 3)
        shown = await checkins.pick(repos, press.ctx, on_signs, 0b101)
        forged = await checkins.pick(repos, press.ctx, on_signs, 1 << 12)
        early = await checkins.pick(repos, press.ctx, checkins.Press(RUNNER, checkin_id, 2), 1)
        stored = await repos.checkins.get(checkin_id)
    assert isinstance(shown, CheckinQuestion)
    assert (shown.step_id, shown.picked) == ("signs", 0b101)
    assert forged == Stale(Closed.UNKNOWN)
    assert isinstance(early, Stale)
    assert early.reason is Closed.OUT_OF_DATE
    assert stored is not None
    assert len(stored.answers) == 3, "a pick stores nothing"
    assert await press("stroke") == Stale(Closed.UNKNOWN), "one answer can't skip Done"


async def test_several_red_flags_end_with_the_most_urgent_action_and_each_meaning(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser, checkin_id: int
) -> None:
    await press("yes")
    await press("leg")
    await press("half_hour")
    done = await press.signs("leg_injury", "breathless", "infection")
    assert done == CheckinDone(numb=True, stops=("clot_lung", "leg_injury"), action="call_now")
    async with unit_of_work(rollback_sessionmaker) as repos:
        stored = await repos.checkins.get(checkin_id)
    assert stored is not None
    assert (stored.status, stored.red_flag) == ("answered", True)
    assert stored.answers[-1] == ["signs", "breathless", "leg_injury", "infection"]
    assert await _settings(rollback_sessionmaker) == (AlertLevel.EMERGENCY, None)
    assert await press.signs("stroke") == Stale(Closed.FINISHED), "never a second alert"


async def test_same_day_signs_end_with_the_urgent_message_and_their_reasons(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser
) -> None:
    await press("yes")
    await press("whole")
    await press("lasting")
    done = await press.signs("clot", "infection")
    assert done == CheckinDone(
        numb=True, alert_tier=Tier.URGENT, alert_reasons=("infection", "clot")
    )
    assert (await _settings(rollback_sessionmaker))[0] == AlertLevel.URGENT


# ── The diabetic foot, for a runner whose health notes say diabetes ──────────


async def test_a_runner_with_diabetes_is_asked_about_new_wounds(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.health.update(RUNNER, [("diabetes", True)], NOW)
    await press("yes")
    await press("toes")
    await press("minutes")
    wound = await press.signs()
    assert isinstance(wound, CheckinQuestion)
    assert wound.step_id == "wound"
    assert await press("yes") == CheckinDone(
        numb=True, alert_tier=Tier.URGENT, alert_reasons=("diabetic_foot",)
    )


async def test_no_wound_question_without_diabetes_or_after_a_clear_run(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.health.update(RUNNER, [("nerve", True)], NOW)
    assert await press.numb("toes", "minutes") == CheckinDone(
        numb=True, fix="fix_roomy_shoes", invite_to_gear=True
    )


# ── How often numbness brings the see-a-doctor message ───────────────────────


async def _checkin_on(
    sessionmaker: async_sessionmaker[AsyncSession], knowledge: Knowledge, days_ago: int
) -> Presser:
    async with unit_of_work(sessionmaker) as repos:
        [plan] = await repos.schedules.plans(RUNNER)
        run_at = NOW - timedelta(days=days_ago, hours=1)
        checkin = await repos.checkins.open_for_run(RUNNER, plan.id, run_at, NOW)
    return Presser(sessionmaker, knowledge, checkin.id)


async def test_a_worse_picture_alerts_again_but_never_twice_at_one_level(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], checkin_id: int, knowledge: Knowledge
) -> None:
    """Recurring numbness alerts once; numbness that didn't clear then alerts once more."""
    fired = []
    for days_ago, after in [(6, "minutes"), (5, "minutes"), (4, "minutes"), (3, "minutes")]:
        runner = await _checkin_on(rollback_sessionmaker, knowledge, days_ago)
        done = await runner.numb("toes", after)
        assert isinstance(done, CheckinDone)
        fired.append(done.escalation)
    assert fired == [None, None, "recent_runs", None], "recurring: once per episode"
    for days_ago in (2, 1):
        runner = await _checkin_on(rollback_sessionmaker, knowledge, days_ago)
        done = await runner.numb("toes", "lasting")
        assert isinstance(done, CheckinDone)
        fired.append(done.escalation)
    assert fired[4:] == ["persistent", None], "then a sign, once per episode"
    assert (await _settings(rollback_sessionmaker))[0] == AlertLevel.SIGN


async def test_seen_a_doctor_quiets_recurring_messages_but_not_signs(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser, knowledge: Knowledge
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        seen = await checkins.seen_doctor(repos, press.ctx, RUNNER, press.checkin)
        theirs = await checkins.seen_doctor(repos, press.ctx, OTHER, press.checkin)
    assert seen == DoctorSeen(knowledge.escalation.seen_doctor_days)
    assert theirs == Stale(Closed.UNKNOWN)
    assert await _settings(rollback_sessionmaker) == (AlertLevel.NONE, NOW)
    fired = []
    for days_ago in (3, 2, 1):
        runner = await _checkin_on(rollback_sessionmaker, knowledge, days_ago)
        done = await runner.numb("toes", "minutes")
        assert isinstance(done, CheckinDone)
        fired.append(done.escalation)
    assert fired == [None, None, None], "quiet while the doctor knows"
    done = await press.numb("leg", "minutes")
    assert isinstance(done, CheckinDone)
    assert done.escalation == "up_leg", "a sign is never quieted"


async def test_a_checkin_answered_after_delete_me_gets_a_note(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], press: Presser, knowledge: Knowledge
) -> None:
    await press("yes")
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await repos.users.delete(RUNNER)
    assert await press("toes") == Stale(Closed.UNKNOWN)
    assert await press.signs("stroke") == Stale(Closed.UNKNOWN)
    async with unit_of_work(rollback_sessionmaker) as repos:
        gone = await checkins.seen_doctor(repos, press.ctx, RUNNER, press.checkin)
    assert gone == Stale(Closed.UNKNOWN)
