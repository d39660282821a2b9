"""Gear changes: every change to a shoe's settings, and its creation, with its time.

`gear_changes` lets /history compare the runs before and after a change exactly, however the
shoe is edited later. Existing shoes get their creation row from `shoes.created_at`; when
their settings were chosen is not known, so none is made up. `checkins.deleted_shoe_id` keeps
the id of deleted shoes' runs, so they stay grouped as "a deleted shoe".

Revision ID: c41a7e9d2b35
Revises: c7a41e9d2b58
Create Date: 2026-12-03 10:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.base import UTCDateTime

revision: str = "c41a7e9d2b35"
down_revision: str | None = "c7a41e9d2b58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create gear_changes with a creation row per existing shoe; add deleted_shoe_id."""
    op.create_table(
        "gear_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("shoe_id", sa.BigInteger(), nullable=True),
        sa.Column("setting", sa.String(length=16), nullable=False),
        sa.Column("old_value", sa.String(length=24), nullable=True),
        sa.Column("new_value", sa.String(length=24), nullable=True),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shoe_id"],
            ["shoes.id"],
            name=op.f("fk_gear_changes_shoe_id_shoes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_gear_changes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gear_changes")),
    )
    op.create_index(op.f("ix_gear_changes_shoe_id"), "gear_changes", ["shoe_id"], unique=False)
    op.create_index(
        "ix_gear_changes_user_id_changed_at",
        "gear_changes",
        ["user_id", "changed_at"],
        unique=False,
    )
    op.execute(
        "INSERT INTO gear_changes (user_id, shoe_id, setting, changed_at) "
        "SELECT user_id, id, 'created', created_at FROM shoes"
    )
    op.add_column("checkins", sa.Column("deleted_shoe_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    """Drop them (the column in place: rebuilding checkins on SQLite would cascade to snoozes)."""
    op.drop_column("checkins", "deleted_shoe_id")
    op.drop_index("ix_gear_changes_user_id_changed_at", table_name="gear_changes")
    op.drop_index(op.f("ix_gear_changes_shoe_id"), table_name="gear_changes")
    op.drop_table("gear_changes")
