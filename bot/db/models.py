"""The tables: runners, triage sessions, symptom reports, shoes, and awaited typed answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
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

TRIAGE_STATUSES = ("open", "finished", "cancelled", "abandoned")
"""Lifecycle of a triage session: only `open` sessions accept answers."""
TIERS = ("emergency", "urgent", "see_doctor", "self_care")
"""The tiers a symptom report can carry (mirrors `bot.content.models.Tier`)."""
SHOE_NAME_LENGTH = 40
"""The longest shoe name, in characters."""
PENDING_KINDS = ("add_shoe", "rename_shoe")
"""What a runner's next typed text is taken as: a new shoe's name, or a shoe's new name."""


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


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
        CheckConstraint(_one_of("status", TRIAGE_STATUSES), name="status"),
        Index("ix_triage_sessions_user_id_status", "user_id", "status"),
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
    """The one typed answer the bot is waiting for from a runner, such as a shoe's name."""

    __tablename__ = "pending_inputs"
    __table_args__ = (CheckConstraint(_one_of("kind", PENDING_KINDS), name="kind"),)

    user_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    kind: Mapped[str] = mapped_column(String(16))
    shoe_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("shoes.id", ondelete="CASCADE"), index=True
    )
    """The shoe being renamed; None for a new shoe."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the bot asked; an answer typed long after is not taken as the name."""
