"""Pushing updates to a webhook, as Telegram does once setWebhook names a URL.

Owns :class:`WebhookPusher`: while a webhook is set, one task takes the pending updates in
order and POSTs each as JSON to the URL, with ``X-Telegram-Bot-Api-Secret-Token`` when a secret
was set. A 2xx answer confirms the update; any other answer or a failed connection is noted as
the webhook's last error (getWebhookInfo shows it) and the update is sent again after a pause,
as Telegram does. Updates go one at a time, so a runner's updates arrive in order.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import aiohttp

from .errors import JsonDict, encode_json
from .updates import UpdateQueue

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
RETRY_SECONDS: Final = 1.0
"""The pause before an update the webhook did not take is sent again."""
POST_TIMEOUT_SECONDS: Final = 10.0
WAIT_SECONDS: Final = 50.0
"""How long the pusher waits for an update before looking again."""


@dataclass(slots=True)
class Webhook:
    """A webhook as setWebhook set it, with the last delivery error getWebhookInfo reports."""

    url: str
    secret_token: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None

    def info(self, pending: int) -> JsonDict:
        """Return getWebhookInfo's result for this webhook."""
        info: JsonDict = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
            "max_connections": self.max_connections,
        }
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info


class WebhookPusher:
    """Delivers the update queue to the webhook while one is set."""

    def __init__(self, updates: UpdateQueue, clock: Callable[[], float]) -> None:
        self.webhook: Webhook | None = None
        self._updates = updates
        self._clock = clock
        self._task: asyncio.Task[None] | None = None

    def set(self, webhook: Webhook) -> None:
        """Start (or keep) pushing updates, to this webhook from now on."""
        self.webhook = webhook
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._push())

    def delete(self) -> None:
        """Stop pushing; undelivered updates stay pending for getUpdates."""
        self.webhook = None
        if self._task is not None:
            self._task.cancel()

    async def close(self) -> None:
        """Stop pushing and wait until the task has ended (a server's or a test's teardown)."""
        task = self._task
        self.delete()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _push(self) -> None:
        async with aiohttp.ClientSession() as session:
            while self.webhook is not None:
                pending = await self._updates.fetch(offset=0, limit=1, poll_seconds=WAIT_SECONDS)
                for update in pending:
                    if await self._deliver(session, self.webhook, update):
                        self._updates.confirm(update)
                    else:
                        await asyncio.sleep(RETRY_SECONDS)

    async def _deliver(
        self, session: aiohttp.ClientSession, webhook: Webhook, update: JsonDict
    ) -> bool:
        headers = {"Content-Type": "application/json"}
        if webhook.secret_token is not None:
            headers[SECRET_HEADER] = webhook.secret_token
        timeout = aiohttp.ClientTimeout(total=POST_TIMEOUT_SECONDS)
        try:
            async with session.post(
                webhook.url, data=encode_json(update), headers=headers, timeout=timeout
            ) as response:
                if 200 <= response.status < 300:
                    return True
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {exc or type(exc).__name__}"
        webhook.last_error_date = int(self._clock())
        webhook.last_error_message = error
        return False
