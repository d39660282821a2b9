"""The reminder dispatcher's logic, Telegram-free: which reminders are due, and what then.

The `reminders` table holds, for each plan, the next due occurrence of each kind (the
pre-run tip, the post-run check-in, and a snoozed check-in), with `due_at` in UTC. One
repeating job (`bot/scheduler`) runs a tick:

1. `claim_due` locks a fixed-size batch of due rows in (due_at, id) order (keyset paging, so
   memory stays constant however many runners there are), skips what must not be sent
   (paused runners, reminders too late to be useful) to their next occurrence, and claims the
   rest with a lease: `due_at` and `claimed_until` move to the end of the lease. It opens the
   batch's check-ins with set-based statements (one SELECT, one INSERT … RETURNING), never
   row by row. The caller commits, then sends.
2. `settle` records sends in small transactions as their answers come in: sent → the next
   occurrence (computed in the runner's zone); flood control → due again after
   `retry_after`; a timeout, a server error or any other failure → retried with backoff up
   to a maximum of attempts; blocked → the runner is deactivated and their reminders stop;
   handed back unsent (the lease was running out) → due again at once.

Delivery is at least once: a process that dies between sending and settling leaves the row
claimed, and when its lease runs out the row is due again and is sent again. Nothing is lost;
the only duplicates possible are the messages in flight at a crash (sent, their outcome not
yet committed). A settle whose lease is no longer the row's (the plan was edited, or another
process re-claimed it) changes nothing.

**When tips go out.** The content decides a tip's usual time: `tip_minutes_before`
(`knowledge/schedules.yaml`, 30 minutes) before the run, its `due_at`; and a tip is never
sent once its run has started (`late_limit`). So a tip that waits in a queue has at most
those 30 minutes, and at 25 messages a second about 45,000 tips fit in them: a start time
that many runners share (07:00 in one zone) could overflow it. The deployment setting
`DISPATCH_TIP_EARLY_MINUTES` (`DispatchLimits.tip_early`) lets tips go out up to that much
*before* their usual time, and only when they would otherwise be late: `tip_horizon` counts
what is queued up to `tip_early` ahead (claimed rows included, counting stops at what that
window can hold) and lets tips due within the time it takes to send that queue at the send
rate be claimed now. A quiet queue gives a horizon of a fraction of a second, so tips keep
their usual time; 100,000 tips for 07:00 make it `tip_early` (30 minutes by default), and
they spread from 06:00 on instead of overflowing 06:30–07:00. The content's lead time stays
the time a tip normally arrives, the run's start stays the last moment, and a tip arrives at
most `tip_minutes_before + tip_early` before its run. Several dispatchers each assume their
own rate, so together they start early a little more than needed. Check-ins are never sent
early. Whatever is still skipped for being too late is counted (`Claim.skipped_late`) and
logged once per tick by the dispatcher.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.content.loader import Knowledge
from bot.db.models import (
    Checkin,
    CheckinStatus,
    PlanStatus,
    Reminder,
    ReminderKind,
    ReminderState,
    RunnerSettings,
    RunPlan,
    User,
)
from bot.db.uow import Repositories
from bot.services.scheduling import RunPattern, minutes_to_time, next_run, weekdays_from_mask

RETRY_BASE = timedelta(minutes=1)
"""The first retry after a timeout or server error; each further one waits twice as long."""
RETRY_LONGEST = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class DispatchLimits:
    """How the dispatcher claims and retries (from the settings)."""

    batch_size: int
    lease: timedelta
    max_attempts: int
    send_rate: float = 25.0
    """Reminders sent per second (`DISPATCH_SEND_RATE`)."""
    tip_early: timedelta = timedelta(0)
    """How much earlier than usual a tip may go out when the queue is long (see above)."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One claimed reminder, with everything needed to render and send it."""

    reminder_id: int
    lease: datetime
    kind: str
    user_id: int
    language: str | None
    run_at: datetime
    zone: str
    plan_id: int
    tip_id: str | None = None
    checkin_id: int | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """One claimed batch: what to send, how many rows were looked at, where to go on from."""

    outgoing: tuple[Outgoing, ...]
    scanned: int
    cursor: tuple[datetime, int] | None
    lease: datetime | None = None
    """When this batch's lease runs out (None: nothing was claimed)."""
    skipped_late: int = 0
    """Reminders passed over because they were too late to be useful."""
    checkins: Mapping[int, Checkin] = field(default_factory=dict)
    """The open check-ins the batch asks about, by id (rendered without reading them again)."""
    tips_until: datetime | None = None
    """How far ahead tips were claimed (`tip_horizon`); the next batch of the tick uses it."""


