"""Users, triage sessions and symptom reports.

Revision ID: b5ecc17452fc
Revises:
Create Date: 2026-11-23 14:52:30+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from bot.db.base import UTCDateTime

revision: str = "b5ecc17452fc"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Create the first tables."""
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("language_code", sa.String(length=35), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_table(
        "triage_sessions",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("path", _JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'finished', 'cancelled', 'abandoned')",
            name=op.f("ck_triage_sessions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_triage_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_sessions")),
    )
    op.create_index("ix_triage_sessions_user_id_status", "triage_sessions", ["user_id", "status"])
    op.create_table(
        "symptom_reports",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("triage_session_id", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("stop_outcome", sa.String(length=32), nullable=True),
        sa.Column("red_flag", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("causes", _JSON, nullable=False),
        sa.Column("answers", _JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("source IN ('triage')", name=op.f("ck_symptom_reports_source")),
        sa.CheckConstraint(
            "tier IN ('emergency', 'urgent', 'see_doctor', 'self_care')",
            name=op.f("ck_symptom_reports_tier"),
        ),
        sa.ForeignKeyConstraint(
            ["triage_session_id"],
            ["triage_sessions.id"],
            name=op.f("fk_symptom_reports_triage_session_id_triage_sessions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_symptom_reports_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_symptom_reports")),
    )
    op.create_index(
        "ix_symptom_reports_triage_session_id", "symptom_reports", ["triage_session_id"]
    )
    op.create_index(
        "ix_symptom_reports_user_id_created_at", "symptom_reports", ["user_id", "created_at"]
    )


def downgrade() -> None:
    """Drop the first tables."""
    op.drop_table("symptom_reports")
    op.drop_table("triage_sessions")
    op.drop_table("users")
