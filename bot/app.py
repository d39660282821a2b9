"""The application factory: the only place where the bot's parts are wired together."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest

from bot import handlers, pictures
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.content import keys
from bot.content.keys import COMMANDS
from bot.content.loader import Knowledge, load_knowledge
from bot.content.triage_engine import TriageEngine
from bot.context import CONTEXT_TYPES, BotData
from bot.db.engine import make_database_engine, make_sessionmaker
from bot.errors import on_error
from bot.retries import RetryPolicy
from bot.scheduler.dispatcher import Dispatcher
from bot.transport import AiohttpRequest
from bot.updates import PerRunnerUpdateProcessor

log = logging.getLogger(__name__)

BotApplication = Application[Any, Any, Any, Any, BotData, Any]
"""The application type `build_app` returns."""


def build_app(
    settings: Settings,
    *,
    knowledge: Knowledge | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    clock: Clock | None = None,
    db_engine: AsyncEngine | None = None,
) -> BotApplication:
    """Build the bot; tests pass a local Bot API `request`, a fake clock and their own engine."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is required to build the bot")
    clock = clock or SystemClock()
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_base_file_url)
        .context_types(CONTEXT_TYPES)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(RetryPolicy(clock, settings.reply_wait_limit_seconds))
        .concurrent_updates(PerRunnerUpdateProcessor(settings.concurrent_updates))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if request is None:
        request, get_updates_request = AiohttpRequest(), AiohttpRequest(connection_pool_size=1)
    builder = builder.request(request).get_updates_request(get_updates_request or request)
    app: BotApplication = builder.build()

    data = app.bot_data
    data.settings = settings
    data.knowledge = knowledge or load_knowledge(settings.knowledge_dir)
    data.triage = TriageEngine(data.knowledge)
    data.clock = clock
    data.owns_db_engine = db_engine is None
    data.db_engine = db_engine or make_database_engine(settings)
    data.sessionmaker = make_sessionmaker(data.db_engine)
    data.dispatcher = Dispatcher(settings, data.knowledge, data.sessionmaker, data.clock)
    data.diagrams = {}

    pictures.configure(settings.picture_workers)
    handlers.register(app)
    app.add_error_handler(on_error)
    return app


async def _post_init(app: BotApplication) -> None:
    await publish_commands(app)
    if app.bot_data.settings.runs_dispatcher:
        app.bot_data.dispatcher.register(app)


async def _post_shutdown(app: BotApplication) -> None:
    pictures.shutdown()
    if app.bot_data.owns_db_engine:
        await app.bot_data.db_engine.dispose()


async def publish_commands(app: BotApplication) -> None:
    """Publish the command menu in every language; a failure is logged, never fatal."""
    catalog = app.bot_data.knowledge.catalog
    for code in catalog.languages:
        t = catalog.texts(code)
        commands = [BotCommand(name, t(keys.command_description(name))) for name in COMMANDS]
        language_code = None if code == catalog.default else code
        try:
            await app.bot.set_my_commands(commands, language_code=language_code)
        except TelegramError as exc:
            log.warning("could not publish the %s command menu: %r", code, exc)


@asynccontextmanager
async def running(
    app: BotApplication, take_updates: Callable[[], Awaitable[None]]
) -> AsyncIterator[None]:
    """Run the app inside the block, in PTB's order, as `run_polling` would.

    `take_updates` starts what feeds it (polling, a webhook, or nothing) between `post_init`
    and `start`. On the way out the dispatcher stops first, so reminders claimed but not yet
    sent go back to the database at once; then the updates in flight finish.
    """
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await take_updates()
        await app.start()
        try:
            yield
        finally:
            app.bot_data.dispatcher.stop()
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