class Delivery(StrEnum):
    """What happened when a reminder was sent."""

    SENT = "sent"
    FLOOD = "flood"
    """Telegram's flood control (429): try again after `retry_after`."""
    FAILED = "failed"
    """A timeout or a server error: retry with backoff."""
    BLOCKED = "blocked"
    """The runner blocked the bot."""
    REJECTED = "rejected"
    """Telegram refused the message itself; this occurrence is dropped."""
    NOTHING = "nothing"
    """There was nothing left to ask (the check-in no longer fits the flow); move on."""
    RELEASED = "released"
    """Not sent: handed back before its lease ran out, so it is due again at once."""


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of sending one claimed reminder."""

    outgoing: Outgoing
    delivery: Delivery
    retry_after: timedelta = timedelta(0)


def zone_of(settings: RunnerSettings | None, default: str) -> ZoneInfo:
    """Return the runner's zone, or the assumed default when they haven't chosen one."""
    name = settings.timezone if settings is not None and settings.timezone else default
    return ZoneInfo(name)


def pattern_of(plan: RunPlan) -> RunPattern | None:
    """Return when a plan's runs happen; None while it has no days or start time."""
    if plan.start_minute is None or (plan.weekdays == 0 and plan.one_off_date is None):
        return None
    return RunPattern(
        weekdays_from_mask(plan.weekdays), plan.one_off_date, minutes_to_time(plan.start_minute)
    )


def offset(kind: str, plan: RunPlan, knowledge: Knowledge) -> timedelta:
    """Return where a reminder of `kind` sits relative to its run's start."""
    options = knowledge.schedules
    if kind == ReminderKind.TIP:
        return -timedelta(minutes=options.tip_minutes_before)
    return timedelta(minutes=(plan.duration_minutes or 0) + options.checkin_minutes_after)


def checkin_time(plan: RunPlan, knowledge: Knowledge) -> timedelta:
    """Return how long after a run's start its check-in may still be sent (not snoozed)."""
    late = timedelta(hours=knowledge.schedules.checkin_late_hours)
    return offset(ReminderKind.CHECKIN, plan, knowledge) + late


def late_limit(reminder: Reminder, plan: RunPlan, knowledge: Knowledge) -> datetime:
    """Return the time after which a reminder is no use any more and is skipped."""
    if reminder.kind == ReminderKind.TIP:
        return reminder.run_at
    late = checkin_time(plan, knowledge)
    if reminder.kind == ReminderKind.SNOOZE:
        late += timedelta(minutes=knowledge.schedules.snooze_minutes)
    return reminder.run_at + late


def is_paused(settings: RunnerSettings | None, run_at: datetime, now: datetime) -> bool:
    """Return True if reminders are paused now, or were when the run started."""
    paused_until = settings.paused_until if settings is not None else None
    return paused_until is not None and paused_until > min(now, run_at)


async def schedule_plan(
    repos: Repositories, plan: RunPlan, zone: ZoneInfo, knowledge: Knowledge, now: datetime
) -> None:
    """Set the plan's tip and check-in reminders to their next occurrences after `now`."""
    existing = {r.kind: r for r in await repos.reminders.for_plan(plan.id)}
    pattern = pattern_of(plan)
    for kind, wanted in ((ReminderKind.TIP, plan.tip_on), (ReminderKind.CHECKIN, plan.checkin_on)):
        reminder = existing.get(kind)
        shift = offset(kind, plan, knowledge)
        start = (
            next_run(pattern, zone, now, shift)
            if wanted and plan.status == PlanStatus.ACTIVE and pattern is not None
            else None
        )
        if start is None:
            if reminder is not None:
                await repos.reminders.remove(reminder)
            continue
        if reminder is None:
            reminder = Reminder(
                user_id=plan.user_id, plan_id=plan.id, kind=kind, state=ReminderState.PENDING
            )
            repos.reminders.add(reminder)
        reminder.run_at, reminder.due_at = start, start + shift
        reminder.attempts, reminder.claimed_until = 0, None


