"""Health notes from /triage, and alert levels per episode of numbness.

`health_notes` keeps what a runner's triage answers said about diabetes and known
circulation or nerve problems. `runner_settings.escalated_at` (the see-a-doctor message went
out this episode) becomes `alert_level`, the most serious alert of the episode, so a worse
picture can bring another one; a runner already told keeps that as the level of a sign, the
most the old message could stand for. `doctor_seen_at` records "I've seen a doctor about this".

Revision ID: 3f9c2a7d41e6
Revises: 66eca38150f5
Create Date: 2026-12-01 14:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.base import UTCDateTime

revision: str = "3f9c2a7d41e6"
down_revision: str | None = "66eca38150f5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIGN = 2
"""`AlertLevel.SIGN`: what an old see-a-doctor message counts as."""

_settings = sa.table(
    "runner_settings",
    sa.column("alert_level", sa.SmallInteger()),
    sa.column("escalated_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)


def upgrade() -> None:
    """Add health_notes; replace escalated_at with alert_level and doctor_seen_at."""
    op.create_table(
        "health_notes",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=24), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_health_notes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "note", name=op.f("pk_health_notes")),
    )
    with op.batch_alter_table("runner_settings") as batch:
        batch.add_column(
            sa.Column("alert_level", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("doctor_seen_at", UTCDateTime(), nullable=True))
        batch.create_check_constraint(
            op.f("ck_runner_settings_alert_level"), "alert_level BETWEEN 0 AND 4"
        )
    op.execute(
        _settings.update().where(_settings.c.escalated_at.is_not(None)).values(alert_level=SIGN)
    )
    with op.batch_alter_table("runner_settings") as batch:
        batch.drop_column("escalated_at")


def downgrade() -> None:
    """Drop health_notes; an episode with any alert counts as escalated again."""
    with op.batch_alter_table("runner_settings") as batch:
        batch.add_column(sa.Column("escalated_at", UTCDateTime(), nullable=True))
    op.execute(
        _settings.update()
        .where(_settings.c.alert_level > 0)
        .values(escalated_at=_settings.c.updated_at)
    )
    with op.batch_alter_table("runner_settings") as batch:
        batch.drop_constraint(op.f("ck_runner_settings_alert_level"), type_="check")
        batch.drop_column("doctor_seen_at")
        batch.drop_column("alert_level")
    op.drop_table("health_notes")
