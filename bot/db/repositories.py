"""Repositories: typed queries over one session. They add, flush and select; never commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Select, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import SymptomReport, TriageSession, User


class UserRepo:
    """Runners."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> User | None:
        """Return the runner with this Telegram id, if known."""
        return await self._session.get(User, user_id)

    async def seen(self, user_id: int, language_code: str | None, now: datetime) -> User:
        """Return the runner, creating them or refreshing what Telegram told us about them."""
        user = await self.get(user_id)
        if user is None:
            user = User(
                id=user_id,
                language_code=language_code,
                is_active=True,
                created_at=now,
                updated_at=now,
            )
            self._session.add(user)
            # Flush now: rows that reference the user may be flushed in the same unit of work,
            # and without ORM relationships the flush does not order them after this insert.
            await self._session.flush()
        elif user.language_code != language_code or not user.is_active:
            user.language_code = language_code
            user.is_active = True
            user.updated_at = now
        return user

    async def deactivate(self, user_id: int, now: datetime) -> None:
        """Mark a runner who blocked the bot so nothing more is sent to them."""
        await self._session.execute(
            update(User).where(User.id == user_id).values(is_active=False, updated_at=now)
        )

    async def delete(self, user_id: int) -> bool:
        """Delete a runner and, by cascade, everything stored about them."""
        result = await self._session.execute(delete(User).where(User.id == user_id))
        return bool(cast("CursorResult[Any]", result).rowcount)


class TriageRepo:
    """Triage sessions."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, session_id: int) -> TriageSession | None:
        """Return a triage session by id; its runner is loaded in the same query."""
        return await self._first(select(TriageSession, User).where(TriageSession.id == session_id))

    async def open_for(self, user_id: int) -> TriageSession | None:
        """Return the runner's open triage session, loading the runner in the same query."""
        return await self._first(
            select(TriageSession, User)
            .where(TriageSession.user_id == user_id, TriageSession.status == "open")
            .order_by(TriageSession.id.desc())
            .limit(1)
        )

    async def _first(self, query: Select[TriageSession, User]) -> TriageSession | None:
        # Selecting the User too puts it in the identity map, so reading the runner's language
        # afterwards costs no second query on the hot path of every button press.
        row = (await self._session.execute(query.join(User))).first()
        return None if row is None else row[0]

    async def close_open(self, user_id: int, status: str, now: datetime) -> int:
        """Close every open session of a runner with `status`; return how many were open."""
        result = await self._session.execute(
            update(TriageSession)
            .where(TriageSession.user_id == user_id, TriageSession.status == "open")
            .values(status=status, updated_at=now)
        )
        return int(cast("CursorResult[Any]", result).rowcount)

    async def add(self, triage: TriageSession) -> TriageSession:
        """Insert a session and return it with its id."""
        self._session.add(triage)
        await self._session.flush()
        return triage


class ReportRepo:
    """Symptom reports."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, report: SymptomReport) -> None:
        """Queue a report for insertion with the unit of work."""
        self._session.add(report)

    async def for_user(self, user_id: int) -> list[SymptomReport]:
        """Return a runner's reports, oldest first."""
        result = await self._session.scalars(
            select(SymptomReport)
            .where(SymptomReport.user_id == user_id)
            .order_by(SymptomReport.created_at, SymptomReport.id)
        )
        return list(result)
