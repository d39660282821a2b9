"""The reminder dispatcher end to end: real Application, local Bot API, adjustable clock.

The clock starts on Monday 23 Nov 2026 at 07:30 UTC (08:30 in Berlin). The runner plans
Mon/Wed/Fri at 07:00 Berlin time for 60 minutes, so Wednesday's tip is due at 05:30 UTC and
its check-in at 07:30 UTC. Tests call the dispatcher's tick directly instead of waiting for
the repeating job, so nothing depends on real time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import BotApplication
from bot.config import PROJECT_ROOT, Settings
from bot.content import keys
from bot.content.loader import Knowledge, load_knowledge
from bot.db.models import AlertLevel, Checkin, Reminder, RunnerSettings, User
from bot.localapi import LocalBotApi
from bot.scheduler.dispatcher import JOB_NAME
from bot.services.reminders import Delivery
from bot.telegram_html import parse_html
from tests.conftest import FakeClock
from tests.e2e.conftest import Runner, rows, start_app, stop_app
from tests.e2e.test_runs import add_weekly_run

WED_TIP = datetime(2026, 11, 25, 5, 30, tzinfo=UTC)
WED_CHECKIN = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
FRI_TIP = datetime(2026, 11, 27, 5, 30, tzinfo=UTC)
FRI_CHECKIN = datetime(2026, 11, 27, 7, 30, tzinfo=UTC)


EN = load_knowledge(PROJECT_ROOT / "knowledge").catalog.texts("en")


def t_en(key: str) -> str:
    """Return an English text as the runner sees it."""
    return visible(EN(key))


def visible(markup: str) -> str:
    return parse_html(markup).text


async def tick(app: BotApplication) -> int:
    """Run one tick; return how many reminders it sent."""
    return (await app.bot_data.dispatcher.tick(app.bot)).sent


async def reminder(app: BotApplication, kind: str) -> dict[str, object]:
    return next(r for r in await rows(app, Reminder) if r["kind"] == kind)


def bot_count(runner: Runner) -> int:
    return len(runner.api.bot_messages(runner.user_id))


@pytest.fixture
async def planned(runner: Runner) -> Runner:
    await add_weekly_run(runner)
    return runner


async def answer_checkin(runner: Runner, *labels: str) -> None:
    for label in labels:
        await runner.press(label)


def test_one_repeating_job_is_registered(app: BotApplication, settings: Settings) -> None:
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name(JOB_NAME)
    assert job.job.id == JOB_NAME
    assert job.job.max_instances == 1
    assert job.job.coalesce is True
    assert job.job.trigger.interval == timedelta(seconds=settings.dispatch_interval_seconds)


async def test_nothing_is_sent_before_it_is_due(
    planned: Runner, app: BotApplication, clock: FakeClock
) -> None:
    before = bot_count(planned)
    clock.current = WED_TIP - timedelta(seconds=1)
    assert await tick(app) == 0
    assert bot_count(planned) == before


async def test_tip_arrives_and_rotates(
    planned: Runner, app: BotApplication, clock: FakeClock, knowledge: Knowledge
) -> None:
    t = knowledge.catalog.texts("en")
    clock.current = WED_TIP
    assert await tick(app) == 1
    first = planned.last
    assert "Your run at 07:00 is coming up" in first.text
    assert visible(t(keys.tip(knowledge.tips[0]))) in first.text
    assert planned.labels == ["Skip this run", "⏸ Pause reminders"]
    tip = await reminder(app, "tip")
    assert (tip["run_at"], tip["due_at"]) == (FRI_TIP + timedelta(minutes=30), FRI_TIP)
    assert await tick(app) == 0, "sent once"
    clock.current = FRI_TIP
    await tick(app)
    assert visible(t(keys.tip(knowledge.tips[1]))) in planned.last.text, "a different tip"


async def test_checkin_arrives_and_answers_are_stored(
    planned: Runner, app: BotApplication, clock: FakeClock, knowledge: Knowledge
) -> None:
    clock.current = WED_CHECKIN
    assert await tick(app) == 1, "the check-in; the tip's run has started, so no late tip"
    assert "How was your run at 07:00?" in planned.last.text
    message = planned.last.message_id
    await answer_checkin(planned, "Yes", "Toes", "Within 5 minutes", "None of these")
    done = planned.last
    assert done.message_id == message, "edited in place"
    assert "Thanks, noted." in done.text
    t = knowledge.catalog.texts("en")
    assert visible(t(keys.fix("fix_roomy_shoes"))) in done.text
    [checkin] = await rows(app, Checkin)
    assert checkin["status"] == "answered"
    assert checkin["numb"] is True
    assert checkin["answers"] == [
        ["numb", "yes"],
        ["where", "toes"],
        ["after", "minutes"],
        ["signs"],
    ]
    assert checkin["run_at"] == datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    assert (await reminder(app, "checkin"))["due_at"] == FRI_CHECKIN
    await planned.press_data(f"c1:{checkin['id']}:0:no", message, forge=True)
    assert planned.toasts()[-1] == "This check-in is already done."


async def test_no_numbness_is_one_tap(
    planned: Runner, app: BotApplication, clock: FakeClock
) -> None:
    clock.current = WED_CHECKIN
    await tick(app)
    await planned.press("No")
    assert "No numbness or tingling" in planned.last.text
    [checkin] = await rows(app, Checkin)
    assert (checkin["numb"], checkin["answers"]) == (False, [["numb", "no"]])


async def test_red_flags_in_a_checkin_lead_to_the_triage_messages(
    planned: Runner, app: BotApplication, clock: FakeClock, knowledge: Knowledge
) -> None:
    t = knowledge.catalog.texts("en")
    clock.current = WED_CHECKIN
    await tick(app)
    message = planned.last.message_id
    await answer_checkin(planned, "Yes", "Toes", "Within 5 minutes")
    assert planned.labels[-1] == t("checkin_flow.signs_none")
    await planned.press("Saddle, bladder or both legs")
    await planned.press("Foot suddenly cold or pale")
    await planned.press("Face, arm, speech or vision")
    await planned.press("✅ Face, arm, speech or vision")  # tapped again: no longer picked
    assert "✅ Saddle, bladder or both legs" in planned.labels
    assert planned.labels[-1] == t("checkin_flow.signs_done")
    [checkin] = await rows(app, Checkin)
    assert checkin["answers"][-1] == ["after", "minutes"], "picks are not stored before Done"
    await planned.press(t("checkin_flow.signs_done"))
    done = planned.last
    assert done.message_id == message
    heading = visible(t("tier.emergency.heading"))
    assert done.text.startswith(f"{heading}\n\n{visible(t('action.call_now'))}")
    assert visible(t("outcome.limb_ischaemia")) in done.text
    assert visible(t("outcome.cauda_equina")) in done.text
    assert "stroke" not in done.text
    [checkin] = await rows(app, Checkin)
    assert checkin["red_flag"] is True
    assert checkin["answers"][-1] == ["signs", "cauda_equina", "limb"]
    clock.current = FRI_CHECKIN
    await tick(app)
    await answer_checkin(planned, "Yes", "Up into the leg", "Still numb now")
    await planned.press("Red, hot, swollen, or fever")
    await planned.press(t("checkin_flow.signs_done"))
    assert visible(t("tier.urgent.heading")) in planned.last.text
    assert visible(t("reason.infection")) in planned.last.text
    assert _escalations(planned) == 0, "the urgent message, not also a see-a-doctor one"


async def _numb_run(runner: Runner, app: BotApplication, clock: FakeClock, due: datetime) -> None:
    clock.current = due
    assert await tick(app) == 1
    await answer_checkin(runner, "Yes", "Top of foot", "Within 5 minutes", "None of these")


def _escalations(runner: Runner) -> int:
    return sum("Book a check-up" in m.text for m in runner.api.bot_messages(runner.user_id))


async def test_recurring_numbness_escalates_once_per_episode(
    planned: Runner, app: BotApplication, clock: FakeClock
) -> None:
    week = timedelta(days=7)
    await _numb_run(planned, app, clock, WED_CHECKIN)
    await _numb_run(planned, app, clock, FRI_CHECKIN)
    assert _escalations(planned) == 0
    await _numb_run(planned, app, clock, WED_CHECKIN + week)  # 3 numb within 14 days
    assert _escalations(planned) == 1
    assert "Send /triage" in planned.last.text
    await _numb_run(planned, app, clock, FRI_CHECKIN + week)
    await _numb_run(planned, app, clock, WED_CHECKIN + 2 * week)
    assert _escalations(planned) == 1, "not again every run"
    [settings] = await rows(app, RunnerSettings)
    assert settings["alert_level"] == AlertLevel.RECURRING
    clock.current = FRI_CHECKIN + 2 * week
    assert await tick(app) == 1
    await answer_checkin(planned, "Yes", "Top of foot", "Still numb now", "None of these")
    assert _escalations(planned) == 2, "a worse picture in the same episode: once more"
    assert t_en("escalation.persistent") in planned.last.text


async def test_seen_a_doctor_quiets_the_recurring_message(
    planned: Runner, app: BotApplication, clock: FakeClock
) -> None:
    week = timedelta(days=7)
    for due in (WED_CHECKIN, FRI_CHECKIN, WED_CHECKIN + week):
        await _numb_run(planned, app, clock, due)
    assert _escalations(planned) == 1
    await planned.press(t_en("checkin_flow.seen_doctor"))
    assert planned.api.buttons(planned.api.bot_messages(planned.user_id)[-2]) == []
    assert "90 days" in planned.last.text
    [settings] = await rows(app, RunnerSettings)
    assert settings["doctor_seen_at"] == WED_CHECKIN + week
    later = WED_CHECKIN + 7 * week  # a new episode after five quiet weeks
    await planned.send("/pause")
    await planned.press("⏸ Until I resume")
    clock.current = later - timedelta(days=1)
    await tick(app)
    await planned.send("/pause")
    await planned.press("▶️ Resume reminders")
    for due in (later, later + timedelta(days=2), later + week):
        await _numb_run(planned, app, clock, due)
    assert _escalations(planned) == 1, "quiet for the doctor's 90 days"


async def test_numbness_hours_later_escalates_at_once_and_again_after_a_quiet_month(
    planned: Runner, app: BotApplication, clock: FakeClock
) -> None:
    clock.current = WED_CHECKIN
    await tick(app)
    await answer_checkin(planned, "Yes", "Sole or heel", "Still numb now", "None of these")
    assert _escalations(planned) == 1
    assert t_en("escalation.persistent") in planned.last.text
    clock.current = FRI_CHECKIN
    await tick(app)
    await answer_checkin(planned, "Yes", "Sole or heel", "Still numb now", "None of these")
    assert _escalations(planned) == 1, "the same episode"
    later = FRI_CHECKIN + timedelta(days=35)  # a Friday, five quiet weeks later
    await planned.send("/pause")
    await planned.press("⏸ Until I resume")
    clock.current = later - timedelta(hours=1)
    await tick(app)
    await planned.send("/pause")
    await planned.press("▶️ Resume reminders")
    clock.current = later
    await tick(app)
    await answer_checkin(planned, "Yes", "Sole or heel", "Still numb now", "None of these")
    assert _escalations(planned) == 2, "a new episode"


async def test_flood_control_past_the_lease_leaves_it_due_after_retry_after(
    planned: Runner, app: BotApplication, clock: FakeClock, api: LocalBotApi
) -> None:
    # 240 s of waiting would run past the point where a batch of a 300 s lease must stop
    # starting sends (225 s): the reminder is handed back, due after the wait.
    before = bot_count(planned)
    api.faults.fail_next("sendMessage", status=429, retry_after=240)
    clock.current = WED_TIP
    report = await app.bot_data.dispatcher.tick(app.bot)
    assert (report.sent, report.flood_waits) == (0, 1)
    assert clock.slept == [], "not waited out in this tick"
    assert (await reminder(app, "tip"))["due_at"] == WED_TIP + timedelta(seconds=240)
    clock.advance(seconds=239)
    assert await tick(app) == 0
    clock.advance(seconds=1)
    assert await tick(app) == 1
    assert bot_count(planned) == before + 1


async def test_server_errors_are_retried_with_backoff_then_dropped(
    planned: Runner, app: BotApplication, clock: FakeClock, api: LocalBotApi, settings: Settings
) -> None:
    api.faults.fail_next("sendMessage", status=500, times=settings.dispatch_max_attempts)
    clock.current = WED_TIP
    await tick(app)
    tip = await reminder(app, "tip")
    assert (tip["attempts"], tip["due_at"]) == (1, WED_TIP + timedelta(minutes=1))
    clock.advance(minutes=1)
    await tick(app)
    assert (await reminder(app, "tip"))["due_at"] == clock.current + timedelta(minutes=2)
    for _ in range(settings.dispatch_max_attempts - 2):
        clock.current = (await reminder(app, "tip"))["due_at"]  # type: ignore[assignment]
        await tick(app)
    tip = await reminder(app, "tip")
    assert (tip["due_at"], tip["attempts"]) == (FRI_TIP, 0), "this run's tip dropped"


async def test_a_runner_who_blocked_the_bot_is_deactivated(
    planned: Runner, app: BotApplication, clock: FakeClock, api: LocalBotApi
) -> None:
    api.block(planned.user_id)
    clock.current = WED_TIP
    assert await tick(app) == 0
    [user] = await rows(app, User)
    assert user["is_active"] is False
    assert {r["state"] for r in await rows(app, Reminder)} == {"stopped"}
    clock.current = WED_CHECKIN
    assert await tick(app) == 0
    api.unblock(planned.user_id)
    await planned.send("/start")
    assert {r["state"] for r in await rows(app, Reminder)} == {"pending"}
    clock.current = FRI_TIP
    assert await tick(app) == 1, "the missed check-in is skipped; Friday's tip comes"
    assert "Your run at 07:00" in planned.last.text


async def test_a_crash_between_send_and_mark_resends_after_the_lease(
    planned: Runner,
    app: BotApplication,
    clock: FakeClock,
    settings: Settings,
    knowledge: Knowledge,
    api: LocalBotApi,
) -> None:
    before = bot_count(planned)
    clock.current = WED_TIP
    dispatcher = app.bot_data.dispatcher
    batch = await dispatcher.claim()
    [sent] = await dispatcher.deliver(app.bot, batch)
    assert sent.delivery is Delivery.SENT
    assert bot_count(planned) == before + 1
    await stop_app(app)  # the process dies before settling
    restarted = await start_app(settings, knowledge, api, clock)
    try:
        assert await tick(restarted) == 0, "claimed: not sent again while the lease runs"
        clock.advance(seconds=settings.dispatch_lease_seconds)
        assert await tick(restarted) == 1, "the lease ran out: sent again, not lost"
        assert bot_count(planned) == before + 2
        assert (await reminder(restarted, "tip"))["due_at"] == FRI_TIP
    finally:
        await stop_app(restarted)
        await start_app(settings, knowledge, api, clock)


async def test_far_too_late_is_skipped_a_few_hours_late_checkin_still_sent(
    planned: Runner, app: BotApplication, clock: FakeClock
) -> None:
    before = bot_count(planned)
    clock.current = WED_CHECKIN + timedelta(hours=2)  # the bot was down since Tuesday
    assert await tick(app) == 1
    assert "How was your run at 07:00?" in planned.last.text
    assert (await reminder(app, "tip"))["due_at"] == FRI_TIP
    clock.current = FRI_CHECKIN + timedelta(days=1)  # down for a day
    assert await tick(app) == 0
    assert bot_count(planned) == before + 1
    monday = datetime(2026, 11, 30, 5, 30, tzinfo=UTC)
    assert (await reminder(app, "tip"))["due_at"] == monday
    assert (await reminder(app, "checkin"))["due_at"] == monday + timedelta(hours=2)


async def test_paused_runs_are_skipped_not_queued(
    planned: Runner, app: BotApplication, clock: FakeClock
) -> None:
    await planned.send("/pause")
    await planned.press("⏸ For 7 days")
    before = bot_count(planned)
    for due in (WED_TIP, WED_CHECKIN, FRI_TIP, FRI_CHECKIN):
        clock.current = due
        assert await tick(app) == 0
    assert bot_count(planned) == before
    clock.current = datetime(2026, 11, 30, 7, 31, tzinfo=UTC)  # the pause is over
    await tick(app)
    assert bot_count(planned) == before, "nothing from the pause arrives late"
    clock.current = datetime(2026, 12, 2, 5, 30, tzinfo=UTC)
    assert await tick(app) == 1


async def test_snooze_asks_again_later_and_didnt_run_ends_it(
    planned: Runner, app: BotApplication, clock: FakeClock
) -> None:
    clock.current = WED_CHECKIN
    await tick(app)
    await planned.press("⏰ Remind me later")
    assert planned.last.text == "OK, I'll ask again in 60 minutes."
    clock.advance(minutes=59)
    assert await tick(app) == 0
    clock.advance(minutes=1)
    assert await tick(app) == 1
    assert "How was your run at 07:00?" in planned.last.text
    await planned.press("I didn't run")
    assert "didn't run this time" in planned.last.text
    [checkin] = await rows(app, Checkin)
    assert checkin["status"] == "no_run"
    assert {r["kind"] for r in await rows(app, Reminder)} == {"tip", "checkin"}


async def test_skip_this_run_from_the_tip(
    planned: Runner, app: BotApplication, clock: FakeClock
) -> None:
    clock.current = WED_TIP
    await tick(app)
    await planned.press("Skip this run")
    assert "no check-in afterwards" in planned.last.text
    assert (await reminder(app, "checkin"))["due_at"] == FRI_CHECKIN
    clock.current = WED_CHECKIN
    assert await tick(app) == 0


async def test_pause_from_the_tip(planned: Runner, app: BotApplication, clock: FakeClock) -> None:
    clock.current = WED_TIP
    await tick(app)
    await planned.press("⏸ Pause reminders")
    await planned.press("⏸ Until I resume")
    clock.current = WED_CHECKIN
    assert await tick(app) == 0


async def test_a_resent_checkin_answered_from_the_first_copy_is_not_asked_again(
    planned: Runner, app: BotApplication, clock: FakeClock, settings: Settings
) -> None:
    clock.current = WED_CHECKIN
    dispatcher = app.bot_data.dispatcher
    await dispatcher.deliver(app.bot, await dispatcher.claim())  # crash: never settled
    await planned.press("No")
    clock.advance(seconds=settings.dispatch_lease_seconds)
    before = bot_count(planned)
    assert await tick(app) == 0
    assert bot_count(planned) == before
    assert (await reminder(app, "checkin"))["due_at"] == FRI_CHECKIN


async def test_a_double_tap_or_an_old_copy_never_alerts_twice(
    planned: Runner, app: BotApplication, clock: FakeClock
) -> None:
    clock.current = WED_CHECKIN
    await tick(app)
    message = planned.last.message_id
    await answer_checkin(planned, "Yes", "Toes", "Within 5 minutes")
    await planned.press("Chest pain or breathless")
    [done_button] = [d for label, d in planned.api.buttons(planned.last) if "done" in d]
    await planned.press(t_en("checkin_flow.signs_done"))
    sent = len(planned.api.bot_messages(planned.user_id))
    alerts = sum(
        t_en("action.call_now") in m.text for m in planned.api.bot_messages(planned.user_id)
    )
    await planned.press_data(done_button, message, forge=True)  # the second tap of a double tap
    assert planned.toasts()[-1] == t_en("checkin_flow.closed")
    [checkin] = await rows(app, Checkin)
    await planned.press_data(f"c1:{checkin['id']}:1:toes", message, forge=True)  # an old copy
    assert planned.toasts()[-1] == t_en("checkin_flow.closed")
    assert len(planned.api.bot_messages(planned.user_id)) == sent, "nothing new is sent"
    assert alerts == 1


async def test_a_checkin_answered_after_delete_me_gets_a_short_note(
    planned: Runner, app: BotApplication, clock: FakeClock
) -> None:
    clock.current = WED_CHECKIN
    await tick(app)
    checkin_message = planned.last
    await planned.press("Yes", checkin_message)
    await planned.send("/delete_me")
    await planned.press(planned.labels[0])
    sent = len(planned.api.bot_messages(planned.user_id))
    await planned.press("Toes", checkin_message)
    assert planned.toasts()[-1] == t_en("checkin_flow.invalid_button")
    assert len(planned.api.bot_messages(planned.user_id)) == sent
    assert await rows(app, Checkin) == []
