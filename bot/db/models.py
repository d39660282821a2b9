"""The tables: runners, triage, health notes, shoes and their changes, typed answers, runs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import IntEnum, StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, BigIntId, UTCDateTime

JsonColumn = JSON().with_variant(JSONB(), "postgresql")
"""JSON on SQLite, JSONB on PostgreSQL."""

TIERS = ("emergency", "urgent", "see_doctor", "self_care")
"""The tiers a symptom report can carry (mirrors `bot.content.models.Tier`)."""
SHOE_NAME_LENGTH = 40
"""The longest shoe name, in characters."""


class TriageStatus(StrEnum):
    """Lifecycle of a triage session: only `open` sessions accept answers."""

    OPEN = "open"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    ABANDONED = "abandoned"
    """Left open when the runner started another check."""


class PendingKind(StrEnum):
    """What a runner's next typed text is taken as."""

    ADD_SHOE = "add_shoe"
    RENAME_SHOE = "rename_shoe"
    TIMEZONE = "timezone"
    RUN_TIME = "run_time"


class PlanStatus(StrEnum):
    """A plan is a draft while being added, active once saved, done once a one-off ran."""

    DRAFT = "draft"
    ACTIVE = "active"
    DONE = "done"


class ReminderKind(StrEnum):
    """What a reminder sends: the pre-run tip, the post-run check-in, or a snoozed check-in."""

    TIP = "tip"
    CHECKIN = "checkin"
    SNOOZE = "snooze"


class ReminderState(StrEnum):
    """`pending` rows are sent when due; `stopped` ones wait for a runner who blocked the bot."""

    PENDING = "pending"
    STOPPED = "stopped"


class CheckinStatus(StrEnum):
    """A check-in is open until its last question is answered or the runner didn't run."""

    OPEN = "open"
    ANSWERED = "answered"
    NO_RUN = "no_run"


class AlertLevel(IntEnum):
    """How serious the most serious alert of a runner's current episode of numbness was.

    A check-in sends an alert only when it is more serious than the one already sent in the
    episode (an urgent or emergency answer to a warning sign is always shown, and raises it).
    """

    NONE = 0
    RECURRING = 1
    """The see-a-doctor message for numbness that keeps coming back."""
    SIGN = 2
    """The see-a-doctor message for a sign in one check-in (numbness that didn't clear)."""
    URGENT = 3
    EMERGENCY = 4


