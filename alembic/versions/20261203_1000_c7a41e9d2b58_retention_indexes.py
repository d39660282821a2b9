"""Index the ages that data retention deletes by, so each batch reads only what it deletes.

The dispatcher deletes check-ins by `run_at`, symptom reports by `created_at` and triage
sessions by `updated_at` once they are older than RETENTION_DAYS, a bounded batch at a time
(`bot.services.retention`). Without these indexes every batch would scan its whole table while
holding the write lock; with them it reads the oldest rows in index order and stops at the
batch's limit.

Revision ID: c7a41e9d2b58
Revises: 8d1e4b7c2a90
Create Date: 2026-12-03 10:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c7a41e9d2b58"
down_revision: str | None = "8d1e4b7c2a90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = (
    ("ix_checkins_run_at", "checkins", "run_at"),
    ("ix_symptom_reports_created_at", "symptom_reports", "created_at"),
    ("ix_triage_sessions_updated_at", "triage_sessions", "updated_at"),
)


def upgrade() -> None:
    """Add one index per table on the time its rows age by."""
    for name, table, column in _INDEXES:
        op.create_index(op.f(name), table, [column], unique=False)


def downgrade() -> None:
    """Drop them."""
    for name, table, _ in _INDEXES:
        op.drop_index(op.f(name), table_name=table)
