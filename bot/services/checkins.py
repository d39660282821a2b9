"""Post-run check-ins: the button flow, warning signs, which shoes, snooze, escalation.

Answers follow `knowledge/checkin.yaml`. The flow is data: each answer leads to the next step,
finishes, stops at a triage red-flag outcome (the emergency message) or raises an alert (the
urgent message). A `multi` step (the warning signs) lets the runner pick several answers
before "Done"; its picks travel in the buttons until then, so nothing is stored for a pick.
A step with `health` is asked only of runners with that health note (diabetes: new wounds).
The "which shoes?" step (`shoes: true`) comes last and is skipped for a runner without shoes.
Before it is asked, the answers about the runner's feet are recorded and the see-a-doctor
message decided (`bot.services.escalation`), so a runner who never says which shoes still
counts; the thanks after it carry the tip worded for those shoes. `question` is the one place
that turns a step into the buttons to show.

A check-in's answers are stored as `[step id, answer id, ...]` entries, one per step: one
answer for most steps, any number (none included) for a `multi` step.

**/ran** ("I just ran", `ran`) starts the same check-in at once, for any runner, and it counts
for escalation like any other. Which check-in it is:
- during a planned run's check-in time (from its start until its check-in is too late to
  send, `reminders.checkin_time`), the check-in of that run, the very row the dispatcher
  opens (one per plan and run start). So the planned check-in that falls due later finds it:
  answered, it is not sent (no second count); still open, it asks the open question again;
  and a planned check-in already sent is resumed by /ran, not doubled. If that check-in was
  answered more than `ran_repeat_minutes` (`knowledge/schedules.yaml`) ago, though, this
  /ran is about another, later run (below). A /ran before a planned run's start is not taken
  as that run, which may still happen;
- otherwise a check-in without a plan, whose run is the moment of the /ran; another /ran
  within `ran_repeat_minutes` is about the same run.
Either way an open check-in is resumed at its waiting question, an answered one gets a note
instead of a second check-in, and one the runner said they didn't run is asked again from the
start (they ran after all).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.content.loader import SHOE_ANSWER, Knowledge
from bot.content.models import CheckinAnswer, CheckinStep, Tier
from bot.content.triage_engine import fitted_fix
from bot.db.models import (
    AlertLevel,
    Checkin,
    CheckinStatus,
    PlanStatus,
    Reminder,
    ReminderKind,
    ReminderState,
)
from bot.db.uow import Repositories
from bot.services import escalation, reminders
from bot.services.context import Context
from bot.services.scheduling import next_run


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
    multi: bool = False
    """True when the runner may pick several answers, then "Done"."""
    picked: int = 0
    """For a `multi` step: the answers picked so far, bit i for `answer_ids[i]`."""
    escalation: str | None = None
    """The see-a-doctor message that the answers about the runner's feet called for, if
    any: it goes out with this question."""
    planned: bool = True
    """False for a check-in without a plan (a /ran): it is not about a planned run's time,
    and cannot be snoozed (a snooze is a reminder of a plan)."""


@dataclass(frozen=True, slots=True)
class CheckinDone:
    """How a check-in ended: thanks (with a fitting fix), or an emergency or urgent message."""

    numb: bool
    fix: str | None = None
    shoe: str | None = None
    """The name of the shoes the fix is worded for (`fix` is then a variant), if it is."""
    invite_to_gear: bool = False
    """True when the runner has no shoes yet and the fix has versions worded for a shoe."""
    stops: tuple[str, ...] = ()
    """The emergency outcomes of the warning signs reported, if any."""
    action: str | None = None
    """What to do now, the most urgent action of those `stops`."""
    alert_tier: Tier | None = None
    alert_reasons: tuple[str, ...] = ()
    escalation: str | None = None
    """The see-a-doctor message this check-in sends, if any."""


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


@dataclass(frozen=True, slots=True)
class Stale:
    """A press not applied, with the current question when the check-in is still open."""

    reason: Closed
    current: CheckinQuestion | None = None


@dataclass(frozen=True, slots=True)
class DoctorSeen:
    """The runner said they've seen a doctor: recurring messages are quiet for `days`."""

    days: int


@dataclass(frozen=True, slots=True)
class Snoozed:
    """The check-in will be asked again in `minutes`."""

    minutes: int


@dataclass(frozen=True, slots=True)
class NoRun:
    """The runner didn't run: the check-in ended without counting."""


@dataclass(frozen=True, slots=True)
class AlreadyNoted:
    """A /ran about a run whose check-in is already answered: nothing new is started."""