def _one_of(column: str, values: Iterable[str]) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class User(Base):
    """A runner who has talked to the bot, keyed by their Telegram user id."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language_code: Mapped[str | None] = mapped_column(String(35))
    """The IETF tag Telegram last sent for this user, if any."""
    language: Mapped[str | None] = mapped_column(String(8))
    """The language chosen in /settings; None follows Telegram's language."""
    is_active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    """False once Telegram says the user blocked the bot; nothing is sent to inactive users."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TriageSession(Base):
    """One run through /triage: the path of answers so far, kept so a restart loses nothing."""

    __tablename__ = "triage_sessions"
    __table_args__ = (
        CheckConstraint(_one_of("status", TriageStatus), name="status"),
        Index("ix_triage_sessions_user_id_status", "user_id", "status"),
        Index("ix_triage_sessions_updated_at", "updated_at"),  # retention deletes by age
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), server_default="open")
    path: Mapped[list[list[str]]] = mapped_column(JsonColumn)
    """The answered steps as `[node id, answer id]` pairs, from the root."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SymptomReport(Base):
    """A finished triage (and, later, a post-run check-in): what was answered and concluded."""

    __tablename__ = "symptom_reports"
    __table_args__ = (
        CheckConstraint(_one_of("tier", TIERS), name="tier"),
        CheckConstraint(_one_of("source", ("triage",)), name="source"),
        Index("ix_symptom_reports_user_id_created_at", "user_id", "created_at"),
        Index("ix_symptom_reports_created_at", "created_at"),  # retention deletes by age
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    triage_session_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("triage_sessions.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str] = mapped_column(String(16))
    tier: Mapped[str] = mapped_column(String(16))
    stop_outcome: Mapped[str | None] = mapped_column(String(32))
    """The red-flag outcome that ended the triage early, if one did."""
    red_flag: Mapped[bool] = mapped_column(Boolean, server_default=false())
    causes: Mapped[list[str]] = mapped_column(JsonColumn)
    """Likely cause ids in the order shown."""
    answers: Mapped[list[list[str]]] = mapped_column(JsonColumn)
    """The answered steps as `[node id, answer id]` pairs."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HealthNote(Base):
    """Something a runner told /triage that matters later, such as diabetes.

    The note ids are `knowledge/triage.yaml` `health_notes`; a later answer to the same
    question sets or clears them.
    """

    __tablename__ = "health_notes"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    note: Mapped[str] = mapped_column(String(24), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the runner's answer set it."""


class Shoe(Base):
    """A pair of shoes a runner runs in, with how it fits and is laced, socks and insoles."""

    __tablename__ = "shoes"
    __table_args__ = (
        UniqueConstraint("user_id", "name"),
        Index(
            "uq_shoes_user_id_default",
            "user_id",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(SHOE_NAME_LENGTH))
    """The runner's own name for the pair, as typed (trimmed)."""
    is_default: Mapped[bool] = mapped_column(Boolean, server_default=false())
    """The pair check results refer to; at most one per runner (a partial unique index)."""
    settings: Mapped[dict[str, str]] = mapped_column(JsonColumn)
    """Setting id → option id from `knowledge/gear.yaml`; unanswered settings are absent."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PendingInput(Base):
    """The one typed answer the bot is waiting for from a runner; a new question replaces it."""

    __tablename__ = "pending_inputs"
    __table_args__ = (CheckConstraint(_one_of("kind", PendingKind), name="kind"),)

    user_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    kind: Mapped[str] = mapped_column(String(16))
    ref_id: Mapped[int | None] = mapped_column(BigInteger)
    """What the answer is for: the shoe being renamed, or the run plan whose start time is
    typed; for a time zone, 1 when adding a run follows. Not a foreign key: whoever takes the
    answer checks that it still exists."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the bot asked."""
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """After this, typed text is no longer taken as the answer."""


class RunnerSettings(Base):
    """A runner's reminder settings: time zone, pause, the last tip, the episode's alerts."""

    __tablename__ = "runner_settings"
    __table_args__ = (CheckConstraint("alert_level BETWEEN 0 AND 4", name="alert_level"),)

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    timezone: Mapped[str | None] = mapped_column(String(64))
    """The IANA zone the runner chose; None until they choose (the default zone is assumed)."""
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """No reminders are sent before this time; far in the future means "until I resume"."""
    last_tip: Mapped[str | None] = mapped_column(String(24))
    """The pre-run tip sent last, so the next one is a different one."""
    alert_level: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    """The most serious alert (`AlertLevel`) of the current episode of numbness; back to
    none once an episode is over."""
    doctor_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the runner last said they've seen a doctor about it: the recurring messages
    stay quiet for a while after."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RunPlan(Base):
    """A planned run: weekly on some weekdays, or once on a date, at a local start time."""

    __tablename__ = "run_plans"
    __table_args__ = (
        CheckConstraint(_one_of("status", PlanStatus), name="status"),
        CheckConstraint("weekdays BETWEEN 0 AND 127", name="weekdays"),
        CheckConstraint("start_minute BETWEEN 0 AND 1439", name="start_minute"),
        CheckConstraint("duration_minutes BETWEEN 1 AND 600", name="duration_minutes"),
        Index("ix_run_plans_user_id_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(8))
    weekdays: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    """Bit n set: the run repeats on weekday n (Monday is 0); 0 for a one-off run."""
    one_off_date: Mapped[date | None] = mapped_column(Date)
    """The local date of a one-off run; None for a weekly run."""
    start_minute: Mapped[int | None] = mapped_column(SmallInteger)
    """Local start time as minutes after midnight; None while a draft has no time yet."""
    duration_minutes: Mapped[int | None] = mapped_column(SmallInteger)
    """Typical length of the run; None while a draft has no duration yet."""
    tip_on: Mapped[bool] = mapped_column(Boolean, server_default=true())
    checkin_on: Mapped[bool] = mapped_column(Boolean, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Checkin(Base):
    """One post-run check-in: the answers given so far, for one run of a plan or a /ran.

    A /ran during a planned run's check-in time is that run's check-in (its plan and start);
    any other /ran has no plan, and its `run_at` is when the runner said they had run.
    """

    __tablename__ = "checkins"
    __table_args__ = (
        CheckConstraint(_one_of("status", CheckinStatus), name="status"),
        UniqueConstraint("plan_id", "run_at", name="uq_checkins_plan_id_run_at"),
        Index("ix_checkins_user_id_answered_at", "user_id", "answered_at"),
        Index("ix_checkins_run_at", "run_at"),  # retention deletes by age
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    plan_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("run_plans.id", ondelete="SET NULL")
    )
    run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the run started (its planned start, UTC); for a /ran without a plan, when the
    runner sent it."""
    status: Mapped[str] = mapped_column(String(8), server_default="open")
    answers: Mapped[list[list[str]]] = mapped_column(JsonColumn)
    """The answered steps in order, each `[step id, answer id, ...]`: one answer for most
    steps, any number (none included) for a step that takes several."""
    numb: Mapped[bool | None] = mapped_column(Boolean)
    """Whether the runner felt numbness or tingling; set once the questions about their feet
    are answered (the check-in may still ask which shoes), None until then."""
    red_flag: Mapped[bool] = mapped_column(Boolean, server_default=false())
    shoe_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("shoes.id", ondelete="SET NULL"), index=True
    )
    """The shoes the runner wore on this run; None when not asked, not sure, or since deleted."""
    deleted_shoe_id: Mapped[int | None] = mapped_column(BigInteger)
    """The id the shoes worn had, once they are deleted; None while they exist (or none were
    named). Not a foreign key, since that row is gone: deleting a shoe copies its id here in
    the same transaction (`ShoeRepo.delete`) before `shoe_id` is set to NULL, so its runs stay
    one group, shown as "a deleted shoe", while nothing of the shoe itself, its name
    included, is kept."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the questions about their feet were answered (or the runner said they didn't run)."""


class Reminder(Base):
    """The next due message of one kind for one plan; the dispatcher's whole work queue."""

    __tablename__ = "reminders"
    __table_args__ = (
        CheckConstraint(_one_of("kind", ReminderKind), name="kind"),
        CheckConstraint(_one_of("state", ReminderState), name="state"),
        UniqueConstraint("plan_id", "kind", name="uq_reminders_plan_id_kind"),
        Index("ix_reminders_state_due_at_id", "state", "due_at", "id"),
        # Deleting a check-in (with its runner, /delete_me) looks up its snoozes by this key;
        # only snoozes have one, so the index holds only them.
        Index(
            "ix_reminders_checkin_id",
            "checkin_id",
            sqlite_where=text("checkin_id IS NOT NULL"),
            postgresql_where=text("checkin_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    plan_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("run_plans.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(8))
    run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """The start of the run this reminder is about (UTC)."""
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When to act next: the send time, a retry time, or the end of a claim's lease."""
    state: Mapped[str] = mapped_column(String(8), server_default="pending")
    attempts: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    """Failed sends of this occurrence so far (timeouts, server errors)."""
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Set by a claim: the lease that the claiming dispatcher must still hold to mark it sent."""
    checkin_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("checkins.id", ondelete="CASCADE")
    )
    """For a snooze: the open check-in to ask about again."""


GEAR_CREATED = "created"
"""The `setting` of the `gear_changes` row that records a shoe's creation."""


class GearChange(Base):
    """One change to one setting of a runner's shoe, or the shoe's creation, with its time.

    Kept so "since window lacing on 3 Nov" compares exactly the runs before and after the
    change, whatever is edited later. `setting` is a `knowledge/gear.yaml` setting id, or
    `created` (`GEAR_CREATED`, both values None); the values are option ids, None for "not
    set". Deleting the shoe sets `shoe_id` to NULL: the row no longer belongs to a shoe with a
    name, and the runner's /delete_me removes it with the runner.
    """

    __tablename__ = "gear_changes"
    __table_args__ = (Index("ix_gear_changes_user_id_changed_at", "user_id", "changed_at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    shoe_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("shoes.id", ondelete="SET NULL"), index=True
    )
    setting: Mapped[str] = mapped_column(String(16))
    old_value: Mapped[str | None] = mapped_column(String(24))
    new_value: Mapped[str | None] = mapped_column(String(24))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
