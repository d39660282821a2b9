"""Repositories: typed queries over one session. They add, select and update; never commit.

The session flushes before every query (SQLAlchemy's autoflush), so a query sees what the unit
of work changed so far. A repository flushes by hand only where a caller needs the database's
answer at once: a new row's id or server defaults, or an order of writes that a foreign key or
a unique index depends on; each such flush says which.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import (
    CursorResult,
    Delete,
    Result,
    Table,
    Update,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.db.base import Base
from bot.db.models import (
    Checkin,
    CheckinStatus,
    GearChange,
    HealthNote,
    PendingInput,
    PlanStatus,
    Reminder,
    ReminderKind,
    ReminderState,
    RunnerSettings,
    RunPlan,
    Shoe,
    SymptomReport,
    TriageSession,
    TriageStatus,
    User,
)


def _delete_oldest(
    model: type[Checkin] | type[SymptomReport] | type[TriageSession],
    age: InstrumentedAttribute[datetime],
    before: datetime,
    limit: int,
) -> Delete:
    """Return a DELETE of up to `limit` rows whose `age` is before `before`, oldest first.

    The rows are chosen through the index on `age` and, on PostgreSQL, locked with SKIP
    LOCKED, so two dispatchers deleting at once take different rows instead of waiting.
    """
    oldest = (
        select(model.id)
        .where(age < before)
        .order_by(age)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return delete(model).where(model.id.in_(oldest.scalar_subquery()))


async def _count_deleted(session: AsyncSession, statement: Delete) -> int:
    result = await session.execute(statement)
    return int(cast("CursorResult[Any]", result).rowcount)


class UserRepo:
    """Runners."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        # Held for the unit of work (the identity map holds unchanged objects weakly), so
        # that reading the runner's language after /start or /triage costs no second query.
        self._loaded: dict[int, User] = {}

    async def get(self, user_id: int) -> User | None:
        """Return the runner with this Telegram id, if known."""
        user = await self._session.get(User, user_id)
        if user is not None:
            self._loaded[user_id] = user
        return user

    async def chosen_language(self, user_id: int) -> str | None:
        """Return the language the runner chose in /settings; None: follow Telegram's."""
        if user_id in self._loaded:  # the runner's own row, with any change made in this unit
            return self._loaded[user_id].language
        user = await self.get(user_id)
        return None if user is None else user.language

    async def seen(self, user_id: int, language_code: str | None, now: datetime) -> User:
        """Return the runner, creating them or refreshing what Telegram told us about them."""
        user = await self.get(user_id)
        if user is None:
            user = User(
                id=user_id,
                language_code=language_code,
                is_active=True,
                created_at=now,
                updated_at=now,
            )
            self._session.add(user)
            self._loaded[user_id] = user
            # Flush now: rows that reference the user may be flushed in the same unit of work,
            # and without ORM relationships the flush does not order them after this insert.
            await self._session.flush()
        elif user.language_code != language_code or not user.is_active:
            if not user.is_active:
                # A runner who blocked the bot is back: their reminders run again. Any that
                # fell due meanwhile are skipped to the next run by the dispatcher, not sent late.
                await self._session.execute(
                    update(Reminder)
                    .where(Reminder.user_id == user_id, Reminder.state == ReminderState.STOPPED)
                    .values(state=ReminderState.PENDING)
                )
            user.language_code = language_code
            user.is_active = True
            user.updated_at = now
        return user

    async def deactivate(self, user_id: int, now: datetime) -> None:
        """Mark a runner who blocked the bot so nothing more is sent to them."""
        await self._session.execute(
            update(User).where(User.id == user_id).values(is_active=False, updated_at=now)
        )

    async def delete(self, user_id: int) -> bool:
        """Delete a runner and, by cascade, everything stored about them."""
        result = await self._session.execute(delete(User).where(User.id == user_id))
        return bool(cast("CursorResult[Any]", result).rowcount)


_TRIAGE_TABLE = cast("Table", TriageSession.__table__)
_USER_TABLE = cast("Table", User.__table__)


@dataclass(frozen=True, slots=True)
class TriageState:
    """A triage session as the triage service needs it: a plain row, not a tracked object."""

    id: int
    user_id: int
    status: str
    path: list[list[str]]
    """The answered steps as `[node id, answer id]` pairs, from the root."""
    language: str | None
    """The language its runner chose in /settings (None: Telegram's), for the reply."""


