"""Index the snoozes' check-in key, so deleting a check-in no longer scans every reminder.

`reminders.checkin_id` references `checkins.id` with `ON DELETE CASCADE`: every check-in
deleted (a runner's /delete_me takes all of theirs) looked its snoozes up by this column, and
without an index that was a scan of the whole table per check-in. Only snoozes have the key,
so the index is partial and stays small. Every other foreign key with an `ON DELETE` action
already leads an index, a unique constraint or the primary key (tests/db/test_indexes.py).

Revision ID: 8d1e4b7c2a90
Revises: 3f9c2a7d41e6
Create Date: 2026-12-02 10:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8d1e4b7c2a90"
down_revision: str | None = "3f9c2a7d41e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SNOOZES_ONLY = sa.text("checkin_id IS NOT NULL")


def upgrade() -> None:
    """Add the partial index on reminders.checkin_id."""
    op.create_index(
        op.f("ix_reminders_checkin_id"),
        "reminders",
        ["checkin_id"],
        unique=False,
        sqlite_where=_SNOOZES_ONLY,
        postgresql_where=_SNOOZES_ONLY,
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_index(op.f("ix_reminders_checkin_id"), table_name="reminders")
