"""/export: everything stored about a runner, read in one go and shaped as the export format.

Owns the export document (format `numb-feet-bot-export`, `VERSION`), the pydantic models
that define it (`docs/export.schema.json` is generated from them), and the check-ins as the
rows of the CSV. `collect` reads every table in the caller's unit of work; `document` and
`checkin_rows` work on what it read, after the transaction has ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from bot.db.models import (
    Checkin,
    GearChange,
    HealthNote,
    PendingInput,
    Reminder,
    RunnerSettings,
    RunPlan,
    Shoe,
    SymptomReport,
    TriageSession,
    User,
)
from bot.db.uow import Repositories

FORMAT = "numb-feet-bot-export"
"""The `format` of every export document."""
VERSION = 1
"""The `version` of the document's shape; raised whenever a field changes meaning or goes."""
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names, Monday first (bit 0 of `run_plans.weekdays`)."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class RunnerRecord(_Record):
    """The runner: one row of `users`."""

    id: int
    """The runner's Telegram user id."""
    language_code: str | None
    """The language Telegram last reported for the runner (an IETF tag)."""
    language: str | None
    """The language chosen in /settings; null follows Telegram's."""
    is_active: bool
    """False once the runner blocked the bot."""
    created_at: datetime
    updated_at: datetime


class SettingsRecord(_Record):
    """Reminder settings: one row of `runner_settings`."""

    timezone: str | None
    """The IANA time zone the runner chose; null until they choose."""
    paused_until: datetime | None
    """No reminders before this time (far in the future: until resumed)."""
    last_tip: str | None
    """The id of the pre-run tip sent last."""
    alert_level: int
    """The most serious message of the current episode of numbness: 0 none, 1 numbness that
    keeps coming back, 2 a sign in one check-in, 3 urgent, 4 emergency."""
    doctor_seen_at: datetime | None
    """When the runner last said they had seen a doctor about it."""
    updated_at: datetime


class HealthNoteRecord(_Record):
    """A health note kept from a check's answers: one row of `health_notes`."""

    note: str
    """The note's id from knowledge/triage.yaml, such as `diabetes`."""
    created_at: datetime


class ShoeRecord(_Record):
    """A pair of shoes: one row of `shoes`."""

    id: int
    name: str
    """The runner's own name for the pair."""
    is_default: bool
    settings: dict[str, str]
    """Setting id to option id (knowledge/gear.yaml); settings not answered are absent."""
    created_at: datetime
    updated_at: datetime


class PendingInputRecord(_Record):
    """The typed answer the bot was waiting for: one row of `pending_inputs`."""

    kind: str
    """`add_shoe`, `rename_shoe`, `timezone` or `run_time`."""
    ref_id: int | None
    """The shoe or run plan the answer is for, if any."""
    created_at: datetime
    expires_at: datetime


class TriageSessionRecord(_Record):
    """One /triage check, finished or not: one row of `triage_sessions`."""

    id: int
    status: str
    """`open`, `finished`, `cancelled` or `abandoned`."""
    path: list[list[str]]
    """The answered questions in order, each `[question id, answer id]`."""
    created_at: datetime
    updated_at: datetime


class SymptomReportRecord(_Record):
    """The result of a finished check: one row of `symptom_reports`."""

    id: int
    triage_session_id: int | None
    """The check it came from (`triage_sessions`)."""
    source: str
    tier: str
    """`emergency`, `urgent`, `see_doctor` or `self_care`."""
    stop_outcome: str | None
    """The emergency sign that ended the check, if one did."""
    red_flag: bool
    causes: list[str]
    """Likely cause ids (knowledge/causes.yaml), in the order shown."""
    answers: list[list[str]]
    """The answers, each `[question id, answer id]`."""
    created_at: datetime


class RunPlanRecord(_Record):
    """A planned run: one row of `run_plans`."""

    id: int
    status: str
    """`draft` (being added), `active`, or `done` (a one-off run that has passed)."""
    weekdays: int
    """The weekly days as bits, Monday bit 0; 0 for a one-off run."""
    days: list[str]
    """The same days by name (`mon` … `sun`)."""
    one_off_date: date | None
    """The date of a one-off run, in the runner's time zone."""
    start_minute: int | None
    """The start time as minutes after midnight, in the runner's time zone."""
    start_time: time | None
    """The same start time as `HH:MM:SS`."""
    duration_minutes: int | None
    tip_on: bool
    """Whether a tip is sent before the run."""
    checkin_on: bool
    """Whether a check-in is sent after the run."""
    created_at: datetime
    updated_at: datetime