Outcome = CheckinQuestion | CheckinDone | DoctorSeen | Snoozed | NoRun | Stale
"""What a check-in press leads to."""


@dataclass(frozen=True, slots=True)
class Press:
    """A runner's press on an answer of check-in `checkin_id`, shown as step number `step`."""

    user_id: int
    checkin_id: int
    step: int


def question(
    checkin: Checkin,
    knowledge: Knowledge,
    zone: str,
    notes: Collection[str],
    shoes: Sequence[ShoeChoice] = (),
) -> CheckinQuestion | None:
    """Return the step the check-in is waiting on, None when it has ended.

    `notes` are the runner's health notes; `shoes` their shoes, the default first: a shoe
    question shows one button each.
    """
    if checkin.status != CheckinStatus.OPEN:
        return None
    step = _waiting_step(checkin, knowledge, notes)
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
        multi=step.multi,
        planned=checkin.plan_id is not None,
    )


def _waiting_step(
    checkin: Checkin, knowledge: Knowledge, notes: Collection[str]
) -> CheckinStep | None:
    steps = knowledge.checkin_steps
    step = _asked(steps.get(knowledge.checkin.first), knowledge, notes)
    for step_id, *answer_ids in checkin.answers:
        if step is None or step.id != step_id:
            return None
        chosen = [_answer(step, answer_id) for answer_id in answer_ids]
        if any(answer is None for answer in chosen):
            return None
        if step.multi:
            alarming = any(a is not None and (a.stop or a.alert) for a in chosen)
            following = None if alarming else step.otherwise
        else:
            following = chosen[0].next if len(chosen) == 1 and chosen[0] is not None else None
        if following is None:
            return None
        step = _asked(steps.get(following), knowledge, notes)
    return step


def _asked(
    step: CheckinStep | None, knowledge: Knowledge, notes: Collection[str]
) -> CheckinStep | None:
    """Return `step`, or the step after it when the runner lacks the note it is asked for."""
    while step is not None and step.health is not None and step.health not in notes:
        step = knowledge.checkin_steps.get(step.otherwise or "")
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
        for step_id, *answer_ids in checkin.answers
        if step_id in steps
        for answer_id in answer_ids
    ]
    return [answer for answer in given if answer is not None]


async def _shoe_choices(repos: Repositories, user_id: int) -> tuple[ShoeChoice, ...]:
    shoes = sorted(await repos.shoes.for_user(user_id), key=lambda shoe: not shoe.is_default)
    return tuple(ShoeChoice(shoe.id, shoe.name, shoe.is_default) for shoe in shoes)


@dataclass(frozen=True, slots=True)
class _Open:
    """An open check-in of the runner's, with what it is waiting on."""

    checkin: Checkin
    waiting: CheckinStep
    shown: CheckinQuestion
    notes: list[str]
    """The runner's health notes."""


async def _runners(repos: Repositories, user_id: int, checkin_id: int) -> Checkin | Stale:
    """Return the runner's check-in while it is open; or why a press on it can't apply."""
    checkin = await repos.checkins.get(checkin_id)
    if checkin is None or checkin.user_id != user_id:
        return Stale(Closed.UNKNOWN)
    return checkin if checkin.status == CheckinStatus.OPEN else Stale(Closed.FINISHED)


async def _open(repos: Repositories, ctx: Context, checkin: Checkin) -> _Open | Stale:
    """Return the open check-in's waiting step as shown, or Stale when it has ended."""
    zone = reminders.zone_of(await repos.schedules.settings(checkin.user_id), ctx.default_zone)
    notes = await repos.health.for_user(checkin.user_id)
    waiting = _waiting_step(checkin, ctx.knowledge, notes)
    if waiting is None:
        return Stale(Closed.FINISHED)
    shoes = await _shoe_choices(repos, checkin.user_id) if waiting.shoes else ()
    shown = question(checkin, ctx.knowledge, zone.key, notes, shoes)
    return Stale(Closed.FINISHED) if shown is None else _Open(checkin, waiting, shown, notes)


async def current(repos: Repositories, ctx: Context, checkin_id: int) -> CheckinQuestion | None:
    """Return the open question of a check-in (to send it again after a snooze)."""
    checkin = await repos.checkins.get(checkin_id)
    if checkin is None or checkin.status != CheckinStatus.OPEN:
        return None
    opened = await _open(repos, ctx, checkin)
    return None if isinstance(opened, Stale) else opened.shown


