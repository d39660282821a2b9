"""/ran and /runs' "Just ran": a check-in after any run, end to end on SQLite and PostgreSQL.

The clock starts on Monday 23 Nov 2026 at 07:30 UTC. The planned runner has Mon/Wed/Fri at
07:00 Berlin time (06:00 UTC) for 60 minutes, so each run's check-in is due at 07:30 UTC and
may still be sent until 11:30 UTC (`checkin_late_hours`).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import BotApplication
from bot.db.models import Checkin, Reminder
from tests.conftest import FakeClock
from tests.e2e.conftest import Runner, errors_logged, rows
from tests.e2e.test_dispatcher import FRI_CHECKIN, WED_CHECKIN, reminder, t_en, tick
from tests.e2e.test_runs import add_weekly_run

RAN_HEADING = "How was the run you just finished?"
NUMB = ("Yes", "Toes", "Within 5 minutes", "None of these")


@pytest.fixture(autouse=True)
def no_errors_logged(caplog: pytest.LogCaptureFixture):
    yield
    assert errors_logged(caplog) == []


async def checkins(app: BotApplication) -> list[dict[str, object]]:
    return sorted(await rows(app, Checkin), key=lambda c: c["id"])


async def answer(runner: Runner, *labels: str) -> None:
    for label in labels:
        await runner.press(label)


def see_doctor_messages(runner: Runner) -> int:
    return sum("Book a check-up" in m.text for m in runner.api.bot_messages(runner.user_id))


async def test_a_runner_without_plans_checks_in_with_ran(
    runner: Runner, app: BotApplication, clock: FakeClock
) -> None:
    await runner.send("/ran")
    assert RAN_HEADING in runner.last.text
    assert t_en("checkin.numb.question") in runner.last.text, "the same first question"
    assert runner.labels == ["No", "Yes", t_en("checkin_flow.no_run")], "no snooze without a plan"
    await answer(runner, *NUMB)
    assert "Thanks, noted." in runner.last.text
    [checkin] = await checkins(app)
    assert checkin["plan_id"] is None
    assert (checkin["status"], checkin["numb"]) == ("answered", True)
    assert checkin["run_at"] == clock.current
    assert checkin["answers"] == [
        ["numb", "yes"],
        ["where", "toes"],
        ["after", "minutes"],
        ["signs"],
    ]


async def test_ran_again_soon_resumes_or_notes_it_never_a_second_checkin(
    runner: Runner, app: BotApplication, clock: FakeClock
) -> None:
    await runner.send("/ran")
    await runner.press("Yes")
    clock.advance(minutes=5)
    await runner.send("/ran")
    assert t_en("checkin.where.question") in runner.last.text, "resumed where it was"
    await answer(runner, *NUMB[1:])
    clock.advance(minutes=20)
    await runner.send("/ran")
    assert runner.last.text == t_en("ran_flow.already_noted")
    assert len(await checkins(app)) == 1

    clock.advance(minutes=6)  # 31 minutes after the first /ran: another run
    await runner.send("/ran")
    assert RAN_HEADING in runner.last.text
    assert len(await checkins(app)) == 2


async def test_ran_counts_for_escalation_like_a_planned_checkin(
    runner: Runner, app: BotApplication, clock: FakeClock
) -> None:
    for day in range(3):
        await runner.send("/ran")
        await answer(runner, *NUMB)
        assert see_doctor_messages(runner) == (1 if day == 2 else 0)
        clock.advance(days=1)
    assert runner.labels == [t_en("checkin_flow.seen_doctor")]
    await runner.send("/ran")
    await answer(runner, "Yes", "Top of foot", "Still numb now", "None of these")
    assert see_doctor_messages(runner) == 2
    assert t_en("escalation.persistent") in runner.last.text


async def test_ran_during_a_planned_run_is_its_checkin_and_the_planned_one_is_not_sent(
    runner: Runner, app: BotApplication, clock: FakeClock
) -> None:
    await add_weekly_run(runner)
    clock.current = WED_CHECKIN - timedelta(minutes=20)  # back 10 minutes early
    await runner.send("/ran")
    assert "How was your run at 07:00?" in runner.last.text
    assert t_en("checkin_flow.snooze") in runner.labels
    await answer(runner, "No")
    assert runner.last.text == t_en("checkin_flow.thanks_clear")

    clock.current = WED_CHECKIN
    sent = len(runner.api.bot_messages(runner.user_id))
    assert await tick(app) == 0, "that run's check-in is answered: not asked twice"
    assert len(runner.api.bot_messages(runner.user_id)) == sent
    [checkin] = await checkins(app)
    assert checkin["plan_id"] is not None
    assert checkin["run_at"] == WED_CHECKIN - timedelta(minutes=90)
    assert (await reminder(app, "checkin"))["run_at"] == FRI_CHECKIN - timedelta(minutes=90)


async def test_an_open_ran_is_asked_again_by_the_planned_checkin(
    runner: Runner, app: BotApplication, clock: FakeClock
) -> None:
    await add_weekly_run(runner)
    clock.current = WED_CHECKIN - timedelta(minutes=20)
    await runner.send("/ran")
    await runner.press("Yes")
    clock.current = WED_CHECKIN
    assert await tick(app) == 1
    assert t_en("checkin.where.question") in runner.last.text, "the open question, not anew"
    await answer(runner, *NUMB[1:])
    [checkin] = await checkins(app)
    assert (checkin["status"], checkin["numb"]) == ("answered", True)


async def test_ran_after_the_planned_checkin_was_sent_resumes_it(
    runner: Runner, app: BotApplication, clock: FakeClock
) -> None:
    await add_weekly_run(runner)
    clock.current = WED_CHECKIN
    assert await tick(app) == 1
    await runner.press("Yes")
    clock.advance(minutes=3)
    await runner.send("/ran")
    assert "How was your run at 07:00?" in runner.last.text
    assert t_en("checkin.where.question") in runner.last.text
    await answer(runner, *NUMB[1:])
    await runner.send("/ran")
    assert runner.last.text == t_en("ran_flow.already_noted")
    assert len(await checkins(app)) == 1


async def test_a_second_run_later_that_day_gets_its_own_checkin(
    runner: Runner, app: BotApplication, clock: FakeClock
) -> None:
    await add_weekly_run(runner)
    clock.current = WED_CHECKIN
    assert await tick(app) == 1
    await answer(runner, "No")
    clock.advance(hours=2)  # still the planned run's check-in time, but answered long ago
    await runner.send("/ran")
    assert RAN_HEADING in runner.last.text
    await answer(runner, *NUMB)
    planned, unplanned = await checkins(app)
    assert (planned["numb"], unplanned["numb"]) == (False, True)
    assert unplanned["plan_id"] is None


async def test_i_didnt_run_then_ran_asks_again_from_the_start(
    runner: Runner, app: BotApplication, clock: FakeClock
) -> None:
    await add_weekly_run(runner)
    clock.current = WED_CHECKIN
    assert await tick(app) == 1
    await runner.press(t_en("checkin_flow.no_run"))
    await runner.send("/ran")
    assert t_en("checkin.numb.question") in runner.last.text
    await answer(runner, "No")
    [checkin] = await checkins(app)
    assert (checkin["status"], checkin["numb"]) == ("answered", False)


async def test_just_ran_on_runs_turns_the_list_into_the_checkin(
    runner: Runner, app: BotApplication, clock: FakeClock
) -> None:
    await runner.send("/runs")
    runs = runner.last
    await runner.press(t_en("ran_flow.button"), runs)
    assert runner.last.message_id == runs.message_id, "edited in place"
    assert RAN_HEADING in runner.last.text
    await answer(runner, "No")
    await runner.send("/runs")
    await runner.press(t_en("ran_flow.button"))
    assert runner.toasts()[-1] == t_en("ran_flow.already_noted")
    assert len(await checkins(app)) == 1


async def test_forged_just_ran_data_gets_the_runs_note(
    runner: Runner, app: BotApplication, clock: FakeClock
) -> None:
    await runner.send("/runs")
    await runner.press_data("r1:ran:1", forge=True)
    assert runner.toasts()[-1] == t_en("runs.invalid_button")
    assert await rows(app, Checkin) == []
    assert await rows(app, Reminder) == []


async def test_ran_is_in_help_and_the_command_menu(runner: Runner, app: BotApplication) -> None:
    await runner.send("/help")
    assert "/ran — " in runner.last.text
    assert ("ran", t_en("command.ran")) in runner.api.commands()


async def test_ran_before_a_planned_start_is_another_run(
    runner: Runner, app: BotApplication, clock: FakeClock
) -> None:
    await add_weekly_run(runner)
    clock.current = WED_CHECKIN - timedelta(minutes=100)  # 10 minutes before the 07:00 start
    await runner.send("/ran")
    assert RAN_HEADING in runner.last.text
    await answer(runner, "No")
    clock.current = WED_CHECKIN
    assert await tick(app) == 1, "the planned run may still happen: its check-in comes"
    assert "How was your run at 07:00?" in runner.last.text
    assert [c["plan_id"] is None for c in await checkins(app)] == [True, False]