class CheckinRecord(_Record):
    """One post-run check-in: one row of `checkins`."""

    id: int
    plan_id: int | None
    """The run plan it was for; null once the plan was deleted."""
    run_at: datetime
    """The run's planned start."""
    run_at_local: datetime
    """The same moment in the document's `time_zone`."""
    status: str
    """`open`, `answered` or `no_run`."""
    answers: list[list[str]]
    """The answers in order, each `[step id, answer id, …]` (knowledge/checkin.yaml); a
    shoe is `s<shoe id>`."""
    numb: bool | None
    """Whether there was numbness or tingling; null until answered."""
    red_flag: bool
    shoe_id: int | None
    """The shoes worn (`shoes`); null when not asked, not sure, or since deleted."""
    deleted_shoe_id: int | None
    """The id the shoes worn had, once they were deleted (their name is not kept)."""
    created_at: datetime
    answered_at: datetime | None


class GearChangeRecord(_Record):
    """A shoe's creation or a change to one of its settings: one row of `gear_changes`."""

    id: int
    shoe_id: int | None
    """The shoe (`shoes`); null once it was deleted."""
    setting: str
    """A setting id of knowledge/gear.yaml (`fit`, `lacing`, …), or `created`."""
    old_value: str | None
    """The option id before the change; null when it was not set (and for `created`)."""
    new_value: str | None
    """The option id after the change; null for "not sure" (and for `created`)."""
    changed_at: datetime


class ReminderRecord(_Record):
    """The next tip or check-in message of a plan: one row of `reminders`."""

    id: int
    plan_id: int
    kind: str
    """`tip`, `checkin` or `snooze` (a check-in asked again later)."""
    run_at: datetime
    """The start of the run it is about."""
    due_at: datetime
    """When it is sent next."""
    state: str
    """`pending`, or `stopped` while the runner has blocked the bot."""
    attempts: int
    """Failed sends of this message so far."""
    claimed_until: datetime | None
    """While being sent: until when one bot process holds it."""
    checkin_id: int | None
    """For a snooze: the check-in asked about again."""


class ExportDocument(_Record):
    """Everything Numb Feet Bot stores about one runner.

    Times are ISO 8601 in UTC (`Z`) unless named `_local`; lists are ordered by id (health
    notes by name).
    """

    format: Literal["numb-feet-bot-export"]
    version: Literal[1]
    exported_at: datetime
    time_zone: str
    """The runner's time zone: the local times, dates and start times are in it."""
    time_zone_chosen: bool
    """False when the runner never chose a zone and the bot's default was assumed."""
    runner: RunnerRecord
    settings: SettingsRecord | None
    """Null when the runner never planned a run or changed a reminder setting."""
    health_notes: list[HealthNoteRecord]
    shoes: list[ShoeRecord]
    gear_changes: list[GearChangeRecord]
    pending_input: PendingInputRecord | None
    triage_sessions: list[TriageSessionRecord]
    symptom_reports: list[SymptomReportRecord]
    run_plans: list[RunPlanRecord]
    checkins: list[CheckinRecord]
    reminders: list[ReminderRecord]


@dataclass(frozen=True, slots=True)
class RunnerData:
    """Every row stored about one runner, as read in one unit of work."""

    user: User
    settings: RunnerSettings | None
    health_notes: list[HealthNote]
    shoes: list[Shoe]
    gear_changes: list[GearChange]
    pending_input: PendingInput | None
    triage_sessions: list[TriageSession]
    symptom_reports: list[SymptomReport]
    run_plans: list[RunPlan]
    checkins: list[Checkin]
    reminders: list[Reminder]

    def zone(self, default_zone: str) -> str:
        """Return the runner's chosen IANA zone, else `default_zone`."""
        chosen = self.settings.timezone if self.settings is not None else None
        return chosen or default_zone


@dataclass(frozen=True, slots=True)
class CheckinRow:
    """One check-in as a row of the CSV, before it is put in words."""

    run_at_local: datetime
    status: str
    answers: dict[str, list[str]]
    """Step id to the answer ids given (a multi step may have none); unasked steps absent."""
    shoe_name: str | None
    """The name of the shoes worn, while they exist (a shoe answer without one: deleted)."""