async def questions(
    repos: Repositories, knowledge: Knowledge, asked: Sequence[tuple[Checkin, str]]
) -> dict[int, CheckinQuestion]:
    """Return the open question of each check-in, by id, for the dispatcher to send.

    `asked` pairs each check-in (as claimed, not read again) with its runner's zone. The
    runners' health notes come in one query, and their shoes in one more only when a
    check-in waits on the shoe question. A check-in with nothing left to ask is absent.
    """
    users = {checkin.user_id for checkin, _ in asked}
    notes = await repos.health.for_users(users)
    waiting = {
        checkin.id: _waiting_step(checkin, knowledge, notes.get(checkin.user_id, ()))
        for checkin, _ in asked
        if checkin.status == CheckinStatus.OPEN
    }
    shoe_users = {
        checkin.user_id
        for checkin, _ in asked
        if (step := waiting.get(checkin.id)) is not None and step.shoes
    }
    shoes = await repos.shoes.for_users(shoe_users)
    shown: dict[int, CheckinQuestion] = {}
    for checkin, zone in asked:
        if waiting.get(checkin.id) is None:
            continue
        own = sorted(shoes.get(checkin.user_id, ()), key=lambda shoe: not shoe.is_default)
        choices = [ShoeChoice(shoe.id, shoe.name, shoe.is_default) for shoe in own]
        question_shown = question(
            checkin, knowledge, zone, notes.get(checkin.user_id, ()), choices
        )
        if question_shown is not None:
            shown[checkin.id] = question_shown
    return shown


async def _pressed(repos: Repositories, ctx: Context, press: Press) -> _Open | Stale:
    """Return the runner's open check-in when a press is for the step it waits on."""
    checkin = await _runners(repos, press.user_id, press.checkin_id)
    if isinstance(checkin, Stale):
        return checkin
    opened = await _open(repos, ctx, checkin)
    if isinstance(opened, _Open) and press.step != opened.shown.step:
        return Stale(Closed.OUT_OF_DATE, opened.shown)
    return opened


async def pick(
    repos: Repositories, ctx: Context, press: Press, picked: int
) -> CheckinQuestion | Stale:
    """Show a `multi` step with the answers `picked` so far (nothing is stored yet)."""
    opened = await _picking(repos, ctx, press, picked)
    return opened if isinstance(opened, Stale) else replace(opened.shown, picked=picked)


async def answer(
    repos: Repositories, ctx: Context, press: Press, answer_id: str
) -> CheckinQuestion | CheckinDone | Stale:
    """Record the answer to the step pressed; at the end, evaluate escalation."""
    opened = await _pressed(repos, ctx, press)
    if isinstance(opened, Stale):
        return opened
    chosen = _answer(opened.waiting, answer_id)
    if chosen is None or opened.waiting.multi:
        return Stale(Closed.UNKNOWN)
    if opened.waiting.shoes:
        return await _record_shoes(repos, ctx.knowledge, opened, chosen)
    return await _record(repos, ctx.knowledge, opened, [chosen], chosen.next, ctx.now)


async def answer_picked(
    repos: Repositories, ctx: Context, press: Press, picked: int
) -> CheckinQuestion | CheckinDone | Stale:
    """Record "Done" on a `multi` step with the answers `picked` (bit i: answer i)."""
    opened = await _picking(repos, ctx, press, picked)
    if isinstance(opened, Stale):
        return opened
    chosen = [a for index, a in enumerate(opened.waiting.answers) if picked >> index & 1]
    following = opened.waiting.otherwise
    return await _record(repos, ctx.knowledge, opened, chosen, following, ctx.now)


async def _picking(repos: Repositories, ctx: Context, press: Press, picked: int) -> _Open | Stale:
    """Return the open check-in when it waits on a `multi` step and the picks fit its answers."""
    opened = await _pressed(repos, ctx, press)
    if isinstance(opened, Stale):
        return opened
    if not opened.waiting.multi or picked >= 1 << len(opened.waiting.answers):
        return Stale(Closed.UNKNOWN)
    return opened


