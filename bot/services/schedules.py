"""Run plans, time zone and pause: the use cases behind /runs, /pause and /settings.

Every function takes the repositories of the caller's unit of work, the knowledge, the
assumed default zone and the time, and returns a `RunsView` saying which page to show.
State lives in the database: a run being added is a `draft` plan, and typed text that is
expected next (a time, a time zone) is the runner's one `PendingInput`, shared with /gear: the
latest question asked wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.db.models import (
    PendingInput,
    PendingKind,
    PlanStatus,
    ReminderKind,
    RunnerSettings,
    RunPlan,
)
from bot.db.uow import Repositories
from bot.services import reminders
from bot.services.context import Context
from bot.services.scheduling import (
    find_timezone,
    local_start,
    minutes_to_time,
    next_run,
    parse_time,
    weekdays_from_mask,
)

PAUSED_UNTIL_RESUMED = datetime(9000, 1, 1, tzinfo=UTC)
"""The pause end that stands for "until I resume"."""
AWAITED = frozenset({PendingKind.TIMEZONE, PendingKind.RUN_TIME})
"""The typed answers /runs waits for."""
AWAIT_FOR = timedelta(minutes=30)
"""Typed text counts as the awaited answer for this long after the question was shown."""
THEN_ADD = 1
"""The `ref_id` of a time-zone question that is followed by adding a run."""


class RunsPage(StrEnum):
    """The pages of /runs and its neighbours: which one a `RunsView` shows."""

    LIST = "list"
    TIMEZONE = "timezone"
    DAYS = "days"
    DATE = "date"
    TIME = "time"
    DURATION = "duration"
    PLAN = "plan"
    CONFIRM_DELETE = "confirm_delete"
    PAUSE = "pause"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class ZoneView:
    """The runner's zone: its name, whether they chose it, and the local time now."""

    name: str
    chosen: bool
    now: datetime


@dataclass(frozen=True, slots=True)
class PlanView:
    """A run plan as screens show it; times are local to the runner."""

    id: int
    draft: bool
    weekdays: frozenset[int]
    one_off: date | None
    start: time | None
    duration: int | None
    tip_on: bool
    checkin_on: bool
    next_run: datetime | None


@dataclass(frozen=True, slots=True)
class RunsView:
    """What to show, and an optional note (a catalogue key) to answer the press with."""

    page: RunsPage
    zone: ZoneView
    paused_until: datetime | None
    """When a pause ends (UTC); `PAUSED_UNTIL_RESUMED` for an open-ended one."""
    plans: tuple[PlanView, ...] = ()
    plan: PlanView | None = None
    then_add: bool = False
    note: str | None = None
    alert: bool = False
    typed: str | None = None
    """Typed text that was not understood, to quote back."""
    can_add: bool = True
    limits: dict[str, int] = field(default_factory=dict)


class RunsAction(StrEnum):
    """What a plan button does (the action part of `r1:p:<plan>:<action>`)."""

    OPEN = "open"
    WEEKDAY = "wd"
    ONCE = "once"
    DAY = "day"
    DAYS = "days"
    NEXT = "next"
    TIME = "time"
    SET_TIME = "t"
    DURATION = "dur"
    SET_DURATION = "d"
    TIP = "tip"
    CHECKIN = "chk"
    SAVE = "save"
    CANCEL = "cancel"
    DELETE = "del"
    CONFIRM_DELETE = "delok"


def _zone_view(settings: RunnerSettings | None, ctx: Context) -> ZoneView:
    zone = reminders.zone_of(settings, ctx.default_zone)
    chosen = settings is not None and settings.timezone is not None
    return ZoneView(zone.key, chosen, ctx.now.astimezone(zone))


def _plan_view(plan: RunPlan, zone: ZoneInfo, now: datetime) -> PlanView:
    pattern = reminders.pattern_of(plan)
    upcoming = (
        next_run(pattern, zone, now) if pattern and plan.status == PlanStatus.ACTIVE else None
    )
    return PlanView(
        id=plan.id,
        draft=plan.status == PlanStatus.DRAFT,
        weekdays=weekdays_from_mask(plan.weekdays),
        one_off=plan.one_off_date,
        start=minutes_to_time(plan.start_minute) if plan.start_minute is not None else None,
        duration=plan.duration_minutes,
        tip_on=plan.tip_on,
        checkin_on=plan.checkin_on,
        next_run=upcoming.astimezone(zone) if upcoming else None,
    )


