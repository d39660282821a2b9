"""Post-run check-ins: the button flow, which shoes, snoozing, "I didn't run", escalation.

Answers follow `knowledge/checkin.yaml`; at the end the see-a-doctor message may be due,
once per episode of numbness (`bot.services.escalation`).

The flow is data: each answer leads to the next step, finishes, stops at a triage red-flag
outcome (the emergency message) or raises an alert (a tier's message). The "which shoes?"
step (`shoes: true`) comes last and is skipped for a runner without shoes. Before it is asked,
the answers about the runner's feet are recorded and escalation is decided, so a runner who
never says which shoes still counts; the thanks after it carry the tip worded for those
shoes. `question` is the one place that turns a step into the buttons to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.content.loader import SHOE_ANSWER, Knowledge
from bot.content.models import CheckinAnswer, CheckinStep, Tier
from bot.db.models import Checkin, Reminder
from bot.db.uow import Repositories
from bot.services import escalation, reminders
from bot.services.triage_engine import fitted_fix


def _shoe_id(answer_id: str) -> int | None:
    match = SHOE_ANSWER.fullmatch(answer_id)
    return None if match is None else int(match[1])


@dataclass(frozen=True, slots=True)
class ShoeChoice:
    """One of the runner's shoes, offered as a button in the shoe question."""

    id: int
    name: str
    is_default: bool

    @property
    def answer_id(self) -> str:
        """Return the answer id this shoe's button carries: `s<shoe id>`."""
        return f"s{self.id}"


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
    shoes: tuple[ShoeChoice, ...] = ()
    """The runner's shoes, the default first, when the step asks which ones they wore."""
    escalation: str | None = None
    """The rule that fired as the answers about the runner's feet came in, if any: the
    see-a-doctor message goes out with this question."""


@dataclass(frozen=True, slots=True)
class CheckinDone:
    """How a check-in ended: thanks (with a fitting fix), or an emergency or alert message."""

    numb: bool
    fix: str | None = None
    shoe: str | None = None
    """The name of the shoes the fix is worded for (`fix` is then a variant), if it is."""
    invite_to_gear: bool = False
    """True when the runner has no shoes yet and the fix has versions worded for a shoe."""
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
    SHOE_GONE = "shoe_gone"
    """The shoes pressed are not the runner's any more (deleted since the question, or forged)."""
    SNOOZED = "snoozed"
    NO_RUN = "no_run"


@dataclass(frozen=True, slots=True)
class Stale:
    """A press not applied, with the current question when the check-in is still open."""

    reason: Closed
    current: CheckinQuestion | None = None


def question(
    checkin: Checkin, knowledge: Knowledge, zone: str, shoes: Sequence[ShoeChoice] = ()
) -> CheckinQuestion | None:
    """Return the step the check-in is waiting on, None when it has ended.

    `shoes` are the runner's shoes, the default first: a shoe question shows one button each.
    """
    if checkin.status != "open":
        return None
    step = _waiting_step(checkin, knowledge)
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
        shoes=tuple(shoes) if step.shoes else (),
    )


def _waiting_step(checkin: Checkin, knowledge: Knowledge) -> CheckinStep | None:
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
    listed = next((a for a in step.answers if a.id == answer_id), None)
    if listed is None and step.shoes and _shoe_id(answer_id) is not None:
        # A shoe's button goes where the step's own answers go (they all finish).
        return step.answers[0].model_copy(update={"id": answer_id})
    return listed


def _given(checkin: Checkin, knowledge: Knowledge) -> list[CheckinAnswer]:
    steps = knowledge.checkin_steps
    given = [
        _answer(steps[step_id], answer_id)
        for step_id, answer_id in checkin.answers
        if step_id in steps
    ]
    return [answer for answer in given if answer is not None]


async def _shoe_choices(repos: Repositories, user_id: int) -> tuple[ShoeChoice, ...]:
    shoes = sorted(await repos.shoes.for_user(user_id), key=lambda shoe: not shoe.is_default)
    return tuple(ShoeChoice(shoe.id, shoe.name, shoe.is_default) for shoe in shoes)


