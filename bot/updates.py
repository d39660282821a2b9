"""Update scheduling: several updates at once, but one runner's updates strictly in order.

PTB's default processes one update at a time, which leaves the CPU idle while an update
waits for the database thread or for Telegram. Its `concurrent_updates` option runs updates
in any order, which would let two taps of one runner race on the same triage row. This
processor, on PTB's documented `BaseUpdateProcessor` hook, gives both: up to N updates in
flight, serialised per runner in arrival order (asyncio locks wake waiters first-in
first-out, and PTB starts the tasks in the order the updates arrive).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.log_setup import UPDATE_LOG


class PerRunnerUpdateProcessor(BaseUpdateProcessor):
    """Process up to `max_concurrent_updates` updates at once, one at a time per runner."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run `coroutine` once every earlier update of the same runner has finished."""
        coroutine = UPDATE_LOG.timed(update, coroutine)
        key = _runner_of(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody queued behind: forget the runner
                del self._waiting[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _runner_of(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None