async def _view(
    repos: Repositories,
    user_id: int,
    ctx: Context,
    page: RunsPage,
    plan: RunPlan | None = None,
    *,
    then_add: bool = False,
    note: str | None = None,
    alert: bool = False,
    typed: str | None = None,
) -> RunsView:
    """Build a view; the list page also tidies finished one-off runs away."""
    settings = await repos.schedules.settings(user_id)
    zone = reminders.zone_of(settings, ctx.default_zone)
    plans = await repos.schedules.plans(user_id)
    for finished in [p for p in plans if _finished(p, zone, ctx.now)]:
        finished.status = PlanStatus.DONE
        finished.updated_at = ctx.now
        plans.remove(finished)
    paused = settings.paused_until if settings is not None else None
    if paused is not None and paused <= ctx.now:
        paused = None
    options = ctx.knowledge.schedules
    return RunsView(
        page=page,
        zone=_zone_view(settings, ctx),
        paused_until=paused,
        plans=tuple(_plan_view(p, zone, ctx.now) for p in plans),
        plan=_plan_view(plan, zone, ctx.now) if plan is not None else None,
        can_add=len(plans) < options.max_runs,
        limits={
            "max": options.max_runs,
            "before": options.tip_minutes_before,
            "after": options.checkin_minutes_after,
            "pause_days": options.pause_days,
            "one_off_days": options.one_off_days,
            "snooze": options.snooze_minutes,
        },
        then_add=then_add,
        note=note,
        alert=alert,
        typed=typed,
    )


def _finished(plan: RunPlan, zone: ZoneInfo, now: datetime) -> bool:
    """Return True for a one-off run that is over."""
    if plan.one_off_date is None or plan.start_minute is None:
        return False
    end = local_start(plan.one_off_date, minutes_to_time(plan.start_minute), zone) + timedelta(
        minutes=plan.duration_minutes or 0
    )
    return end < now


async def _await(
    repos: Repositories, user_id: int, ctx: Context, what: str | None, ref: int | None = None
) -> None:
    """Wait for typed text as `what`; None stops waiting for a time or zone (not a shoe name)."""
    if what is None:
        await repos.pending.clear(user_id, AWAITED)
    else:
        await repos.pending.wait_for(user_id, what, ref, ctx.now, ctx.now + AWAIT_FOR)


async def overview(
    repos: Repositories, user_id: int, language_code: str | None, ctx: Context
) -> RunsView:
    """Return the list of planned runs (/runs)."""
    await repos.users.seen(user_id, language_code, ctx.now)
    await _await(repos, user_id, ctx, None)
    return await _view(repos, user_id, ctx, RunsPage.LIST)