async def collect(repos: Repositories, user_id: int) -> RunnerData | None:
    """Read everything stored about the runner, table by table; None if nothing is stored."""
    user = await repos.users.get(user_id)
    if user is None:
        return None
    owned = repos.runner_data.owned
    return RunnerData(
        user=user,
        settings=await repos.schedules.settings(user_id),
        health_notes=await owned(HealthNote, user_id),
        shoes=await owned(Shoe, user_id),
        gear_changes=await owned(GearChange, user_id),
        pending_input=await repos.pending.get(user_id),
        triage_sessions=await owned(TriageSession, user_id),
        symptom_reports=await owned(SymptomReport, user_id),
        run_plans=await owned(RunPlan, user_id),
        checkins=await owned(Checkin, user_id),
        reminders=await owned(Reminder, user_id),
    )


def document(data: RunnerData, default_zone: str, now: datetime) -> ExportDocument:
    """Return the export document of what `collect` read, with local times in their zone."""
    zone_name = data.zone(default_zone)
    zone = ZoneInfo(zone_name)
    return ExportDocument(
        format=FORMAT,
        version=VERSION,
        exported_at=now,
        time_zone=zone_name,
        time_zone_chosen=data.settings is not None and data.settings.timezone is not None,
        runner=RunnerRecord.model_validate(data.user, from_attributes=True),
        settings=(
            None
            if data.settings is None
            else SettingsRecord.model_validate(data.settings, from_attributes=True)
        ),
        health_notes=[
            HealthNoteRecord.model_validate(note, from_attributes=True)
            for note in data.health_notes
        ],
        shoes=[ShoeRecord.model_validate(shoe, from_attributes=True) for shoe in data.shoes],
        gear_changes=[
            GearChangeRecord.model_validate(change, from_attributes=True)
            for change in data.gear_changes
        ],
        pending_input=(
            None
            if data.pending_input is None
            else PendingInputRecord.model_validate(data.pending_input, from_attributes=True)
        ),
        triage_sessions=[
            TriageSessionRecord.model_validate(session, from_attributes=True)
            for session in data.triage_sessions
        ],
        symptom_reports=[
            SymptomReportRecord.model_validate(report, from_attributes=True)
            for report in data.symptom_reports
        ],
        run_plans=[_run_plan(plan) for plan in data.run_plans],
        checkins=[_checkin(checkin, zone) for checkin in data.checkins],
        reminders=[
            ReminderRecord.model_validate(reminder, from_attributes=True)
            for reminder in data.reminders
        ],
    )


def checkin_rows(data: RunnerData, default_zone: str) -> list[CheckinRow]:
    """Return the runner's check-ins, oldest run first, as rows for the CSV."""
    zone = ZoneInfo(data.zone(default_zone))
    names = {shoe.id: shoe.name for shoe in data.shoes}
    rows = []
    for checkin in sorted(data.checkins, key=lambda c: (c.run_at, c.id)):
        rows.append(
            CheckinRow(
                run_at_local=checkin.run_at.astimezone(zone),
                status=checkin.status,
                answers={step: list(given) for step, *given in checkin.answers},
                shoe_name=names.get(checkin.shoe_id) if checkin.shoe_id is not None else None,
            )
        )
    return rows


def _run_plan(plan: RunPlan) -> RunPlanRecord:
    start = None
    if plan.start_minute is not None:
        start = time(plan.start_minute // 60, plan.start_minute % 60)
    return RunPlanRecord(
        id=plan.id,
        status=plan.status,
        weekdays=plan.weekdays,
        days=[name for bit, name in enumerate(WEEKDAYS) if plan.weekdays & (1 << bit)],
        one_off_date=plan.one_off_date,
        start_minute=plan.start_minute,
        start_time=start,
        duration_minutes=plan.duration_minutes,
        tip_on=plan.tip_on,
        checkin_on=plan.checkin_on,
        created_at=plan.created_at,
        updated_at=plan.updated_at,
    )


def _checkin(checkin: Checkin, zone: ZoneInfo) -> CheckinRecord:
    return CheckinRecord(
        id=checkin.id,
        plan_id=checkin.plan_id,
        run_at=checkin.run_at,
        run_at_local=checkin.run_at.astimezone(zone),
        status=checkin.status,
        answers=checkin.answers,
        numb=checkin.numb,
        red_flag=checkin.red_flag,
        shoe_id=checkin.shoe_id,
        deleted_shoe_id=checkin.deleted_shoe_id,
        created_at=checkin.created_at,
        answered_at=checkin.answered_at,
    )
