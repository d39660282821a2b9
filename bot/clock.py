"""The injectable clock: every "now" in the bot comes from here, always aware and in UTC.

So does every wait for Telegram, so tests can let time pass without waiting.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time and lets time pass."""

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Return once `seconds` have passed on this clock."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of real time."""
        await asyncio.sleep(seconds)
