"""Running the playground: the local Bot API and its page, and the real bot polling it.

Owns :func:`running_playground` (start everything in the current event loop, yield the page's
address, stop everything cleanly; tests use it on a free port) and :func:`run_playground`, what
``python -m bot`` runs when there is no token: uvloop, the playground's own migrated database,
one clear line once the page is ready, and a clean stop on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Final

from aiohttp import web
from pydantic import SecretStr
from telegram import Update
from telegram.ext import Updater

from bot.app import BotApplication, build_app, running
from bot.config import Settings
from bot.content.loader import Knowledge
from bot.db.uow import unit_of_work
from bot.localapi import LocalBotApi
from bot.localapi.server import base_urls
from bot.services import reminders

from .clock import AdjustableClock
from .server import FIRST_RUNNER_ID, BotHooks, create_playground_app

PLAYGROUND_TOKEN: Final = "123456:PLAYGROUND"
"""The token the local Bot API accepts; it means nothing anywhere else."""
BOT_USERNAME: Final = "numb_feet_playground_bot"
BOT_NAME: Final = "Numb Feet Bot"
FIRST_RUNNER_NAME: Final = "Alex"
READY_LINE: Final = (
    "Playground: {url}  (a local sandbox, not Telegram; set TELEGRAM_BOT_TOKEN to run on Telegram)"
)
CALLS_KEPT: Final = 2_000
"""Recorded Bot API calls kept in memory, so a long session doesn't grow without bound."""
SHUTDOWN_SECONDS: Final = 0.25
"""How long a stop waits for open requests (the bot's last long poll) before cutting them."""

log = logging.getLogger(__name__)


def bot_settings(settings: Settings, base_url: str, base_file_url: str) -> Settings:
    """Return the settings the bot runs with in the playground: local API, playground database."""
    return settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(PLAYGROUND_TOKEN),
            "telegram_api_base_url": base_url,
            "telegram_api_base_file_url": base_file_url,
            "database_url": settings.playground_database_url,
        }
    )


@asynccontextmanager
async def running_playground(
    settings: Settings, *, knowledge: Knowledge | None = None, port: int | None = None
) -> AsyncIterator[str]:
    """Run the playground in this event loop and yield the page's URL; ``port=0``: any free one.

    PLAYGROUND_DATABASE_URL must be migrated already (`python -m bot` does it first).
    """
    clock = AdjustableClock()
    api = LocalBotApi(
        token=PLAYGROUND_TOKEN,
        bot_username=BOT_USERNAME,
        bot_first_name=BOT_NAME,
        clock=lambda: clock.now().timestamp(),
        history_limit=CALLS_KEPT,
    )
    api.user(FIRST_RUNNER_ID, first_name=FIRST_RUNNER_NAME, language_code="en")
    hooks = BotHooks()
    runner = web.AppRunner(
        create_playground_app(api, clock, hooks),
        access_log=None,
        shutdown_timeout=SHUTDOWN_SECONDS,
    )
    await runner.setup()
    try:
        host = settings.playground_host
        await web.TCPSite(runner, host, settings.playground_port if port is None else port).start()
        base_url, base_file_url = base_urls(host, int(runner.addresses[0][1]))
        app = build_app(
            bot_settings(settings, base_url, base_file_url), knowledge=knowledge, clock=clock
        )
        _connect(hooks, app)
        updater = app.updater
        if updater is None:
            raise RuntimeError("build_app made a bot without an updater; it cannot poll")
        async with running(app, lambda: _poll(updater)):
            yield base_url.removesuffix("/bot")
    finally:
        await runner.cleanup()


def _connect(hooks: BotHooks, app: BotApplication) -> None:
    """Let the page's clock control run the dispatcher and find a runner's next reminder."""

    async def next_due(runner_id: int) -> datetime | None:
        async with unit_of_work(app.bot_data.sessionmaker) as repos:
            return await reminders.next_due_for(repos, runner_id)

    hooks.clock_moved = lambda: app.bot_data.dispatcher.poke(app.bot)
    hooks.next_due = next_due


def run_playground(
    settings: Settings, knowledge: Knowledge, loop: asyncio.AbstractEventLoop
) -> int:
    """Serve the playground on `loop` until Ctrl-C or SIGTERM; return the exit status."""
    try:
        return loop.run_until_complete(_serve(settings, knowledge))
    finally:
        loop.close()


async def _serve(settings: Settings, knowledge: Knowledge) -> int:
    """Serve until a stop signal; report a busy port as one line."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stop.set)
    try:
        async with running_playground(settings, knowledge=knowledge) as url:
            print(READY_LINE.format(url=url), flush=True)
            await stop.wait()
            log.info("stopping the playground")
    except OSError as exc:
        where = f"{settings.playground_host}:{settings.playground_port}"
        print(
            f"error: cannot serve the playground on {where} (set PLAYGROUND_PORT): {exc}",
            file=sys.stderr,
        )
        return 1
    finally:
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(stop_signal)
    return 0


async def _poll(updater: Updater) -> None:
    """Poll the local Bot API as fast as it answers (a long poll returns as soon as it can)."""
    await updater.start_polling(
        allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY], poll_interval=0.0
    )
