"""The bot's HTTP face in production: `/healthz`, `/metrics` and, in webhook mode, the webhook.

Owns :func:`create_web_app` and :func:`serving`. The webhook takes Telegram's POSTs only with the
right ``X-Telegram-Bot-Api-Secret-Token`` (403 otherwise, before the body is read), answers a
body that is not an update with 400, and hands a good update to the PTB Application's queue,
answering 200 at once: the update is processed like a polled one. `/healthz` checks the
database with ``SELECT 1`` and, where this process dispatches reminders, how long ago the
dispatcher last finished a batch.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from telegram import Update

from bot import metrics
from bot.app import BotApplication
from bot.db.uow import unit_of_work

log = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
DATABASE_TIMEOUT_SECONDS: Final = 2.0
"""How long `/healthz` and the backlog count wait for the database."""
STALE_TICKS: Final = 3
"""Dispatcher intervals without a finished batch after which `/healthz` says unhealthy."""
BACKLOG_CAP: Final = 100_000
"""The due backlog is counted up to this many, so a scrape stays cheap however long it is."""
SHUTDOWN_SECONDS: Final = 5.0
"""How long a stop waits for requests in flight."""


class Endpoints:
    """The request handlers, bound to one application."""

    def __init__(self, application: BotApplication) -> None:
        self._application = application
        self._started = time.time()
        secret = application.bot_data.settings.webhook_secret_token
        self._secret = secret.get_secret_value().encode() if secret is not None else None

    async def healthz(self, request: web.Request) -> web.Response:
        """Answer 200 with what was checked when healthy, 503 when not."""
        data = self._application.bot_data
        report: dict[str, object] = {"database": "ok"}
        healthy = True
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS), data.db_engine.connect() as db:
                await db.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            report["database"] = f"unreachable ({type(exc).__name__})"
            healthy = False
        if data.settings.runs_dispatcher:
            age = time.time() - (metrics.last_tick() or self._started)
            report["dispatcher_last_tick_seconds_ago"] = round(age, 1)
            if age > STALE_TICKS * data.settings.dispatch_interval_seconds + 60:
                healthy = False
        report["status"] = "ok" if healthy else "unhealthy"
        return web.json_response(report, status=200 if healthy else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        """Answer every metric in Prometheus' text format, the due backlog counted now."""
        body = metrics.exposition(await self._due_backlog())
        return web.Response(body=body, headers={"Content-Type": metrics.CONTENT_TYPE})

    async def webhook(self, request: web.Request) -> web.Response:
        """Take one update from Telegram: 403 without the secret, 400 for a bad body."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if self._secret is None or not hmac.compare_digest(given, self._secret):
            return web.Response(status=403)
        bot = self._application.bot
        try:
            body = await request.json()
            # Whatever a malformed field provokes in PTB's parsing (KeyError, TypeError...) means
            # the same thing here: not an update.
            is_update = isinstance(body, dict) and isinstance(body.get("update_id"), int)
            update = Update.de_json(body, bot) if is_update else None
        except Exception:
            update = None
        if update is None:
            return web.Response(status=400)
        await self._application.update_queue.put(update)
        return web.Response()

    async def _due_backlog(self) -> int | None:
        """Count the reminders due now, up to `BACKLOG_CAP`; None (logged) without a database."""
        data = self._application.bot_data
        try:
            async with (
                asyncio.timeout(DATABASE_TIMEOUT_SECONDS),
                unit_of_work(data.sessionmaker) as repos,
            ):
                return await repos.reminders.queued(data.clock.now(), BACKLOG_CAP)
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            log.warning("could not count the due reminders: %s", type(exc).__name__)
            return None


def create_web_app(application: BotApplication, *, webhook: bool) -> web.Application:
    """Return `/healthz` and `/metrics`, plus the webhook route when `webhook` is true."""
    endpoints = Endpoints(application)
    web_app = web.Application()
    web_app.router.add_get("/healthz", endpoints.healthz)
    web_app.router.add_get("/metrics", endpoints.metrics)
    if webhook:
        web_app.router.add_post(application.bot_data.settings.webhook_route, endpoints.webhook)
    return web_app


@asynccontextmanager
async def serving(web_app: web.Application, host: str, port: int) -> AsyncIterator[int]:
    """Serve `web_app` on `host:port` and yield the bound port; stop cleanly afterwards."""
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()
