"""Every foreign key with an ON DELETE action leads an index.

Deleting a parent row (a runner with /delete_me, a check-in, a shoe) then looks its children
up instead of scanning their table.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKeyConstraint,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
)

from bot.db import models
from bot.db.base import Base


def _leading_columns(table: Table) -> list[tuple[tuple[str, ...], str]]:
    """Return the column lists of the table's indexes and key constraints, with their names."""
    found: list[tuple[tuple[str, ...], str]] = []
    for index in table.indexes:
        where = [value for key, value in index.dialect_kwargs.items() if key.endswith("_where")]
        if where and not all(str(w).strip().endswith("IS NOT NULL") for w in where):
            continue  # a partial index only serves lookups its condition allows
        found.append((tuple(c.name for c in index.columns), str(index.name)))
    for constraint in table.constraints:
        if isinstance(constraint, PrimaryKeyConstraint | UniqueConstraint):
            found.append((tuple(c.name for c in constraint.columns), str(constraint.name)))
    return found


def _unindexed(table: Table) -> list[str]:
    missing = []
    for key in table.foreign_key_constraints:
        if not isinstance(key, ForeignKeyConstraint) or key.ondelete is None:
            continue
        columns = tuple(column.name for column in key.columns)
        covered = any(leading[: len(columns)] == columns for leading, _ in _leading_columns(table))
        if not covered:
            missing.append(f"{table.name}({', '.join(columns)}) ON DELETE {key.ondelete}")
    return missing


def test_every_cascading_foreign_key_leads_an_index() -> None:
    assert models.Reminder.__table__ in Base.metadata.sorted_tables
    missing = [entry for table in Base.metadata.sorted_tables for entry in _unindexed(table)]
    assert missing == [], "add an index (in bot/db/models.py and a migration) for these"


def test_the_check_finds_a_missing_index() -> None:
    metadata = MetaData()
    Table("parents", metadata, Column("id", BigInteger, primary_key=True))
    children = Table(
        "children",
        metadata,
        Column("id", BigInteger, primary_key=True),
        Column("parent_id", BigInteger),
        ForeignKeyConstraint(["parent_id"], ["parents.id"], ondelete="CASCADE"),
    )
    assert _unindexed(children) == ["children(parent_id) ON DELETE CASCADE"]
    Index("ix_children_parent_id", children.c.parent_id)
    assert _unindexed(children) == []
