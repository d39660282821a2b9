"""How the bot runs in each BOT_MODE: polling, webhook, or dispatcher (reminders only).

Owns :func:`serve` (start the Application in the configured mode, serve `/healthz` and
`/metrics`, stop cleanly when asked) and :class:`PollingErrors`, the polling loop's error
callback. Every mode runs the same Application: polling takes updates with getUpdates (and so
drops any webhook), webhook mode registers the webhook and takes Telegram's POSTs on
`bot.web`'s server, dispatcher mode takes no updates at all. Whether the reminder dispatcher's
job runs is `Settings.runs_dispatcher` (`bot.app` registers it); the database's leases let any
number of processes dispatch at once.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Final

from telegram import Update
from telegram.error import Conflict, TelegramError

from bot.app import BotApplication, running
from bot.config import Settings
from bot.web import create_web_app, serving

log = logging.getLogger(__name__)

ALLOWED_UPDATES: Final = [Update.MESSAGE, Update.CALLBACK_QUERY]
"""The update kinds the bot asks Telegram for, polled or pushed."""
CONFLICT_REPEAT_SECONDS: Final = 60.0
"""The 409 warning is repeated at most this often while the conflict lasts."""
CONFLICT_LINE: Final = (
    "another process is polling Telegram with this bot's token (409 Conflict): run a single "
    "poller, or switch to BOT_MODE=webhook to run several processes"
)


class PollingErrors:
    """The polling loop's error callback: one line per problem, never a traceback.

    PTB retries getUpdates after every error on its own; this only decides what is logged. A
    409 Conflict (another poller on the same token) repeats every few seconds, so its line is
    logged at most once a minute.
    """

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._last_conflict: float | None = None

    def __call__(self, error: TelegramError) -> None:
        """Log `error` from getUpdates (PTB calls this, then polls again)."""
        if not isinstance(error, Conflict):
            log.warning("polling Telegram failed, trying again: %s", error)
            return
        now = self._monotonic()
        if self._last_conflict is None or now - self._last_conflict >= CONFLICT_REPEAT_SECONDS:
            self._last_conflict = now
            log.error(CONFLICT_LINE)


async def serve(app: BotApplication, settings: Settings, stop: asyncio.Event) -> None:
    """Run `app` in `settings.mode` until `stop` is set, then finish what is in flight."""
    async with running(app, lambda: _take_updates(app, settings)), _web_server(app, settings):
        log.info("running in %s mode", settings.mode)
        await stop.wait()
        log.info("stopping: finishing the updates and sends in flight")


async def _take_updates(app: BotApplication, settings: Settings) -> None:
    """Start polling, or register the webhook; the dispatcher mode takes no updates."""
    if settings.mode == "polling":
        if app.updater is None:
            raise RuntimeError("build_app made a bot without an updater; it cannot poll")
        # start_polling deletes any webhook first, as getUpdates requires.
        await app.updater.start_polling(
            allowed_updates=ALLOWED_UPDATES, error_callback=PollingErrors()
        )
    elif settings.mode == "webhook":
        secret = settings.webhook_secret_token
        # Several processes behind one URL each set the same webhook: harmless.
        await app.bot.set_webhook(
            settings.webhook_url or "",
            secret_token=secret.get_secret_value() if secret is not None else None,
            max_connections=settings.webhook_max_connections,
            allowed_updates=ALLOWED_UPDATES,
        )


def _web_server(app: BotApplication, settings: Settings) -> AbstractAsyncContextManager[object]:
    """Serve the webhook (webhook mode) or `/healthz` and `/metrics` alone, if enabled."""
    if settings.mode == "webhook":
        return _serving(app, settings.webhook_listen, settings.webhook_port, webhook=True)
    if settings.metrics_enabled:
        return _serving(app, settings.metrics_listen, settings.metrics_port, webhook=False)
    return nullcontext()


@asynccontextmanager
async def _serving(
    app: BotApplication, host: str, port: int, *, webhook: bool
) -> AsyncIterator[int]:
    async with serving(create_web_app(app, webhook=webhook), host, port) as bound:
        served = "the webhook, /healthz and /metrics" if webhook else "/healthz and /metrics"
        log.info("serving %s on %s:%d", served, host, bound)
        yield bound


async def serve_until_signalled(app: BotApplication, settings: Settings) -> None:
    """Serve `app` until SIGINT or SIGTERM (what `python -m bot` runs)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stop.set)
    try:
        await serve(app, settings, stop)
    finally:
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(stop_signal)
