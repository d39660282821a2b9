"""The bot's pending updates: increasing update ids, getUpdates offsets and long polling.

Owns Telegram's getUpdates semantics: updates stay pending until a later call confirms them with
a higher ``offset`` (a negative offset keeps only the last ``-offset``), ``allowed_updates``
filters what gets queued, a long poll waits until an update arrives or its timeout passes, and a
second concurrent poll terminates the first with 409 Conflict, as when two bot instances run.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable
from itertools import islice
from typing import Final

from .errors import ApiError, JsonDict
from .spec import UPDATE_TYPES

DEFAULT_ALLOWED_UPDATES: Final = UPDATE_TYPES - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}
CONFLICT: Final = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class UpdateQueue:
    """Pending updates for getUpdates, with long-poll waiting."""

    def __init__(self, first_update_id: int = 1) -> None:
        self._pending: deque[tuple[int, JsonDict]] = deque()
        self._next_id = first_update_id
        self._allowed: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self._waiter: asyncio.Future[None] | None = None

    @property
    def pending(self) -> list[JsonDict]:
        """Return the updates not confirmed yet, oldest first."""
        return [update for _, update in self._pending]

    def push(self, kind: str, payload: JsonDict) -> JsonDict:
        """Create the next update of ``kind``; queue it unless allowed_updates excludes it."""
        update_id = self._next_id
        self._next_id += 1
        update: JsonDict = {"update_id": update_id, kind: payload}
        if kind in self._allowed:
            self._pending.append((update_id, update))
            waiter = self._waiter
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        return update

    def confirm(self, update: JsonDict) -> None:
        """Forget ``update`` if it is the oldest pending one (the webhook took it)."""
        if self._pending and self._pending[0][1] is update:
            self._pending.popleft()

    def drop_pending(self) -> None:
        """Forget every pending update (deleteWebhook with drop_pending_updates)."""
        self._pending.clear()

    def set_allowed(self, kinds: Iterable[str]) -> None:
        """Apply getUpdates' allowed_updates; an empty list restores the default set."""
        self._allowed = frozenset(kinds) or DEFAULT_ALLOWED_UPDATES

    async def fetch(self, *, offset: int, limit: int, poll_seconds: float) -> list[JsonDict]:
        """Confirm updates below ``offset`` and return up to ``limit``, long-polling if none."""
        pending = self._pending
        if offset > 0:
            while pending and pending[0][0] < offset:
                pending.popleft()
        elif offset < 0:
            while len(pending) > -offset:
                pending.popleft()
        if not pending and poll_seconds > 0:
            await self._wait(poll_seconds)
        return [update for _, update in islice(pending, limit)]

    async def _wait(self, poll_seconds: float) -> None:
        previous = self._waiter
        if previous is not None and not previous.done():
            previous.set_exception(ApiError(409, CONFLICT))
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiter = waiter
        try:
            await asyncio.wait_for(waiter, poll_seconds)
        except TimeoutError:
            return
        finally:
            if self._waiter is waiter:
                self._waiter = None
