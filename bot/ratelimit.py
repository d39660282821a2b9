"""Outgoing request policy: Telegram's flood-control retries plus retries of passing faults."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.5, 2.0)
"""Pauses before each retry of a request that hit a timeout or a 5xx."""
NO_RETRIES = -1
"""`rate_limit_args` of a request sent once, as is: the reminder dispatcher paces its own
sends and records flood control, timeouts and server errors in the database instead."""


class RetryingRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter that also retries timeouts and server errors a few times.

    AIORateLimiter already waits out HTTP 429 `retry_after` and retries; it does not retry
    a timeout or a 5xx, which PTB raises as `NetworkError`. Those are retried here, with a
    short backoff, so a passing fault still gets the runner an answer. `BadRequest` (also a
    `NetworkError` in PTB) is our own mistake or a final "no" and is never retried.
    """

    def __init__(self) -> None:
        # No overall or group cap: replies to runners are paced by Telegram per chat, and
        # a 30/s overall cap would throttle interactive traffic (performance-notes.md §7).
        super().__init__(overall_max_rate=0, group_max_rate=0, max_retries=3)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Send one request, retrying flood control, timeouts and server errors."""
        if rate_limit_args == NO_RETRIES:
            return await callback(*args, **kwargs)
        for delay in RETRY_DELAYS:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise
            except NetworkError as exc:
                log.warning("%s failed (%s); retrying in %.1f s", endpoint, exc, delay)
                await asyncio.sleep(delay)
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