async def schedule_user(
    repos: Repositories, user_id: int, zone: ZoneInfo, knowledge: Knowledge, now: datetime
) -> None:
    """Recompute every reminder of a runner (their time zone changed)."""
    for plan in await repos.schedules.plans(user_id):
        await schedule_plan(repos, plan, zone, knowledge, now)


def _advance(
    reminder: Reminder,
    plan: RunPlan,
    zone: ZoneInfo,
    knowledge: Knowledge,
    after: datetime,
) -> Reminder | None:
    """Move a reminder to its next occurrence after `after`; return it, or None to delete it."""
    if reminder.kind == ReminderKind.SNOOZE:
        return None
    pattern = pattern_of(plan)
    shift = offset(reminder.kind, plan, knowledge)
    start = next_run(pattern, zone, after, shift) if pattern is not None else None
    if start is None:
        return None
    reminder.run_at, reminder.due_at = start, start + shift
    reminder.attempts, reminder.claimed_until = 0, None
    return reminder


async def advance_or_delete(
    repos: Repositories,
    reminder: Reminder,
    plan: RunPlan,
    zone: ZoneInfo,
    knowledge: Knowledge,
    after: datetime,
) -> bool:
    """Move a reminder to its next occurrence after `after`; delete it and return False if none."""
    if _advance(reminder, plan, zone, knowledge, after) is None:
        await repos.reminders.remove(reminder)
        return False
    return True


async def _past_this_run(
    repos: Repositories, reminder: Reminder, plan: RunPlan, zone: ZoneInfo, knowledge: Knowledge
) -> None:
    """Move a reminder to the run after the one it was about (or delete it)."""
    due = reminder.run_at + offset(reminder.kind, plan, knowledge)
    await advance_or_delete(repos, reminder, plan, zone, knowledge, due)


def next_tip(tips: Sequence[str], last: str | None) -> str:
    """Return the tip after `last` in turn, so the same tip never comes twice in a row."""
    if last not in tips:
        return tips[0]
    return tips[(tips.index(last) + 1) % len(tips)]


def _language(user: User) -> str | None:
    return user.language or user.language_code


async def tip_horizon(repos: Repositories, limits: DispatchLimits, now: datetime) -> datetime:
    """Return until when tips may be claimed now (see "When tips go out" above).

    That is `now` plus the time it takes to send, at the send rate, everything queued up to
    `limits.tip_early` ahead, and at most `limits.tip_early`.
    """
    if limits.tip_early <= timedelta(0):
        return now
    window = limits.tip_early.total_seconds()
    cap = math.ceil(limits.send_rate * window)  # more than this fills the whole window anyway
    queued = await repos.reminders.queued(now + limits.tip_early, cap)
    return now + timedelta(seconds=min(window, queued / limits.send_rate))


@dataclass(slots=True)
class _Due:
    """A due row that is to be sent, with its runner's zone."""

    reminder: Reminder
    plan: RunPlan
    user: User
    settings: RunnerSettings | None
    zone: ZoneInfo


