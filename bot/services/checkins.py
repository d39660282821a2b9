"""Post-run check-ins: the button flow, snoozing, "I didn't run", and escalation.

Answers follow `knowledge/checkin.yaml`; at the end the see-a-doctor message may be due,
once per episode of numbness (`bot.services.escalation`).

The flow is data: each answer leads to the next step, finishes, stops at a triage red-flag
outcome (the emergency message) or raises an alert (a tier's message). New steps, such as
"which shoe?", are inserted in the data; `question` is the one place that turns a step into
the buttons to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.content.loader import Knowledge
from bot.content.models import CheckinAnswer, CheckinStep, Tier
from bot.db.models import Checkin, Reminder
from bot.db.uow import Repositories
from bot.services import escalation, reminders


@dataclass(frozen=True, slots=True)
class CheckinQuestion:
    """A check-in step to show: its number in the flow and its answer buttons."""

    checkin_id: int
    step_id: str
    step: int
    answer_ids: tuple[str, ...]
    columns: int
    run_at: datetime
    zone: str


@dataclass(frozen=True, slots=True)
class CheckinDone:
    """How a check-in ended: thanks (with a fitting fix), or an emergency or alert message."""

    numb: bool
    fix: str | None = None
    stop: str | None = None
    alert_tier: Tier | None = None
    alert_reason: str | None = None
    escalation: str | None = None
    """The rule that fired, if this check-in sends the see-a-doctor message."""


class Closed(StrEnum):
    """Why a check-in press could not be applied."""

    UNKNOWN = "unknown"
    """No such check-in for this runner, or an answer the step doesn't have (forged)."""
    FINISHED = "finished"
    """The check-in is answered, or the runner said they didn't run."""
    OUT_OF_DATE = "out_of_date"
    """The press answers an earlier step (a double tap)."""
    SNOOZED = "snoozed"
    NO_RUN = "no_run"


@dataclass(frozen=True, slots=True)
class Stale:
    """A press not applied, with the current question when the check-in is still open."""

    reason: Closed
    current: CheckinQuestion | None = None


def question(checkin: Checkin, knowledge: Knowledge, zone: str) -> CheckinQuestion | None:
    """Return the step the check-in is waiting on, None when it has ended."""
    if checkin.status != "open":
        return None
    step = _current_step(checkin, knowledge)
    if step is None:
        return None
    return CheckinQuestion(
        checkin_id=checkin.id,
        step_id=step.id,
        step=len(checkin.answers),
        answer_ids=tuple(answer.id for answer in step.answers),
        columns=step.columns,
        run_at=checkin.run_at,
        zone=zone,
    )


def _current_step(checkin: Checkin, knowledge: Knowledge) -> CheckinStep | None:
    steps = knowledge.checkin_steps
    step = steps.get(knowledge.checkin.first)
    for step_id, answer_id in checkin.answers:
        if step is None or step.id != step_id:
            return None
        answer = _answer(step, answer_id)
        if answer is None or answer.next is None:
            return None
        step = steps.get(answer.next)
    return step


def _answer(step: CheckinStep, answer_id: str) -> CheckinAnswer | None:
    return next((a for a in step.answers if a.id == answer_id), None)


async def current(
    repos: Repositories, knowledge: Knowledge, default_zone: str, checkin_id: int
) -> CheckinQuestion | None:
    """Return the open question of a check-in (to send it again after a snooze)."""
    checkin = await repos.checkins.get(checkin_id)
    if checkin is None:
        return None
    zone = reminders.zone_of(await repos.schedules.settings(checkin.user_id), default_zone)
    return question(checkin, knowledge, zone.key)


async def _load(
    repos: Repositories,
    knowledge: Knowledge,
    default_zone: str,
    user_id: int,
    checkin_id: int,
) -> tuple[Checkin, str] | Stale:
    checkin = await repos.checkins.get(checkin_id)
    if checkin is None or checkin.user_id != user_id:
        return Stale(Closed.UNKNOWN)
    zone = reminders.zone_of(await repos.schedules.settings(user_id), default_zone)
    if checkin.status != "open":
        return Stale(Closed.FINISHED)
    return checkin, zone.key


async def answer(
    repos: Repositories,
    knowledge: Knowledge,
    default_zone: str,
    user_id: int,
    checkin_id: int,
    step: int,
    answer_id: str,
    now: datetime,
) -> CheckinQuestion | CheckinDone | Stale:
    """Record the answer to step number `step`; at the end, evaluate escalation."""
    loaded = await _load(repos, knowledge, default_zone, user_id, checkin_id)
    if isinstance(loaded, Stale):
        return loaded
    checkin, zone = loaded
    shown = question(checkin, knowledge, zone)
    if shown is None:
        return Stale(Closed.FINISHED)
    if step != shown.step:
        return Stale(Closed.OUT_OF_DATE, shown)
    chosen = _answer(knowledge.checkin_steps[shown.step_id], answer_id)
    if chosen is None:
        return Stale(Closed.UNKNOWN)
    checkin.answers = [*checkin.answers, [shown.step_id, chosen.id]]
    if chosen.next is not None:
        next_question = question(checkin, knowledge, zone)
        if next_question is not None:
            return next_question
    return await _finish(repos, knowledge, checkin, chosen, now)