async def start_adding(
    repos: Repositories, user_id: int, language_code: str | None, ctx: Context
) -> RunsView:
    """Start adding a run: ask for the time zone first if the runner never chose one."""
    await repos.users.seen(user_id, language_code, ctx.now)
    settings = await repos.schedules.settings_for(user_id, ctx.now)
    if settings.timezone is None:
        await _await(repos, user_id, ctx, PendingKind.TIMEZONE, THEN_ADD)
        return await _view(repos, user_id, ctx, RunsPage.TIMEZONE, then_add=True)
    await _await(repos, user_id, ctx, None)
    view = await _view(repos, user_id, ctx, RunsPage.LIST)
    if not view.can_add:
        return await _view(repos, user_id, ctx, RunsPage.LIST, note="runs.limit", alert=True)
    await repos.schedules.delete_drafts(user_id)
    draft = await repos.schedules.add_plan(
        RunPlan(
            user_id=user_id,
            status=PlanStatus.DRAFT,
            weekdays=0,
            tip_on=True,
            checkin_on=True,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
    )
    return await _view(repos, user_id, ctx, RunsPage.DAYS, draft)


async def timezone_screen(
    repos: Repositories, user_id: int, language_code: str | None, ctx: Context
) -> RunsView:
    """Show the time-zone choice and take a typed zone name next."""
    await repos.users.seen(user_id, language_code, ctx.now)
    await _await(repos, user_id, ctx, PendingKind.TIMEZONE)
    return await _view(repos, user_id, ctx, RunsPage.TIMEZONE)


async def choose_timezone(
    repos: Repositories,
    user_id: int,
    language_code: str | None,
    name: str,
    then_add: bool,
    ctx: Context,
) -> RunsView:
    """Store the runner's zone (validated) and move every reminder to it."""
    zone_name = find_timezone(name)
    if zone_name is None:
        return await _view(repos, user_id, ctx, RunsPage.TIMEZONE, note="runs.invalid_button")
    await repos.users.seen(user_id, language_code, ctx.now)
    settings = await repos.schedules.settings_for(user_id, ctx.now)
    settings.timezone = zone_name
    await reminders.schedule_user(repos, user_id, ZoneInfo(zone_name), ctx.knowledge, ctx.now)
    if then_add:
        return await start_adding(repos, user_id, language_code, ctx)
    await _await(repos, user_id, ctx, None)
    return await _view(repos, user_id, ctx, RunsPage.LIST, note="tz.saved")


async def receive_typed(
    repos: Repositories,
    user_id: int,
    language_code: str | None,
    pending: PendingInput,
    text: str,
    ctx: Context,
) -> RunsView | None:
    """Take typed text as the time or zone `pending` (still current) waits for.

    None when the run it was for is gone: the text is then ordinary text.
    """
    if pending.kind == PendingKind.TIMEZONE:
        then_add = pending.ref_id == THEN_ADD
        if find_timezone(text) is None:
            return await _view(
                repos, user_id, ctx, RunsPage.TIMEZONE, then_add=then_add, typed=text[:64]
            )
        return await choose_timezone(repos, user_id, language_code, text, then_add, ctx)
    plan = await _own_plan(repos, user_id, pending.ref_id)
    if plan is None:
        await _await(repos, user_id, ctx, None)
        return None
    start = parse_time(text)
    if start is None:
        return await _view(repos, user_id, ctx, RunsPage.TIME, plan, typed=text[:64])
    return await _set_time(repos, user_id, plan, start, ctx)


async def _own_plan(repos: Repositories, user_id: int, plan_id: int | None) -> RunPlan | None:
    plan = await repos.schedules.plan(plan_id) if plan_id is not None else None
    if plan is None or plan.user_id != user_id or plan.status == PlanStatus.DONE:
        return None
    return plan


async def _set_time(
    repos: Repositories, user_id: int, plan: RunPlan, start: time, ctx: Context
) -> RunsView:
    plan.start_minute = start.hour * 60 + start.minute
    return await _changed(repos, user_id, plan, ctx, RunsPage.DURATION)


async def _changed(
    repos: Repositories, user_id: int, plan: RunPlan, ctx: Context, draft_next: RunsPage
) -> RunsView:
    """After a change: a draft goes on to its next question; a saved run is rescheduled."""
    plan.updated_at = ctx.now
    if plan.status == PlanStatus.DRAFT:
        page = _first_missing(plan) or draft_next
        awaited = PendingKind.RUN_TIME if page is RunsPage.TIME else None
        await _await(repos, user_id, ctx, awaited, plan.id)
        return await _view(repos, user_id, ctx, page, plan)
    await _await(repos, user_id, ctx, None)
    zone = reminders.zone_of(await repos.schedules.settings(user_id), ctx.default_zone)
    await reminders.schedule_plan(repos, plan, zone, ctx.knowledge, ctx.now)
    return await _view(repos, user_id, ctx, RunsPage.PLAN, plan, note="runs.saved")


def _first_missing(plan: RunPlan) -> RunsPage | None:
    """Return the first question a draft still needs answered, None when it is complete."""
    if plan.weekdays == 0 and plan.one_off_date is None:
        return RunsPage.DAYS
    if plan.start_minute is None:
        return RunsPage.TIME
    if plan.duration_minutes is None:
        return RunsPage.DURATION
    return None


async def plan_action(
    repos: Repositories,
    user_id: int,
    language_code: str | None,
    plan_id: int,
    action: RunsAction,
    argument: str | None,
    ctx: Context,
) -> RunsView:
    """Apply a button of a plan (draft or saved): days, date, time, length, toggles, save."""
    await repos.users.seen(user_id, language_code, ctx.now)
    plan = await _own_plan(repos, user_id, plan_id)
    if plan is None:
        return await _view(repos, user_id, ctx, RunsPage.LIST, note="runs.gone")
    match action, argument:
        case RunsAction.OPEN, None:
            return await _show(repos, user_id, ctx, RunsPage.PLAN, plan)
        case RunsAction.DAYS, None:
            return await _show(repos, user_id, ctx, RunsPage.DAYS, plan)
        case RunsAction.ONCE, None:
            return await _show(repos, user_id, ctx, RunsPage.DATE, plan)
        case RunsAction.DURATION, None:
            return await _show(repos, user_id, ctx, RunsPage.DURATION, plan)
        case RunsAction.TIME, None:
            await _await(repos, user_id, ctx, PendingKind.RUN_TIME, plan.id)
            return await _view(repos, user_id, ctx, RunsPage.TIME, plan)
        case RunsAction.WEEKDAY, str(weekday):
            plan.weekdays ^= 1 << int(weekday)
            plan.one_off_date, plan.updated_at = None, ctx.now
            return await _view(repos, user_id, ctx, RunsPage.DAYS, plan)
        case RunsAction.NEXT, None:
            if plan.weekdays == 0 and plan.one_off_date is None:
                return await _view(
                    repos, user_id, ctx, RunsPage.DAYS, plan, note="runs.need_a_day"
                )
            return await _changed(repos, user_id, plan, ctx, RunsPage.TIME)
        case RunsAction.DAY, str(day):
            return await _set_date(repos, user_id, plan, day, ctx)
        case RunsAction.SET_TIME, str(start):
            return await _set_time(repos, user_id, plan, time(int(start[:2]), int(start[2:])), ctx)
        case RunsAction.SET_DURATION, str(minutes):
            if int(minutes) not in ctx.knowledge.schedules.durations:
                return await _view(repos, user_id, ctx, RunsPage.DURATION, plan, note="runs.gone")
            plan.duration_minutes = int(minutes)
            return await _changed(repos, user_id, plan, ctx, RunsPage.PLAN)
        case RunsAction.TIP, None:
            plan.tip_on = not plan.tip_on
            return await _changed(repos, user_id, plan, ctx, RunsPage.PLAN)
        case RunsAction.CHECKIN, None:
            plan.checkin_on = not plan.checkin_on
            return await _changed(repos, user_id, plan, ctx, RunsPage.PLAN)
        case RunsAction.SAVE, None:
            return await _save(repos, user_id, plan, ctx)
        case RunsAction.CANCEL, None:
            await _await(repos, user_id, ctx, None)
            if plan.status == PlanStatus.DRAFT:
                await repos.schedules.delete_plan(plan)
                return await _view(repos, user_id, ctx, RunsPage.CANCELLED)
            return await _view(repos, user_id, ctx, RunsPage.LIST)
        case RunsAction.DELETE, None:
            return await _view(repos, user_id, ctx, RunsPage.CONFIRM_DELETE, plan)
        case RunsAction.CONFIRM_DELETE, None:
            await repos.schedules.delete_plan(plan)
            return await _view(repos, user_id, ctx, RunsPage.LIST, note="runs.deleted")
    return await _view(repos, user_id, ctx, RunsPage.PLAN, plan, note="runs.invalid_button")


async def _show(
    repos: Repositories, user_id: int, ctx: Context, page: RunsPage, plan: RunPlan
) -> RunsView:
    """Show a page of the plan; typed text is no longer awaited."""
    await _await(repos, user_id, ctx, None)
    return await _view(repos, user_id, ctx, page, plan)


async def _set_date(
    repos: Repositories, user_id: int, plan: RunPlan, day: str, ctx: Context
) -> RunsView:
    chosen = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    today = _zone_view(await repos.schedules.settings(user_id), ctx).now.date()
    if not today <= chosen < today + timedelta(days=ctx.knowledge.schedules.one_off_days):
        return await _view(repos, user_id, ctx, RunsPage.DATE, plan, note="runs.invalid_button")
    plan.one_off_date, plan.weekdays = chosen, 0
    return await _changed(repos, user_id, plan, ctx, RunsPage.TIME)


async def _save(repos: Repositories, user_id: int, plan: RunPlan, ctx: Context) -> RunsView:
    missing = _first_missing(plan)
    if missing is not None:
        return await _view(repos, user_id, ctx, missing, plan)
    if plan.status == PlanStatus.DRAFT:
        if not (await _view(repos, user_id, ctx, RunsPage.LIST)).can_add:
            return await _view(repos, user_id, ctx, RunsPage.LIST, note="runs.limit", alert=True)
        plan.status = PlanStatus.ACTIVE
    zone = reminders.zone_of(await repos.schedules.settings(user_id), ctx.default_zone)
    if plan.one_off_date is not None and _finished(plan, zone, ctx.now):
        plan.status = PlanStatus.DRAFT
        return await _view(repos, user_id, ctx, RunsPage.DATE, plan, note="runs.in_past")
    plan.updated_at = ctx.now
    await reminders.schedule_plan(repos, plan, zone, ctx.knowledge, ctx.now)
    await _await(repos, user_id, ctx, None)
    return await _view(repos, user_id, ctx, RunsPage.LIST, note="runs.saved")


async def pause_screen(
    repos: Repositories, user_id: int, language_code: str | None, ctx: Context
) -> RunsView:
    """Show whether reminders are paused, with the buttons to pause or resume (/pause)."""
    await repos.users.seen(user_id, language_code, ctx.now)
    return await _view(repos, user_id, ctx, RunsPage.PAUSE)


async def pause(
    repos: Repositories,
    user_id: int,
    language_code: str | None,
    open_ended: bool,
    ctx: Context,
) -> RunsView:
    """Pause every reminder for the configured days, or until the runner resumes."""
    await repos.users.seen(user_id, language_code, ctx.now)
    settings = await repos.schedules.settings_for(user_id, ctx.now)
    days = timedelta(days=ctx.knowledge.schedules.pause_days)
    settings.paused_until = PAUSED_UNTIL_RESUMED if open_ended else ctx.now + days
    settings.updated_at = ctx.now
    return await _view(repos, user_id, ctx, RunsPage.PAUSE)


async def resume(
    repos: Repositories, user_id: int, language_code: str | None, ctx: Context
) -> RunsView:
    """End a pause; runs skipped meanwhile stay skipped."""
    await repos.users.seen(user_id, language_code, ctx.now)
    settings = await repos.schedules.settings_for(user_id, ctx.now)
    settings.paused_until = None
    settings.updated_at = ctx.now
    return await _view(repos, user_id, ctx, RunsPage.PAUSE, note="pause.resumed")


async def skip_run(
    repos: Repositories, user_id: int, plan_id: int, run_at: datetime, ctx: Context
) -> RunsView:
    """Skip the check-in after one run (the tip's "Skip this run")."""
    plan = await _own_plan(repos, user_id, plan_id)
    if plan is not None:
        zone = reminders.zone_of(await repos.schedules.settings(user_id), ctx.default_zone)
        for reminder in await repos.reminders.for_plan(plan.id):
            if reminder.kind == ReminderKind.CHECKIN and reminder.run_at == run_at:
                due = run_at + reminders.offset(ReminderKind.CHECKIN, plan, ctx.knowledge)
                await reminders.advance_or_delete(
                    repos, reminder, plan, zone, ctx.knowledge, max(due, ctx.now)
                )
    return await _view(repos, user_id, ctx, RunsPage.SKIPPED)


async def settings_summary(repos: Repositories, user_id: int, ctx: Context) -> RunsView:
    """Return the zone and pause state that /settings shows."""
    return await _view(repos, user_id, ctx, RunsPage.LIST)