async def claim_due(
    repos: Repositories,
    knowledge: Knowledge,
    default_zone: str,
    limits: DispatchLimits,
    now: datetime,
    cursor: tuple[datetime, int] | None = None,
    tips_until: datetime | None = None,
) -> Claim:
    """Claim one batch of due reminders (see the module docstring); the caller commits.

    Tips due by `tips_until` (from `tip_horizon`) are claimed too, early.
    """
    rows = await repos.reminders.due(now, cursor, limits.batch_size, tips_until)
    lease = now + limits.lease
    due: list[_Due] = []
    skipped_late = 0
    for reminder, plan, user, settings in rows:
        cursor = (reminder.due_at, reminder.id)
        zone = zone_of(settings, default_zone)
        if not user.is_active:
            reminder.state = ReminderState.STOPPED
            continue
        paused = is_paused(settings, reminder.run_at, now)
        if paused or now > late_limit(reminder, plan, knowledge):
            # Not sent late, and not queued up during a pause: on to the next run. When not
            # paused, a next run due this very instant is claimed right away.
            if not paused:
                skipped_late += 1
            after = now if paused else now - timedelta(microseconds=1)
            kept = await advance_or_delete(repos, reminder, plan, zone, knowledge, after)
            if not kept or reminder.due_at > now:
                continue
        due.append(_Due(reminder, plan, user, settings, zone))
    # Check-ins, set-based: one query opens every run's check-in, one reads the snoozed ones.
    runs = await repos.checkins.open_for_runs(
        [
            (d.user.id, d.plan.id, d.reminder.run_at)
            for d in due
            if d.reminder.kind == ReminderKind.CHECKIN
        ],
        now,
    )
    snoozed = await repos.checkins.by_ids(
        [
            d.reminder.checkin_id
            for d in due
            if d.reminder.kind == ReminderKind.SNOOZE and d.reminder.checkin_id is not None
        ]
    )
    outgoing: list[Outgoing] = []
    asked: dict[int, Checkin] = {}
    for d in due:
        reminder = d.reminder
        tip_id = None
        checkin: Checkin | None = None
        if reminder.kind == ReminderKind.TIP:
            tip_id = next_tip(knowledge.tips, d.settings.last_tip if d.settings else None)
        elif reminder.kind == ReminderKind.CHECKIN:
            checkin = runs[(d.plan.id, reminder.run_at)]
            if checkin.status != CheckinStatus.OPEN:  # answered from an earlier copy (a resend)
                await _past_this_run(repos, reminder, d.plan, d.zone, knowledge)
                continue
        else:
            checkin = snoozed.get(reminder.checkin_id or 0)
            if checkin is None or checkin.status != CheckinStatus.OPEN:
                await repos.reminders.remove(reminder)
                continue
        if checkin is not None:
            asked[checkin.id] = checkin
        reminder.due_at = reminder.claimed_until = lease
        outgoing.append(
            Outgoing(
                reminder_id=reminder.id,
                lease=lease,
                kind=reminder.kind,
                user_id=d.user.id,
                language=_language(d.user),
                run_at=reminder.run_at,
                zone=d.zone.key,
                plan_id=d.plan.id,
                tip_id=tip_id,
                checkin_id=checkin.id if checkin is not None else None,
            )
        )
    return Claim(
        tuple(outgoing),
        len(rows),
        cursor,
        lease=lease if outgoing else None,
        skipped_late=skipped_late,
        checkins=asked,
        tips_until=tips_until,
    )


def retry_delay(attempts: int) -> timedelta:
    """Return the wait before retry number `attempts` (1, 2, 4 … minutes, at most 30)."""
    return min(RETRY_BASE * (1 << max(attempts - 1, 0)), RETRY_LONGEST)


async def settle(
    repos: Repositories,
    results: Sequence[Result],
    knowledge: Knowledge,
    default_zone: str,
    limits: DispatchLimits,
    now: datetime,
) -> list[Result]:
    """Record what happened to each send; return the results that gave up on an occurrence."""
    rows = {
        reminder.id: (reminder, plan, user, settings)
        for reminder, plan, user, settings in await repos.reminders.claimed(
            [result.outgoing.reminder_id for result in results]
        )
    }
    given_up: list[Result] = []
    blocked: set[int] = set()
    for result in results:
        sent = result.outgoing
        row = rows.get(sent.reminder_id)
        if row is None or row[0].claimed_until != sent.lease or sent.user_id in blocked:
            continue  # deleted, edited or re-claimed meanwhile: nothing of ours to record
        reminder, plan, _, settings = row
        zone = zone_of(settings, default_zone)
        if result.delivery in (Delivery.SENT, Delivery.NOTHING):
            if sent.tip_id is not None and settings is not None:
                settings.last_tip = sent.tip_id
            await _past_this_run(repos, reminder, plan, zone, knowledge)
        elif result.delivery is Delivery.FLOOD:
            reminder.due_at, reminder.claimed_until = now + result.retry_after, None
        elif result.delivery is Delivery.RELEASED:
            reminder.due_at, reminder.claimed_until = now, None
        elif result.delivery is Delivery.BLOCKED:
            blocked.add(sent.user_id)
            await repos.users.deactivate(sent.user_id, now)
            await repos.reminders.stop_for_user(sent.user_id)
        elif result.delivery is Delivery.FAILED and reminder.attempts + 1 < limits.max_attempts:
            reminder.attempts += 1
            reminder.due_at, reminder.claimed_until = now + retry_delay(reminder.attempts), None
        else:  # rejected, or failed too often: drop this occurrence, keep the next ones
            given_up.append(result)
            await _past_this_run(repos, reminder, plan, zone, knowledge)
    return given_up


async def next_due_for(repos: Repositories, user_id: int) -> datetime | None:
    """Return when the runner's next reminder falls due (the playground's "Next run")."""
    due = await repos.reminders.next_due_for_user(user_id)
    return due.astimezone(UTC) if due is not None else None