async def _record(
    repos: Repositories,
    knowledge: Knowledge,
    opened: _Open,
    chosen: Sequence[CheckinAnswer],
    following_id: str | None,
    now: datetime,
) -> CheckinQuestion | CheckinDone | Stale:
    """Store the answers to the waiting step and go on: a warning sign or `finish` ends it."""
    checkin, shown = opened.checkin, opened.shown
    checkin.answers = [*checkin.answers, [opened.waiting.id, *(a.id for a in chosen)]]
    ending = [a for a in chosen if a.stop is not None or a.alert is not None]
    notes = opened.notes
    following = None
    if not ending and following_id is not None:
        following = _asked(knowledge.checkin_steps.get(following_id), knowledge, notes)
    if following is None:
        checkin.status = CheckinStatus.ANSWERED
        return await _conclude(repos, knowledge, checkin, ending, now)
    if not following.shoes:
        asked = question(checkin, knowledge, shown.zone, notes)
        return asked or Stale(Closed.FINISHED)
    shoes = await _shoe_choices(repos, checkin.user_id)
    done = await _conclude(repos, knowledge, checkin, ending, now)
    if not shoes:  # nothing to choose from: the shoe question is skipped
        checkin.status = CheckinStatus.ANSWERED
        fits_gear = done.fix is not None and bool(knowledge.fixes[done.fix].variants)
        return replace(done, invite_to_gear=fits_gear)
    asked = question(checkin, knowledge, shown.zone, notes, shoes)
    return Stale(Closed.FINISHED) if asked is None else replace(asked, escalation=done.escalation)


async def _record_shoes(
    repos: Repositories, knowledge: Knowledge, opened: _Open, chosen: CheckinAnswer
) -> CheckinDone | Stale:
    """Store the shoes worn (or "not sure") and end with thanks and a tip fitted to them."""
    checkin, shown = opened.checkin, opened.shown
    shoe_id = _shoe_id(chosen.id)
    worn = next((shoe for shoe in shown.shoes if shoe.id == shoe_id), None)
    if shoe_id is not None and worn is None:
        return Stale(Closed.SHOE_GONE, shown)
    checkin.shoe_id = shoe_id
    checkin.answers = [*checkin.answers, [shown.step_id, chosen.id]]
    checkin.status = CheckinStatus.ANSWERED
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
    ending: Sequence[CheckinAnswer],
    now: datetime,
) -> CheckinDone:
    """Record what the answers about the runner's feet say, and which message they call for.

    Warning signs are always answered with their emergency or urgent message. Otherwise the
    see-a-doctor message goes out when it is more serious than the episode's alerts so far:
    a sign (`escalate`) outranks numbness that keeps coming back, which "I've seen a doctor"
    can quiet for a while.
    """
    given = _given(checkin, knowledge)
    numb = all(a.numb for a in given)
    stops = tuple(a.stop for a in ending if a.stop is not None)
    checkin.numb, checkin.answered_at = numb, now
    checkin.red_flag = bool(stops)
    settings = await repos.schedules.settings_for(checkin.user_id, now)
    settings.updated_at = now
    if numb:
        last_numb = await repos.checkins.last_numb_before(checkin.user_id, checkin.id)
        if escalation.new_episode(last_numb, now, knowledge.escalation):
            settings.alert_level = AlertLevel.NONE
    level = AlertLevel(settings.alert_level)
    if stops:
        settings.alert_level = AlertLevel.EMERGENCY
        action = min((knowledge.stops[s].action for s in stops), key=knowledge.actions.index)
        return CheckinDone(numb=True, stops=stops, action=action)
    alerts = [a.alert for a in ending if a.alert is not None]
    if alerts:
        tier = max((alert.tier for alert in alerts), key=lambda t: t.rank)
        settings.alert_level = max(level, escalation.level_of(tier))
        reasons = tuple(dict.fromkeys(a.reason for a in alerts if a.tier is tier))
        return CheckinDone(numb=True, alert_tier=tier, alert_reasons=reasons)
    fired = None
    if numb:
        sign = next((a.escalate for a in given if a.escalate is not None), None)
        if sign is not None and level < AlertLevel.SIGN:
            fired, settings.alert_level = sign, AlertLevel.SIGN
        elif level < AlertLevel.RECURRING and not escalation.quieted(
            settings.doctor_seen_at, now, knowledge.escalation
        ):
            fired = escalation.rule_that_fires(
                await _history(repos, knowledge, checkin, now), knowledge.escalation
            )
            if fired is not None:
                settings.alert_level = AlertLevel.RECURRING
    return CheckinDone(numb=numb, fix=_tip(given) if numb else None, escalation=fired)