async def _finish(
    repos: Repositories,
    knowledge: Knowledge,
    checkin: Checkin,
    last: CheckinAnswer,
    now: datetime,
) -> CheckinDone:
    steps = knowledge.checkin_steps
    given = [_answer(steps[step_id], answer_id) for step_id, answer_id in checkin.answers]
    numb = all(a is None or a.numb for a in given)
    fix = next((a.tip for a in reversed(given) if a is not None and a.tip), None)
    checkin.status, checkin.numb, checkin.answered_at = "answered", numb, now
    checkin.red_flag = last.red_flag
    await repos.checkins.flush()
    settings = await repos.schedules.settings_for(checkin.user_id, now)
    if numb:
        last_numb = await repos.checkins.last_numb_before(checkin.user_id, checkin.id)
        if escalation.new_episode(last_numb, now, knowledge.escalation):
            settings.escalated_at = None
    if last.stop is not None or last.alert is not None:
        # The runner was just told to get help now or today: no see-a-doctor nudge this episode.
        settings.escalated_at = now
        return CheckinDone(
            numb=True,
            stop=last.stop,
            alert_tier=last.alert.tier if last.alert else None,
            alert_reason=last.alert.reason if last.alert else None,
        )
    fired = None
    if numb and settings.escalated_at is None:
        fired = escalation.rule_that_fires(
            await _history(repos, knowledge, checkin, last, now), knowledge.escalation
        )
        if fired is not None:
            settings.escalated_at = now
    settings.updated_at = now
    return CheckinDone(numb=numb, fix=fix if numb else None, escalation=fired)


async def _history(
    repos: Repositories,
    knowledge: Knowledge,
    checkin: Checkin,
    last: CheckinAnswer,
    now: datetime,
) -> escalation.History:
    rules = knowledge.escalation
    recent = await repos.checkins.recent_answered(
        checkin.user_id,
        escalation.most_recent_needed(rules),
        since=now - timedelta(days=rules.quiet_days),
    )
    within = {
        days: await repos.checkins.numb_since(checkin.user_id, now - timedelta(days=days))
        for days in escalation.windows(rules)
    }
    return escalation.History(
        persistent=last.persistent,
        recent_numb=[bool(c.numb) for c in recent],
        numb_within=within,
    )


async def snooze(
    repos: Repositories,
    knowledge: Knowledge,
    default_zone: str,
    user_id: int,
    checkin_id: int,
    now: datetime,
) -> Stale:
    """Ask about this check-in again later (a one-off snooze reminder)."""
    loaded = await _load(repos, knowledge, default_zone, user_id, checkin_id)
    if isinstance(loaded, Stale):
        return loaded
    checkin, _ = loaded
    plan = await repos.schedules.plan(checkin.plan_id) if checkin.plan_id else None
    if plan is None:
        return Stale(Closed.FINISHED)
    due = now + timedelta(minutes=knowledge.schedules.snooze_minutes)
    fake = Reminder(kind=reminders.SNOOZE, run_at=checkin.run_at)
    if due > reminders.late_limit(fake, plan, knowledge):
        return Stale(Closed.FINISHED)
    existing = {r.kind: r for r in await repos.reminders.for_plan(plan.id)}
    reminder = existing.get(reminders.SNOOZE)
    if reminder is None:
        reminder = Reminder(user_id=user_id, plan_id=plan.id, kind=reminders.SNOOZE)
        repos.reminders.add(reminder)
    reminder.run_at, reminder.due_at, reminder.checkin_id = checkin.run_at, due, checkin.id
    reminder.state, reminder.attempts, reminder.claimed_until = "pending", 0, None
    return Stale(Closed.SNOOZED)


async def no_run(
    repos: Repositories,
    knowledge: Knowledge,
    default_zone: str,
    user_id: int,
    checkin_id: int,
    now: datetime,
) -> Stale:
    """Record that the runner didn't run; the check-in ends without counting."""
    loaded = await _load(repos, knowledge, default_zone, user_id, checkin_id)
    if isinstance(loaded, Stale):
        return loaded
    checkin, _ = loaded
    checkin.status, checkin.answered_at = "no_run", now
    return Stale(Closed.NO_RUN)