async def current(
    repos: Repositories, knowledge: Knowledge, default_zone: str, checkin_id: int
) -> CheckinQuestion | None:
    """Return the open question of a check-in (to send it again after a snooze)."""
    checkin = await repos.checkins.get(checkin_id)
    if checkin is None:
        return None
    zone = reminders.zone_of(await repos.schedules.settings(checkin.user_id), default_zone)
    waiting = _waiting_step(checkin, knowledge)
    shoes = await _shoe_choices(repos, checkin.user_id) if waiting and waiting.shoes else ()
    return question(checkin, knowledge, zone.key, shoes)


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
    waiting = _waiting_step(checkin, knowledge)
    shoes = await _shoe_choices(repos, user_id) if waiting and waiting.shoes else ()
    shown = question(checkin, knowledge, zone, shoes)
    if waiting is None or shown is None:
        return Stale(Closed.FINISHED)
    if step != shown.step:
        return Stale(Closed.OUT_OF_DATE, shown)
    chosen = _answer(waiting, answer_id)
    if chosen is None:
        return Stale(Closed.UNKNOWN)
    if waiting.shoes:
        return await _record_shoes(repos, knowledge, checkin, shown, chosen)
    checkin.answers = [*checkin.answers, [waiting.id, chosen.id]]
    following = knowledge.checkin_steps.get(chosen.next) if chosen.next else None
    if following is None:
        checkin.status = "answered"
        return await _conclude(repos, knowledge, checkin, chosen, now)
    if not following.shoes:
        return question(checkin, knowledge, zone) or Stale(Closed.FINISHED)
    shoes = await _shoe_choices(repos, user_id)
    done = await _conclude(repos, knowledge, checkin, chosen, now)
    if not shoes:  # nothing to choose from: the shoe question is skipped
        checkin.status = "answered"
        fits_gear = done.fix is not None and bool(knowledge.fixes[done.fix].variants)
        return replace(done, invite_to_gear=fits_gear)
    asked = question(checkin, knowledge, zone, shoes)
    return Stale(Closed.FINISHED) if asked is None else replace(asked, escalation=done.escalation)


async def _record_shoes(
    repos: Repositories,
    knowledge: Knowledge,
    checkin: Checkin,
    shown: CheckinQuestion,
    chosen: CheckinAnswer,
) -> CheckinDone | Stale:
    """Store the shoes worn (or "not sure") and end with thanks and a tip fitted to them."""
    shoe_id = _shoe_id(chosen.id)
    worn = next((shoe for shoe in shown.shoes if shoe.id == shoe_id), None)
    if shoe_id is not None and worn is None:
        return Stale(Closed.SHOE_GONE, shown)
    checkin.shoe_id = shoe_id
    checkin.answers = [*checkin.answers, [shown.step_id, chosen.id]]
    checkin.status = "answered"
    given = _given(checkin, knowledge)
    fix = _tip(given) if checkin.numb else None
    shoe = await repos.shoes.get(checkin.user_id, shoe_id) if shoe_id is not None else None
    if fix is None or shoe is None:
        return CheckinDone(numb=bool(checkin.numb), fix=fix)
    fitted = fitted_fix(knowledge, fix, shoe.settings)
    shoe_name = shoe.name if fitted in knowledge.fix_variants else None
    return CheckinDone(numb=True, fix=fitted, shoe=shoe_name)


def _tip(given: Sequence[CheckinAnswer]) -> str | None:
    """Return the fix of the last answer that names one."""
    return next((a.tip for a in reversed(given) if a.tip), None)


async def _conclude(
    repos: Repositories,
    knowledge: Knowledge,
    checkin: Checkin,
    last: CheckinAnswer,
    now: datetime,
) -> CheckinDone:
    """Record what the answers about the runner's feet say, and whether to escalate."""
    given = _given(checkin, knowledge)
    numb = all(a.numb for a in given)
    checkin.numb, checkin.answered_at = numb, now
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
        persistent = any(a.persistent for a in given)
        fired = escalation.rule_that_fires(
            await _history(repos, knowledge, checkin, persistent, now), knowledge.escalation
        )
        if fired is not None:
            settings.escalated_at = now
    settings.updated_at = now
    return CheckinDone(numb=numb, fix=_tip(given) if numb else None, escalation=fired)


async def _history(
    repos: Repositories,
    knowledge: Knowledge,
    checkin: Checkin,
    persistent: bool,
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
        persistent=persistent,
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
    if checkin.numb is not None:  # an old copy: the runner already said how their feet were
        return Stale(Closed.FINISHED)
    checkin.status, checkin.answered_at = "no_run", now
    return Stale(Closed.NO_RUN)
