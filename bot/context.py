"""The typed `bot_data` every handler reaches through `context.bot_data`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.content.loader import Knowledge
from bot.content.triage_engine import TriageEngine
from bot.scheduler.dispatcher import Dispatcher


class BotData:
    """The application's dependencies, set once by `bot.app.build_app`.

    PTB creates this object itself with no arguments, so the attributes are declared here
    and assigned right after the application is built.
    """

    settings: Settings
    knowledge: Knowledge
    triage: TriageEngine
    clock: Clock
    db_engine: AsyncEngine
    owns_db_engine: bool
    sessionmaker: async_sessionmaker[AsyncSession]
    dispatcher: Dispatcher
    diagrams: dict[tuple[str, str], bytes]
    """Lacing diagrams drawn so far, by (technique id, language): PNG bytes."""


Context = CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], BotData]
"""The context type handlers receive."""

CONTEXT_TYPES = ContextTypes(context=CallbackContext, bot_data=BotData)
"""Passed to the application builder so `context.bot_data` is a `BotData`."""
