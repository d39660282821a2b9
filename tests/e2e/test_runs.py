"""/runs, the time zone and /pause through the real Application and the local Bot API."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import BotApplication
from bot.content.loader import Knowledge
from bot.db.models import PendingInput, Reminder, RunnerSettings, RunPlan
from bot.localapi import LocalBotApi
from tests.conftest import FakeClock
from tests.e2e.conftest import Runner, rows


async def add_weekly_run(runner: Runner, zone: str = "Europe/Berlin") -> None:
    """Plan Mon/Wed/Fri 07:00, 60 minutes, choosing the zone first."""
    await runner.send("/runs")
    await runner.press("➕ Add a run")
    await runner.press(zone)
    for day in ("Mon", "Wed", "Fri"):
        await runner.press(day)
    await runner.press("Next ›")
    await runner.press("07:00")
    await runner.press("60 min")
    await runner.press("✅ Save")


async def test_add_a_weekly_run_by_buttons(
    runner: Runner, app: BotApplication, clock: FakeClock
) -> None:
    await runner.send("/runs")
    assert "No runs planned yet" in runner.last.text
    await runner.press("➕ Add a run")
    assert "First, your time zone" in runner.last.text
    assert "UTC" in runner.last.text, "the assumed zone is named"
    await runner.press("Europe/Berlin")
    assert "which days?" in runner.last.text
    await runner.press("Next ›")
    assert runner.toasts()[-1] == "Tap at least one day first."
    for day in ("Mon", "Wed", "Fri"):
        await runner.press(day)
    assert "✓ Mon" in runner.labels
    await runner.press("Next ›")
    assert "What time do you start?" in runner.last.text
    await runner.press("07:00")
    assert "How long is the run" in runner.last.text
    await runner.press("60 min")
    assert "Mon, Wed, Fri at 07:00 · 60 min" in runner.last.text
    await runner.press("✅ Save")
    assert "Times are in Europe/Berlin." in runner.last.text
    assert "1. Mon, Wed, Fri at 07:00" in runner.last.text
    [plan] = await rows(app, RunPlan)
    assert (plan["status"], plan["weekdays"], plan["start_minute"]) == ("active", 0b10101, 420)
    reminders = {r["kind"]: r for r in await rows(app, Reminder)}
    # Monday 23 Nov 2026, 07:30 UTC = 08:30 in Berlin: the next run is Wednesday 07:00 CET.
    assert reminders["tip"]["run_at"] == datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    assert reminders["tip"]["due_at"] == datetime(2026, 11, 25, 5, 30, tzinfo=UTC)
    assert reminders["checkin"]["due_at"] == datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
    [settings] = await rows(app, RunnerSettings)
    assert settings["timezone"] == "Europe/Berlin"
    assert await rows(app, PendingInput) == [], "no typed answer awaited any more"


async def test_typed_time_and_zone_absurd_input_loses_nothing(
    runner: Runner, app: BotApplication
) -> None:
    await runner.send("/runs")
    await runner.press("➕ Add a run")
    await runner.send("Mars/Olympus_Mons")
    assert "I don't know a time zone called “Mars/Olympus_Mons”" in runner.last.text
    await runner.send("america/new_york")
    assert "which days?" in runner.last.text
    await runner.press("📅 Just once")
    await runner.press("Tomorrow")
    await runner.send("25:61")
    assert "“25:61” isn't a time I can use" in runner.last.text
    await runner.send("x" * 500)
    assert "isn't a time I can use" in runner.last.text
    await runner.send("6:45")
    assert "How long is the run" in runner.last.text
    await runner.press("45 min")
    assert "Tue 24 Nov at 06:45 · 45 min" in runner.last.text
    await runner.press("✅ Save")
    [plan] = await rows(app, RunPlan)
    assert plan["status"] == "active"
    assert plan["one_off_date"].isoformat() == "2026-11-24"
    await runner.send("07:00")
    assert "I work with buttons" in runner.last.text, "a time is only taken when asked for"


async def test_edit_toggle_and_delete_a_run(runner: Runner, app: BotApplication) -> None:
    await add_weekly_run(runner)
    await runner.press("1. Mon, Wed, Fri")
    assert "Next run: Wed 25 Nov, 07:00" in runner.last.text
    await runner.press("💡 Tip before: on")
    assert "tip before: off" in runner.last.text
    assert {r["kind"] for r in await rows(app, Reminder)} == {"checkin"}
    await runner.press("🕒 Time")
    await runner.send("18:15")
    assert "Mon, Wed, Fri at 18:15" in runner.last.text
    [checkin] = await rows(app, Reminder)
    assert checkin["run_at"] == datetime(2026, 11, 23, 17, 15, tzinfo=UTC), "today, 18:15 CET"
    await runner.press("🗑 Delete")
    await runner.press("🗑 Yes, delete it")
    assert "No runs planned yet" in runner.last.text
    assert await rows(app, RunPlan) == []
    assert await rows(app, Reminder) == []


async def test_at_most_the_configured_number_of_runs(
    runner: Runner, app: BotApplication, knowledge: Knowledge
) -> None:
    await add_weekly_run(runner)
    for _ in range(knowledge.schedules.max_runs - 1):
        await _add_again(runner)
    assert "➕ Add a run" not in runner.labels
    await runner.press_data("r1:add", forge=True)  # an older copy of the list
    assert runner.toasts()[-1] == (
        "You already have 14 runs planned, the most I can keep. Delete one to add another."
    )
    assert len(await rows(app, RunPlan)) == knowledge.schedules.max_runs


async def _add_again(runner: Runner) -> None:
    await runner.send("/runs")
    await runner.press("➕ Add a run")
    await runner.press("Sat")
    await runner.press("Next ›")
    await runner.press("09:00")
    await runner.press("90 min")
    await runner.press("✅ Save")


async def test_forged_and_other_runners_buttons_get_an_alert(
    runner: Runner, app: BotApplication, api: LocalBotApi
) -> None:
    await add_weekly_run(runner)
    [plan] = await rows(app, RunPlan)
    await runner.press_data("r1:p:99:open", forge=True)
    assert runner.toasts()[-1] == "That run doesn't exist any more."
    for forged in ("r1:p:1:t:2561", "r1:tz:../../etc/passwd", "r1:p:1:wd:9", "r1:skip:x:1"):
        await runner.press_data(forged, forge=True)
        assert runner.toasts()[-1] == (
            "That button doesn't work any more. Send /runs to see your runs."
        )
    await runner.press_data("c1:1:0:nope", forge=True)
    assert runner.toasts()[-1] == "That button doesn't work any more."
    other = Runner(app, api, 7_000_000_002)
    await other.send("/start")
    await other.press_data(f"r1:p:{plan['id']}:delok", forge=True)
    assert other.toasts()[-1] == "That run doesn't exist any more."
    assert len(await rows(app, RunPlan)) == 1


async def test_pause_and_resume_show_in_settings(runner: Runner, app: BotApplication) -> None:
    await runner.send("/settings")
    assert "Time zone: UTC (assumed; not chosen yet)" in runner.last.text
    assert "Reminders: on" in runner.last.text
    await runner.send("/pause")
    await runner.press("⏸ For 7 days")
    assert "paused until Mon 30 Nov, 07:30" in runner.last.text
    await runner.send("/settings")
    assert "Reminders: paused until Mon 30 Nov, 07:30" in runner.last.text
    await runner.press("▶️ Resume reminders")
    assert runner.toasts()[-1].startswith("▶️ Reminders are back on")
    await runner.send("/pause")
    await runner.press("⏸ Until I resume")
    assert "until you resume" in runner.last.text
    await runner.press("‹ Back")  # the pause screen leads back to the runs it pauses
    assert "Your planned runs" in runner.last.text
    assert "⏸ Reminders are paused until you resume." in runner.last.text
    [settings] = await rows(app, RunnerSettings)
    assert settings["paused_until"].year == 9000


async def test_time_zone_from_settings(runner: Runner, app: BotApplication) -> None:
    await add_weekly_run(runner)
    await runner.send("/settings")
    await runner.press("🕒 Time zone")
    assert "✓ Europe/Berlin" in runner.labels
    await runner.press("America/New_York")
    assert runner.toasts()[-1].startswith("✅ Time zone: America/New_York")
    tip = next(r for r in await rows(app, Reminder) if r["kind"] == "tip")
    # Monday 07:30 UTC is 02:30 in New York: today's 07:00 EST run is still ahead.
    assert tip["run_at"] == datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