# Built once: every button press runs one of these, and a statement object keeps its cache
# key, so SQLAlchemy neither rebuilds nor re-traverses it per press. They read plain columns:
# loading ORM objects cost more than the rest of the press's database work together. The
# runner's chosen language comes in the same query: a press reads it nowhere else.
_TRIAGE_COLUMNS = select(
    _TRIAGE_TABLE.c.id,
    _TRIAGE_TABLE.c.user_id,
    _TRIAGE_TABLE.c.status,
    _TRIAGE_TABLE.c.path,
    _USER_TABLE.c.language,
).join_from(_TRIAGE_TABLE, _USER_TABLE, _USER_TABLE.c.id == _TRIAGE_TABLE.c.user_id)
_TRIAGE_BY_ID = _TRIAGE_COLUMNS.where(_TRIAGE_TABLE.c.id == bindparam("id"))
_OPEN_TRIAGE_OF = (
    _TRIAGE_COLUMNS.where(
        _TRIAGE_TABLE.c.user_id == bindparam("user_id"),
        _TRIAGE_TABLE.c.status == TriageStatus.OPEN,
    )
    .order_by(_TRIAGE_TABLE.c.id.desc())
    .limit(1)
)
_SAVE_TRIAGE = update(_TRIAGE_TABLE).where(_TRIAGE_TABLE.c.id == bindparam("triage_id"))
"""One UPDATE of path, status and updated_at; a plain statement where the ORM's flush would
spend more than the whole statement costs, on the path of every button press."""


def _close_open_triage(user_id: int, status: str, now: datetime) -> Update:
    return (
        update(TriageSession)
        .where(TriageSession.user_id == user_id, TriageSession.status == TriageStatus.OPEN)
        .values(status=status, updated_at=now)
    )


def _state(result: Result[Any]) -> TriageState | None:
    row = result.first()
    if row is None:
        return None
    return TriageState(row.id, row.user_id, row.status, row.path, row.language)


