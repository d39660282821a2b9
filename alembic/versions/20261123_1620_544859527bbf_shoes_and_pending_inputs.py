"""Shoes (the runner's gear profile) and the typed answer the bot is waiting for.

Revision ID: 544859527bbf
Revises: 244d2c5d41f8
Create Date: 2026-11-23 16:20:40+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from bot.db.base import UTCDateTime

revision: str = "544859527bbf"
down_revision: str | None = "244d2c5d41f8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Create the shoes and pending_inputs tables."""
    op.create_table(
        "shoes",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("is_default", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("settings", _JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_shoes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shoes")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_shoes_user_id")),
    )
    # At most one default shoe per runner.
    op.create_index(
        "uq_shoes_user_id_default",
        "shoes",
        ["user_id"],
        unique=True,
        sqlite_where=sa.text("is_default"),
        postgresql_where=sa.text("is_default"),
    )
    op.create_table(
        "pending_inputs",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("shoe_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('add_shoe', 'rename_shoe')", name=op.f("ck_pending_inputs_kind")
        ),
        sa.ForeignKeyConstraint(
            ["shoe_id"],
            ["shoes.id"],
            name=op.f("fk_pending_inputs_shoe_id_shoes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_pending_inputs_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_pending_inputs")),
    )
    op.create_index("ix_pending_inputs_shoe_id", "pending_inputs", ["shoe_id"])


def downgrade() -> None:
    """Drop the shoes and pending_inputs tables."""
    op.drop_table("pending_inputs")
    op.drop_table("shoes")
