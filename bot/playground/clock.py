"""The playground's clock: real time plus an offset that a person moves forward from the page.

Owns :class:`AdjustableClock`, the ``bot.clock.Clock`` the bot gets in playground mode, and the
steps the page offers. Time never goes backwards, so nothing the bot stored lies in the future.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Final

ONE_DAY: Final = timedelta(days=1)


class AdjustableClock:
    """System time plus an offset that can only grow; aware UTC like every clock in the bot."""

    def __init__(self, system: Callable[[], datetime] | None = None) -> None:
        self._system = system or (lambda: datetime.now(UTC))
        self._offset = timedelta(0)

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime, offset included."""
        return self._system().astimezone(UTC) + self._offset

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of real time (the offset stays)."""
        await asyncio.sleep(seconds)

    @property
    def offset(self) -> timedelta:
        """Return how far this clock is ahead of the system clock."""
        return self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by ``delta`` (never backwards) and return the new time."""
        if delta < timedelta(0):
            raise ValueError("the playground clock only moves forward")
        self._offset += delta
        return self.now()

    def next_day(self) -> datetime:
        """Move the clock to the same time on the next day and return the new time."""
        return self.advance(ONE_DAY)
