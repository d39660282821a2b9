"""The one place that decides whether a Bot API request is sent again.

Every request of an update goes through `RetryPolicy` (PTB's documented `BaseRateLimiter`
hook); nothing else in the bot retries. The rules:

- Flood control (HTTP 429): wait `retry_after`, then send again. All waits of one update
  share a ceiling, `REPLY_WAIT_LIMIT_SECONDS`: past it the update sends nothing more and the
  request raises `WaitTooLongError` (the error handler logs it once, at WARNING).
- Nothing left the machine (`NothingSentError`: no connection): send again after a short pause.
- A timeout, a dropped connection or a server error (5xx) may come after Telegram acted. A
  request that only edits, answers a button press or sets something (`REPEATABLE`) is sent
  again, since repeating it changes nothing the runner sees; one that posts a new message is
  not, so a runner never gets a reply twice.
- Refusals (400, 403...) are final.

The reminder dispatcher sends with `rate_limit_args=SEND_ONCE`: it paces its own sends and
records flood control and failures in the database, so this policy steps aside. So does the
apology after a failed reply. Interactive replies are never throttled here, so they never
queue behind the dispatcher's pace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from bot import metrics
from bot.clock import Clock

log = logging.getLogger(__name__)

SEND_ONCE = -1
"""`rate_limit_args` of a request sent once, as is, whatever happens."""
PAUSES = (0.5, 2.0)
"""Pauses before the second and the third try of a request that may be sent again."""
REPEATABLE = frozenset(
    {
        "answerCallbackQuery",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "editMessageMedia",
        "deleteMessage",
        "setMyCommands",
        "deleteMyCommands",
        "setWebhook",
        "deleteWebhook",
        "getMe",
        "getFile",
    }
)
"""Methods whose second call changes nothing a runner sees: sent again after a timeout."""


class NothingSentError(NetworkError):
    """The request never left this machine (no connection): sending it again is safe."""


class WaitTooLongError(TelegramError):
    """Flood control would make this update wait past its ceiling: it sends nothing more."""


@dataclass(slots=True)
class WaitBudget:
    """The seconds an update may still spend waiting for Telegram."""

    left: float

    def take(self, seconds: float) -> bool:
        """Spend `seconds` if they are left; return False (spending nothing) if not."""
        if seconds > self.left:
            return False
        self.left -= seconds
        return True


_BUDGET: ContextVar[WaitBudget | None] = ContextVar("reply_wait_budget", default=None)


def new_update_budget(seconds: float) -> None:
    """Give the update being handled (the current context) its own waiting ceiling."""
    _BUDGET.set(WaitBudget(seconds))


class RetryPolicy(BaseRateLimiter[int]):
    """Send each request, and send it again only where the rules above allow."""

    def __init__(self, clock: Clock, wait_limit: float) -> None:
        self._clock = clock
        self._wait_limit = wait_limit

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Send one request, waiting and sending it again as the policy allows."""
        if rate_limit_args == SEND_ONCE:
            try:
                return await callback(*args, **kwargs)
            except RetryAfter:
                metrics.flood_control_hit()
                raise
        budget = _BUDGET.get() or WaitBudget(self._wait_limit)
        failures = 0
        while True:
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                metrics.flood_control_hit()
                pause = _seconds(exc.retry_after)
                if not budget.take(pause):
                    raise WaitTooLongError(
                        f"{endpoint}: flood control asks for {pause:g} s, past the "
                        f"{self._wait_limit:g} s an update may wait"
                    ) from exc
            except BadRequest:
                raise
            except NetworkError as exc:
                repeatable = isinstance(exc, NothingSentError) or endpoint in REPEATABLE
                if not repeatable or failures == len(PAUSES):
                    raise
                pause = PAUSES[failures]
                if not budget.take(pause):
                    raise
                failures += 1
                log.info("%s failed (%s); sending it again in %g s", endpoint, exc, pause)
            await self._clock.sleep(pause)


def _seconds(retry_after: int | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after