class TriageRepo:
    """Triage sessions."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, session_id: int) -> TriageState | None:
        """Return a triage session by id, with its runner's chosen language."""
        return _state(await self._session.execute(_TRIAGE_BY_ID, {"id": session_id}))

    async def open_for(self, user_id: int) -> TriageState | None:
        """Return the runner's open triage session, if any, with their chosen language."""
        return _state(await self._session.execute(_OPEN_TRIAGE_OF, {"user_id": user_id}))

    async def save(
        self, triage_id: int, path: list[list[str]], status: str, now: datetime
    ) -> None:
        """Store a session's answers and status (see `_SAVE_TRIAGE`)."""
        await self._session.execute(
            _SAVE_TRIAGE,
            {"triage_id": triage_id, "path": path, "status": status, "updated_at": now},
        )

    async def close_open(self, user_id: int, status: str, now: datetime) -> int:
        """Close every open session of a runner with `status`; return how many were open."""
        result = await self._session.execute(_close_open_triage(user_id, status, now))
        return int(cast("CursorResult[Any]", result).rowcount)

    async def abandon_open(self, user_id: int, now: datetime) -> None:
        """Mark any open session of the runner abandoned."""
        await self._session.execute(_close_open_triage(user_id, TriageStatus.ABANDONED, now))

    async def add(self, triage: TriageSession) -> TriageSession:
        """Insert a session and return it with its id."""
        self._session.add(triage)
        await self._session.flush()
        return triage

    async def delete_older(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` sessions last changed before `before`; return how many."""
        query = _delete_oldest(TriageSession, TriageSession.updated_at, before, limit)
        return await _count_deleted(self._session, query)


class ReportRepo:
    """Symptom reports."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, report: SymptomReport) -> None:
        """Queue a report for insertion with the unit of work."""
        self._session.add(report)

    async def latest(self, user_id: int, limit: int) -> list[SymptomReport]:
        """Return a runner's latest reports, newest first."""
        result = await self._session.scalars(
            select(SymptomReport)
            .where(SymptomReport.user_id == user_id)
            .order_by(SymptomReport.created_at.desc(), SymptomReport.id.desc())
            .limit(limit)
        )
        return list(result)

    async def for_user(self, user_id: int) -> list[SymptomReport]:
        """Return a runner's reports, oldest first."""
        result = await self._session.scalars(
            select(SymptomReport)
            .where(SymptomReport.user_id == user_id)
            .order_by(SymptomReport.created_at, SymptomReport.id)
        )
        return list(result)

    async def delete_older(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` reports made before `before`; return how many."""
        query = _delete_oldest(SymptomReport, SymptomReport.created_at, before, limit)
        return await _count_deleted(self._session, query)


class HealthNoteRepo:
    """Runners' health notes."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def for_user(self, user_id: int) -> list[str]:
        """Return the ids of the runner's health notes, in the order they were set."""
        result = await self._session.scalars(
            select(HealthNote.note)
            .where(HealthNote.user_id == user_id)
            .order_by(HealthNote.created_at, HealthNote.note)
        )
        return list(result)

    async def for_users(self, user_ids: Collection[int]) -> dict[int, list[str]]:
        """Return the health notes of several runners at once (runners without any are absent)."""
        if not user_ids:
            return {}
        result = await self._session.execute(
            select(HealthNote.user_id, HealthNote.note)
            .where(HealthNote.user_id.in_(user_ids))
            .order_by(HealthNote.user_id, HealthNote.created_at, HealthNote.note)
        )
        notes: dict[int, list[str]] = {}
        for user_id, note in result:
            notes.setdefault(user_id, []).append(note)
        return notes

    async def update(
        self, user_id: int, changes: Sequence[tuple[str, bool]], now: datetime
    ) -> None:
        """Set (True) or clear (False) the runner's notes; a note already set keeps its time."""
        cleared = [note for note, present in changes if not present]
        if cleared:
            await self._session.execute(
                delete(HealthNote).where(
                    HealthNote.user_id == user_id, HealthNote.note.in_(cleared)
                )
            )
        wanted = {note for note, present in changes if present}
        if wanted:
            have = set(await self.for_user(user_id))
            for note in sorted(wanted - have):
                self._session.add(HealthNote(user_id=user_id, note=note, created_at=now))


class ShoeRepo:
    """Runners' shoes."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def for_user(self, user_id: int) -> list[Shoe]:
        """Return a runner's shoes, oldest first."""
        result = await self._session.scalars(
            select(Shoe).where(Shoe.user_id == user_id).order_by(Shoe.id)
        )
        return list(result)

    async def for_users(self, user_ids: Collection[int]) -> dict[int, list[Shoe]]:
        """Return the shoes of several runners at once, oldest first (no shoes: absent)."""
        if not user_ids:
            return {}
        result = await self._session.scalars(
            select(Shoe).where(Shoe.user_id.in_(user_ids)).order_by(Shoe.user_id, Shoe.id)
        )
        shoes: dict[int, list[Shoe]] = {}
        for shoe in result:
            shoes.setdefault(shoe.user_id, []).append(shoe)
        return shoes

    async def get(self, user_id: int, shoe_id: int) -> Shoe | None:
        """Return one of the runner's shoes; None if it is gone or someone else's."""
        shoe = await self._session.get(Shoe, shoe_id)
        return shoe if shoe is not None and shoe.user_id == user_id else None

    async def default_for(self, user_id: int) -> Shoe | None:
        """Return the runner's default shoe, if they have one."""
        result = await self._session.scalars(
            select(Shoe).where(Shoe.user_id == user_id, Shoe.is_default)
        )
        return result.first()

    async def add(self, shoe: Shoe) -> Shoe:
        """Insert a shoe and return it with its id."""
        self._session.add(shoe)
        await self._session.flush()
        return shoe

    async def make_default(self, shoes: list[Shoe], chosen: Shoe) -> None:
        """Make `chosen` the only default among a runner's `shoes`."""
        for shoe in shoes:
            if shoe.is_default and shoe is not chosen:
                shoe.is_default = False
        # The old default is cleared first: one default per runner is a unique index, and a
        # flush may write the rows in any order.
        await self._session.flush()
        chosen.is_default = True

    async def delete(self, shoe: Shoe) -> None:
        """Delete a shoe; its check-ins keep their answers, and its id as a deleted shoe's."""
        await self._session.execute(
            update(Checkin).where(Checkin.shoe_id == shoe.id).values(deleted_shoe_id=shoe.id)
        )
        await self._session.delete(shoe)


class GearChangeRepo:
    """The history of changes to runners' shoes."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, change: GearChange) -> None:
        """Queue a change for insertion with the unit of work."""
        self._session.add(change)

    async def for_user(self, user_id: int) -> list[GearChange]:
        """Return the changes to a runner's shoes that still exist, oldest first."""
        result = await self._session.scalars(
            select(GearChange)
            .where(GearChange.user_id == user_id, GearChange.shoe_id.is_not(None))
            .order_by(GearChange.changed_at, GearChange.id)
        )
        return list(result)


class PendingInputRepo:
    """The typed answer the bot is waiting for: one per runner, the latest question wins."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> PendingInput | None:
        """Return what the runner's next typed text is taken as, if anything (expired too)."""
        return await self._session.get(PendingInput, user_id)

    async def wait_for(
        self, user_id: int, kind: str, ref_id: int | None, now: datetime, expires_at: datetime
    ) -> None:
        """Wait for the runner's next typed text as `kind`, replacing whatever was awaited."""
        pending = await self.get(user_id)
        if pending is None:
            self._session.add(
                PendingInput(
                    user_id=user_id,
                    kind=kind,
                    ref_id=ref_id,
                    created_at=now,
                    expires_at=expires_at,
                )
            )
            return
        pending.kind, pending.ref_id = kind, ref_id
        pending.created_at, pending.expires_at = now, expires_at

    async def clear(self, user_id: int, kinds: Collection[str] | None = None) -> None:
        """Stop waiting for the runner's typed text (only if it is one of `kinds`, when given).

        A waiting input already loaded in this unit of work leaves it at once (`evaluate`
        needs no query).
        """
        query = delete(PendingInput).where(PendingInput.user_id == user_id)
        if kinds is not None:
            query = query.where(PendingInput.kind.in_(kinds))
        await self._session.execute(query.execution_options(synchronize_session="evaluate"))


DueRow = tuple[Reminder, RunPlan, User, RunnerSettings | None]
"""A due reminder with everything needed to send it: its plan, runner and their settings."""


class ScheduleRepo:
    """Runner settings (time zone, pause) and run plans."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def settings(self, user_id: int) -> RunnerSettings | None:
        """Return the runner's settings row, if they have one."""
        return await self._session.get(RunnerSettings, user_id)

    async def settings_for(self, user_id: int, now: datetime) -> RunnerSettings:
        """Return the runner's settings row, creating an empty one (the runner must exist)."""
        found = await self.settings(user_id)
        if found is None:
            found = RunnerSettings(user_id=user_id, updated_at=now)
            self._session.add(found)
            await self._session.flush()  # reads back the defaults the database fills in
        return found

    async def plan(self, plan_id: int) -> RunPlan | None:
        """Return a run plan by id."""
        return await self._session.get(RunPlan, plan_id)

    async def plans(
        self, user_id: int, statuses: Sequence[PlanStatus] = (PlanStatus.ACTIVE,)
    ) -> list[RunPlan]:
        """Return a runner's plans with these statuses, oldest first."""
        result = await self._session.scalars(
            select(RunPlan)
            .where(RunPlan.user_id == user_id, RunPlan.status.in_(statuses))
            .order_by(RunPlan.id)
        )
        return list(result)

    async def add_plan(self, plan: RunPlan) -> RunPlan:
        """Insert a plan and return it with its id."""
        self._session.add(plan)
        await self._session.flush()
        return plan

    async def delete_plan(self, plan: RunPlan) -> None:
        """Delete a plan; its reminders go with it, its check-ins stay."""
        await self._session.delete(plan)

    async def delete_drafts(self, user_id: int) -> None:
        """Delete the runner's unfinished drafts."""
        await self._session.execute(
            delete(RunPlan).where(RunPlan.user_id == user_id, RunPlan.status == PlanStatus.DRAFT)
        )


class ReminderRepo:
    """Reminders: the dispatcher's queue of next due messages."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def for_plan(self, plan_id: int) -> list[Reminder]:
        """Return the reminders of one plan."""
        result = await self._session.scalars(select(Reminder).where(Reminder.plan_id == plan_id))
        return list(result)

    def add(self, reminder: Reminder) -> None:
        """Queue a reminder for insertion with the unit of work."""
        self._session.add(reminder)

    async def remove(self, reminder: Reminder) -> None:
        """Delete one reminder."""
        await self._session.delete(reminder)

    async def due(
        self,
        now: datetime,
        after: tuple[datetime, int] | None,
        limit: int,
        tips_until: datetime | None = None,
    ) -> list[DueRow]:
        """Lock and return up to `limit` pending reminders due by `now`, in (due_at, id) order.

        With `tips_until` later than `now`, tips due by then come too (sent early, see
        `bot.services.reminders`), but only ones waiting for their usual time: not claimed,
        not waiting out a retry.

        Keyset paging: `after` is the (due_at, id) of the last row of the previous batch, so
        a tick walks forward through the index in fixed-size batches. On PostgreSQL the rows
        are locked with SKIP LOCKED, so other bot processes claim other rows; SQLite's
        BEGIN IMMEDIATE already makes one writer at a time.
        """
        query = (
            select(Reminder, RunPlan, User, RunnerSettings)
            .join(RunPlan, RunPlan.id == Reminder.plan_id)
            .join(User, User.id == Reminder.user_id)
            .outerjoin(RunnerSettings, RunnerSettings.user_id == Reminder.user_id)
            .where(Reminder.state == ReminderState.PENDING)
            .order_by(Reminder.due_at, Reminder.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=Reminder)
        )
        if tips_until is not None and tips_until > now:
            early_tip = and_(
                Reminder.kind == ReminderKind.TIP,
                Reminder.claimed_until.is_(None),
                Reminder.attempts == 0,
            )
            query = query.where(
                Reminder.due_at <= tips_until, or_(Reminder.due_at <= now, early_tip)
            )
        else:
            query = query.where(Reminder.due_at <= now)
        if after is not None:
            query = query.where(tuple_(Reminder.due_at, Reminder.id) > tuple_(*after))
        result = await self._session.execute(query)
        return [(row[0], row[1], row[2], row[3]) for row in result]

    async def queued(self, until: datetime, cap: int) -> int:
        """Count pending reminders due by `until` (claimed ones too), counting at most `cap`.

        Reads the (state, due_at, id) index only; the cap bounds the work however long the
        queue is.
        """
        rows = (
            select(Reminder.id)
            .where(Reminder.state == ReminderState.PENDING, Reminder.due_at <= until)
            .limit(cap)
            .subquery()
        )
        return int(await self._session.scalar(select(func.count()).select_from(rows)) or 0)

    async def claimed(self, reminder_ids: Sequence[int]) -> list[DueRow]:
        """Return reminders by id with their plan, runner and settings (to settle a batch)."""
        if not reminder_ids:
            return []
        result = await self._session.execute(
            select(Reminder, RunPlan, User, RunnerSettings)
            .join(RunPlan, RunPlan.id == Reminder.plan_id)
            .join(User, User.id == Reminder.user_id)
            .outerjoin(RunnerSettings, RunnerSettings.user_id == Reminder.user_id)
            .where(Reminder.id.in_(reminder_ids))
            .with_for_update(of=Reminder)
        )
        return [(row[0], row[1], row[2], row[3]) for row in result]

    async def stop_for_user(self, user_id: int) -> None:
        """Stop every reminder of a runner (they blocked the bot)."""
        await self._session.execute(
            update(Reminder).where(Reminder.user_id == user_id).values(state=ReminderState.STOPPED)
        )

    async def next_due_for_user(self, user_id: int) -> datetime | None:
        """Return when the runner's next pending reminder falls due, if any."""
        return await self._session.scalar(
            select(func.min(Reminder.due_at)).where(
                Reminder.user_id == user_id, Reminder.state == ReminderState.PENDING
            )
        )


class CheckinRepo:
    """Post-run check-ins."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, checkin_id: int) -> Checkin | None:
        """Return a check-in by id."""
        return await self._session.get(Checkin, checkin_id)

    async def open_for_run(
        self, user_id: int, plan_id: int, run_at: datetime, now: datetime
    ) -> Checkin:
        """Return the check-in for one run of a plan, opening it on first use."""
        found = await self._session.scalar(
            select(Checkin).where(Checkin.plan_id == plan_id, Checkin.run_at == run_at)
        )
        if found is None:
            found = Checkin(
                user_id=user_id,
                plan_id=plan_id,
                run_at=run_at,
                status=CheckinStatus.OPEN,
                answers=[],
                created_at=now,
            )
            self._session.add(found)
            await self._session.flush()  # its id goes into the check-in's buttons
        return found

    async def add(self, checkin: Checkin) -> Checkin:
        """Insert a check-in and return it with its id (it goes into the check-in's buttons)."""
        self._session.add(checkin)
        await self._session.flush()
        return checkin

    async def latest_unplanned(self, user_id: int, since: datetime) -> Checkin | None:
        """Return the runner's newest check-in without a plan whose run is since `since`."""
        result = await self._session.scalars(
            select(Checkin)
            .where(
                Checkin.user_id == user_id,
                Checkin.plan_id.is_(None),
                Checkin.run_at >= since,
            )
            .order_by(Checkin.run_at.desc(), Checkin.id.desc())
            .limit(1)
        )
        return result.first()

    async def delete_older(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` check-ins of runs before `before` (their snoozes go too)."""
        query = _delete_oldest(Checkin, Checkin.run_at, before, limit)
        return await _count_deleted(self._session, query)

    async def by_ids(self, checkin_ids: Collection[int]) -> dict[int, Checkin]:
        """Return check-ins by id, in one query (missing ones are absent)."""
        if not checkin_ids:
            return {}
        result = await self._session.scalars(select(Checkin).where(Checkin.id.in_(checkin_ids)))
        return {checkin.id: checkin for checkin in result}

    async def open_for_runs(
        self, runs: Collection[tuple[int, int, datetime]], now: datetime
    ) -> dict[tuple[int, datetime], Checkin]:
        """Return the check-ins of several runs, opening those not opened yet.

        `runs` are (runner, plan, run start); the answer is keyed by (plan, run start). One
        SELECT finds the existing ones and one INSERT … RETURNING opens the rest, however many
        runs there are (the dispatcher claims a batch of check-ins this way).
        """
        if not runs:
            return {}
        wanted = {(plan_id, run_at): user_id for user_id, plan_id, run_at in runs}
        result = await self._session.scalars(
            select(Checkin).where(
                Checkin.plan_id.in_({plan_id for plan_id, _ in wanted}),
                Checkin.run_at.in_({run_at for _, run_at in wanted}),
            )
        )
        found = {
            (checkin.plan_id, checkin.run_at): checkin
            for checkin in result
            if (checkin.plan_id, checkin.run_at) in wanted
        }
        missing = [
            {
                "user_id": user_id,
                "plan_id": plan_id,
                "run_at": run_at,
                "status": CheckinStatus.OPEN,
                "answers": [],
                "created_at": now,
            }
            for (plan_id, run_at), user_id in wanted.items()
            if (plan_id, run_at) not in found
        ]
        if missing:
            opened = await self._session.scalars(insert(Checkin).returning(Checkin), missing)
            for checkin in opened:
                found[(checkin.plan_id or 0, checkin.run_at)] = checkin
        return {key: checkin for key, checkin in found.items() if key in wanted}

    async def recent_answered(self, user_id: int, limit: int, since: datetime) -> list[Checkin]:
        """Return the runner's latest check-ins that said whether feet went numb, newest first.

        A check-in counts once the questions about the runner's feet are answered, even while
        it still asks which shoes they wore.
        """
        result = await self._session.scalars(
            select(Checkin)
            .where(
                Checkin.user_id == user_id,
                Checkin.numb.is_not(None),
                Checkin.answered_at >= since,
            )
            .order_by(Checkin.answered_at.desc(), Checkin.id.desc())
            .limit(limit)
        )
        return list(result)

    async def history(self, user_id: int, limit: int) -> list[Checkin]:
        """Return the runner's latest check-ins that said whether feet went numb, newest first."""
        result = await self._session.scalars(
            select(Checkin)
            .where(Checkin.user_id == user_id, Checkin.numb.is_not(None))
            .order_by(Checkin.answered_at.desc(), Checkin.id.desc())
            .limit(limit)
        )
        return list(result)

    async def numb_since(self, user_id: int, since: datetime) -> int:
        """Count the runner's numb check-ins answered since `since`."""
        result = await self._session.scalar(
            select(func.count())
            .select_from(Checkin)
            .where(
                Checkin.user_id == user_id,
                Checkin.numb.is_(True),
                Checkin.answered_at >= since,
            )
        )
        return int(result or 0)

    async def last_numb_before(self, user_id: int, checkin_id: int) -> datetime | None:
        """Return when the runner last reported numbness before this check-in, if ever."""
        return await self._session.scalar(
            select(func.max(Checkin.answered_at)).where(
                Checkin.user_id == user_id,
                Checkin.numb.is_(True),
                Checkin.id != checkin_id,
            )
        )


_Owned = TypeVar("_Owned", bound=Base)


class RunnerDataRepo:
    """Every row of one table that belongs to a runner, for /export."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def owned(self, model: type[_Owned], user_id: int) -> list[_Owned]:
        """Return the runner's rows of `model` (a table with `user_id`), by primary key."""
        table = cast("Table", model.__table__)
        result = await self._session.scalars(
            select(model).where(table.c.user_id == user_id).order_by(*table.primary_key)
        )
        return list(result)
