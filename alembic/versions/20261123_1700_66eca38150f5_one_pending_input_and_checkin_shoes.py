"""One awaited typed answer per runner for every feature, and the shoe worn on a check-in.

The time zone or start time that /runs waited for moves from `runner_settings.awaiting*` into
`pending_inputs`, which gear already used for shoe names: `shoe_id` becomes a generic
`ref_id` and every row gets an `expires_at`. Check-ins get a nullable `shoe_id`.

Revision ID: 66eca38150f5
Revises: 544859527bbf
Create Date: 2026-11-23 17:00:00+00:00
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

from bot.db.base import UTCDateTime

revision: str = "66eca38150f5"
down_revision: str | None = "544859527bbf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAMING_LASTS = timedelta(hours=1)
"""How long a shoe name was awaited (gear's expiry, for the rows that had none)."""
TYPING_LASTS = timedelta(minutes=30)
"""How long /runs waited for a typed time zone or start time."""
_OLD_KINDS = "kind IN ('add_shoe', 'rename_shoe')"
_NEW_KINDS = "kind IN ('add_shoe', 'rename_shoe', 'timezone', 'run_time')"
_OLD_TO_NEW = {"timezone": "timezone", "time": "run_time"}

_pending = sa.table(
    "pending_inputs",
    sa.column("user_id", sa.BigInteger()),
    sa.column("kind", sa.String()),
    sa.column("ref_id", sa.BigInteger()),
    sa.column("created_at", UTCDateTime()),
    sa.column("expires_at", UTCDateTime()),
)
_settings = sa.table(
    "runner_settings",
    sa.column("user_id", sa.BigInteger()),
    sa.column("awaiting", sa.String()),
    sa.column("awaiting_ref", sa.BigInteger()),
    sa.column("awaiting_until", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
_reminders = sa.table(
    "reminders", sa.column("id", sa.BigInteger()), sa.column("checkin_id", sa.BigInteger())
)
_shoes = sa.table("shoes", sa.column("id", sa.BigInteger()))


def upgrade() -> None:
    """Merge the awaited typed answers into pending_inputs; add checkins.shoe_id."""
    with op.batch_alter_table("pending_inputs") as batch:
        batch.drop_constraint(op.f("fk_pending_inputs_shoe_id_shoes"), type_="foreignkey")
        batch.drop_index("ix_pending_inputs_shoe_id")
        batch.alter_column("shoe_id", new_column_name="ref_id", existing_type=sa.BigInteger())
        batch.add_column(sa.Column("expires_at", UTCDateTime(), nullable=True))
        batch.drop_constraint(op.f("ck_pending_inputs_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_pending_inputs_kind"), _NEW_KINDS)
    _move_awaited_into_pending_inputs()
    with op.batch_alter_table("pending_inputs") as batch:
        batch.alter_column("expires_at", existing_type=UTCDateTime(), nullable=False)
    with op.batch_alter_table("runner_settings") as batch:
        batch.drop_column("awaiting")
        batch.drop_column("awaiting_ref")
        batch.drop_column("awaiting_until")
    with _snoozes_detached(), op.batch_alter_table("checkins") as batch:
        batch.add_column(sa.Column("shoe_id", sa.BigInteger(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_checkins_shoe_id_shoes"), "shoes", ["shoe_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_checkins_shoe_id", ["shoe_id"])


def downgrade() -> None:
    """Move awaited times and zones back to runner_settings; drop checkins.shoe_id."""
    with _snoozes_detached(), op.batch_alter_table("checkins") as batch:
        batch.drop_index("ix_checkins_shoe_id")
        batch.drop_constraint(op.f("fk_checkins_shoe_id_shoes"), type_="foreignkey")
        batch.drop_column("shoe_id")
    with op.batch_alter_table("runner_settings") as batch:
        batch.add_column(sa.Column("awaiting", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("awaiting_ref", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("awaiting_until", UTCDateTime(), nullable=True))
    _move_awaited_back_to_settings()
    with op.batch_alter_table("pending_inputs") as batch:
        batch.drop_constraint(op.f("ck_pending_inputs_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_pending_inputs_kind"), _OLD_KINDS)
        batch.drop_column("expires_at")
        batch.alter_column("ref_id", new_column_name="shoe_id", existing_type=sa.BigInteger())
    with op.batch_alter_table("pending_inputs") as batch:
        batch.create_index("ix_pending_inputs_shoe_id", ["shoe_id"])
        batch.create_foreign_key(
            op.f("fk_pending_inputs_shoe_id_shoes"),
            "shoes",
            ["shoe_id"],
            ["id"],
            ondelete="CASCADE",
        )


def _move_awaited_into_pending_inputs() -> None:
    """Give shoe names their expiry; a zone or time awaited becomes the runner's row.

    A runner had at most one of each; the question asked last wins, as it does from now on.
    """
    bind = op.get_bind()
    asked = {
        row.user_id: row.created_at
        for row in bind.execute(sa.select(_pending.c.user_id, _pending.c.created_at))
    }
    for user_id, created_at in asked.items():
        bind.execute(
            _pending.update()
            .where(_pending.c.user_id == user_id)
            .values(expires_at=created_at + NAMING_LASTS)
        )
    awaited = bind.execute(
        sa.select(
            _settings.c.user_id,
            _settings.c.awaiting,
            _settings.c.awaiting_ref,
            _settings.c.awaiting_until,
        ).where(
            _settings.c.awaiting.in_(list(_OLD_TO_NEW)), _settings.c.awaiting_until.is_not(None)
        )
    ).all()
    for user_id, kind, ref_id, until in awaited:
        since: datetime = until - TYPING_LASTS
        if user_id in asked and asked[user_id] >= since:
            continue
        bind.execute(_pending.delete().where(_pending.c.user_id == user_id))
        bind.execute(
            _pending.insert().values(
                user_id=user_id,
                kind=_OLD_TO_NEW[kind],
                ref_id=ref_id,
                created_at=since,
                expires_at=until,
            )
        )


def _move_awaited_back_to_settings() -> None:
    """Put an awaited zone or time back on the runner's settings row; drop what can't go back."""
    bind = op.get_bind()
    new_to_old = {new: old for old, new in _OLD_TO_NEW.items()}
    rows = bind.execute(
        sa.select(
            _pending.c.user_id, _pending.c.kind, _pending.c.ref_id, _pending.c.expires_at
        ).where(_pending.c.kind.in_(list(new_to_old)))
    ).all()
    for user_id, kind, ref_id, until in rows:
        values = {"awaiting": new_to_old[kind], "awaiting_ref": ref_id, "awaiting_until": until}
        updated = bind.execute(
            _settings.update().where(_settings.c.user_id == user_id).values(**values)
        )
        if not updated.rowcount:
            bind.execute(_settings.insert().values(user_id=user_id, updated_at=until, **values))
    bind.execute(_pending.delete().where(_pending.c.kind.in_(list(new_to_old))))
    # The old shoe_id was a foreign key: a rename of a shoe deleted since can't go back.
    bind.execute(
        _pending.delete().where(
            _pending.c.ref_id.is_not(None), _pending.c.ref_id.not_in(sa.select(_shoes.c.id))
        )
    )


@contextmanager
def _snoozes_detached() -> Iterator[None]:
    """Unlink snoozed reminders from their check-ins while batch mode copies `checkins`.

    On SQLite the copy drops the old table, and with foreign keys on that drop would cascade
    to the reminders that point at a check-in. The ids are kept by the copy, so the links
    are put back afterwards.
    """
    bind = op.get_bind()
    links = bind.execute(
        sa.select(_reminders.c.id, _reminders.c.checkin_id).where(
            _reminders.c.checkin_id.is_not(None)
        )
    ).all()
    bind.execute(_reminders.update().values(checkin_id=None))
    yield
    for reminder_id, checkin_id in links:
        bind.execute(
            _reminders.update().where(_reminders.c.id == reminder_id).values(checkin_id=checkin_id)
        )
