"""Run plans, reminders, check-ins and runner settings.

Revision ID: 244d2c5d41f8
Revises: b5ecc17452fc
Create Date: 2026-11-23 16:17:45+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from bot.db.base import UTCDateTime

revision: str = "244d2c5d41f8"
down_revision: str | None = "b5ecc17452fc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"
    )


def upgrade() -> None:
    """Create the scheduling tables."""
    op.create_table(
        "runner_settings",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("paused_until", UTCDateTime(), nullable=True),
        sa.Column("awaiting", sa.String(length=16), nullable=True),
        sa.Column("awaiting_ref", sa.BigInteger(), nullable=True),
        sa.Column("awaiting_until", UTCDateTime(), nullable=True),
        sa.Column("last_tip", sa.String(length=24), nullable=True),
        sa.Column("escalated_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _user_fk("runner_settings"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_runner_settings")),
    )
    op.create_table(
        "run_plans",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("weekdays", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("one_off_date", sa.Date(), nullable=True),
        sa.Column("start_minute", sa.SmallInteger(), nullable=True),
        sa.Column("duration_minutes", sa.SmallInteger(), nullable=True),
        sa.Column("tip_on", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("checkin_on", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'active', 'done')", name=op.f("ck_run_plans_status")
        ),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 1 AND 600", name=op.f("ck_run_plans_duration_minutes")
        ),
        sa.CheckConstraint(
            "start_minute BETWEEN 0 AND 1439", name=op.f("ck_run_plans_start_minute")
        ),
        sa.CheckConstraint("weekdays BETWEEN 0 AND 127", name=op.f("ck_run_plans_weekdays")),
        _user_fk("run_plans"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_plans")),
    )
    op.create_index("ix_run_plans_user_id_status", "run_plans", ["user_id", "status"])
    op.create_table(
        "checkins",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("plan_id", sa.BigInteger(), nullable=True),
        sa.Column("run_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=8), server_default="open", nullable=False),
        sa.Column("answers", _JSON, nullable=False),
        sa.Column("numb", sa.Boolean(), nullable=True),
        sa.Column("red_flag", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'answered', 'no_run')", name=op.f("ck_checkins_status")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["run_plans.id"],
            name=op.f("fk_checkins_plan_id_run_plans"),
            ondelete="SET NULL",
        ),
        _user_fk("checkins"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint("plan_id", "run_at", name="uq_checkins_plan_id_run_at"),
    )
    op.create_index("ix_checkins_user_id_answered_at", "checkins", ["user_id", "answered_at"])
    op.create_table(
        "reminders",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("plan_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("run_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=8), server_default="pending", nullable=False),
        sa.Column("attempts", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("claimed_until", UTCDateTime(), nullable=True),
        sa.Column("checkin_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("kind IN ('tip', 'checkin', 'snooze')", name=op.f("ck_reminders_kind")),
        sa.CheckConstraint("state IN ('pending', 'stopped')", name=op.f("ck_reminders_state")),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkins.id"],
            name=op.f("fk_reminders_checkin_id_checkins"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["run_plans.id"],
            name=op.f("fk_reminders_plan_id_run_plans"),
            ondelete="CASCADE",
        ),
        _user_fk("reminders"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("plan_id", "kind", name="uq_reminders_plan_id_kind"),
    )
    op.create_index("ix_reminders_state_due_at_id", "reminders", ["state", "due_at", "id"])
    op.create_index("ix_reminders_user_id", "reminders", ["user_id"])


def downgrade() -> None:
    """Drop the scheduling tables."""
    op.drop_table("reminders")
    op.drop_table("checkins")
    op.drop_table("run_plans")
    op.drop_table("runner_settings")
