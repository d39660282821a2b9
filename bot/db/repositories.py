"""Repositories: typed queries over one session. They add, flush and select; never commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Select, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import PendingInput, Shoe, SymptomReport, TriageSession, User


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


class ShoeRepo:
    """Runners' shoes."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def for_user(self, user_id: int) -> list[Shoe]:
        """Return a runner's shoes, oldest first."""
        result = await self._session.scalars(
            select(Shoe).where(Shoe.user_id == user_id).order_by(Shoe.id)
        )
        return list(result)

    async def get(self, user_id: int, shoe_id: int) -> Shoe | None:
        """Return one of the runner's shoes; None if it is gone or someone else's."""
        shoe = await self._session.get(Shoe, shoe_id)
        return shoe if shoe is not None and shoe.user_id == user_id else None

    async def default_for(self, user_id: int) -> Shoe | None:
        """Return the runner's default shoe, if they have one."""
        result = await self._session.scalars(
            select(Shoe).where(Shoe.user_id == user_id, Shoe.is_default)
        )
        return result.first()

    async def add(self, shoe: Shoe) -> Shoe:
        """Insert a shoe and return it with its id."""
        self._session.add(shoe)
        await self._session.flush()
        return shoe

    async def make_default(self, shoes: list[Shoe], chosen: Shoe) -> None:
        """Make `chosen` the only default among a runner's `shoes`."""
        for shoe in shoes:
            if shoe.is_default and shoe is not chosen:
                shoe.is_default = False
        # The old default is cleared first: one default per runner is a unique index, and a
        # flush may write the rows in any order.
        await self._session.flush()
        chosen.is_default = True

    async def delete(self, shoe: Shoe) -> None:
        """Delete a shoe (a pending rename of it goes with it)."""
        await self._session.delete(shoe)
        await self._session.flush()


class PendingInputRepo:
    """The typed answer the bot is waiting for, one per runner at most."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> PendingInput | None:
        """Return what the runner's next typed text is taken as, if anything."""
        return await self._session.get(PendingInput, user_id)

    async def wait_for(self, user_id: int, kind: str, shoe_id: int | None, now: datetime) -> None:
        """Wait for the runner's next typed text as `kind`, replacing what was awaited."""
        pending = await self.get(user_id)
        if pending is None:
            self._session.add(
                PendingInput(user_id=user_id, kind=kind, shoe_id=shoe_id, created_at=now)
            )
            return
        pending.kind, pending.shoe_id, pending.created_at = kind, shoe_id, now

    async def clear(self, user_id: int) -> bool:
        """Stop waiting for the runner's typed text; return False if nothing was awaited."""
        result = await self._session.execute(
            delete(PendingInput).where(PendingInput.user_id == user_id)
        )
        return bool(cast("CursorResult[Any]", result).rowcount)