async def _history(
    repos: Repositories, knowledge: Knowledge, checkin: Checkin, now: datetime
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
    return escalation.History(recent_numb=[bool(c.numb) for c in recent], numb_within=within)


async def seen_doctor(
    repos: Repositories, ctx: Context, user_id: int, checkin_id: int
) -> DoctorSeen | Stale:
    """Note that the runner has seen a doctor about the numbness a check-in reported."""
    checkin = await repos.checkins.get(checkin_id)
    if checkin is None or checkin.user_id != user_id:
        return Stale(Closed.UNKNOWN)
    settings = await repos.schedules.settings_for(user_id, ctx.now)
    settings.doctor_seen_at = settings.updated_at = ctx.now
    return DoctorSeen(ctx.knowledge.escalation.seen_doctor_days)


async def snooze(
    repos: Repositories, ctx: Context, user_id: int, checkin_id: int
) -> Snoozed | Stale:
    """Ask about this check-in again later (a one-off snooze reminder)."""
    checkin = await _runners(repos, user_id, checkin_id)
    if isinstance(checkin, Stale):
        return checkin
    plan = await repos.schedules.plan(checkin.plan_id) if checkin.plan_id else None
    if plan is None:
        return Stale(Closed.FINISHED)
    due = ctx.now + timedelta(minutes=ctx.knowledge.schedules.snooze_minutes)
    fake = Reminder(kind=ReminderKind.SNOOZE, run_at=checkin.run_at)
    if due > reminders.late_limit(fake, plan, ctx.knowledge):
        return Stale(Closed.FINISHED)
    existing = {r.kind: r for r in await repos.reminders.for_plan(plan.id)}
    reminder = existing.get(ReminderKind.SNOOZE)
    if reminder is None:
        reminder = Reminder(user_id=user_id, plan_id=plan.id, kind=ReminderKind.SNOOZE)
        repos.reminders.add(reminder)
    reminder.run_at, reminder.due_at, reminder.checkin_id = checkin.run_at, due, checkin.id
    reminder.state, reminder.attempts, reminder.claimed_until = ReminderState.PENDING, 0, None
    return Snoozed(ctx.knowledge.schedules.snooze_minutes)


async def no_run(
    repos: Repositories, ctx: Context, user_id: int, checkin_id: int
) -> NoRun | Stale:
    """Record that the runner didn't run; the check-in ends without counting."""
    checkin = await _runners(repos, user_id, checkin_id)
    if isinstance(checkin, Stale):
        return checkin
    if checkin.numb is not None:  # an old copy: the runner already said how their feet were
        return Stale(Closed.FINISHED)
    checkin.status, checkin.answered_at = CheckinStatus.NO_RUN, ctx.now
    return NoRun()


async def ran(
    repos: Repositories, ctx: Context, user_id: int, language_code: str | None
) -> CheckinQuestion | AlreadyNoted:
    """Start the post-run check-in now, for the run the runner just finished (/ran).

    See "/ran" in the module docstring for which check-in that is.
    """
    await repos.users.seen(user_id, language_code, ctx.now)
    since = ctx.now - timedelta(minutes=ctx.knowledge.schedules.ran_repeat_minutes)
    checkin = await _planned_checkin(repos, ctx, user_id)
    answered = checkin is not None and checkin.status == CheckinStatus.ANSWERED
    if answered and checkin is not None and (checkin.answered_at or ctx.now) < since:
        checkin = None  # that run's check-in was answered a while ago: this is a later run
    if checkin is None:
        checkin = await repos.checkins.latest_unplanned(user_id, since)
    if checkin is None:
        checkin = await repos.checkins.add(
            Checkin(
                user_id=user_id,
                plan_id=None,
                run_at=ctx.now,
                status=CheckinStatus.OPEN,
                answers=[],
                created_at=ctx.now,
            )
        )
    elif checkin.status == CheckinStatus.NO_RUN:  # "I didn't run", and now they did
        checkin.status, checkin.answers, checkin.answered_at = CheckinStatus.OPEN, [], None
    if checkin.status != CheckinStatus.OPEN:
        return AlreadyNoted()
    opened = await _open(repos, ctx, checkin)
    return AlreadyNoted() if isinstance(opened, Stale) else opened.shown


async def _planned_checkin(repos: Repositories, ctx: Context, user_id: int) -> Checkin | None:
    """Return the check-in of the planned run whose check-in time it is now, opening it.

    Of several such runs, the one that started last. A plan's runs are a day apart at least,
    and a check-in time is shorter than a day, so each plan has one run to look at.
    """
    zone = reminders.zone_of(await repos.schedules.settings(user_id), ctx.default_zone)
    latest: tuple[datetime, int] | None = None
    for plan in await repos.schedules.plans(user_id, (PlanStatus.ACTIVE, PlanStatus.DONE)):
        pattern = reminders.pattern_of(plan)
        if pattern is None:
            continue
        after = ctx.now - reminders.checkin_time(plan, ctx.knowledge)
        start = next_run(pattern, zone, after)
        if start is not None and start <= ctx.now and (latest is None or start > latest[0]):
            latest = (start, plan.id)
    if latest is None:
        return None
    start, plan_id = latest
    return await repos.checkins.open_for_run(user_id, plan_id, start, ctx.now)
