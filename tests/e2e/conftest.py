"""End-to-end harness: the real PTB Application talking to the project's local Bot API.

Every test runs twice, on a SQLite file and on the machine's PostgreSQL. The PostgreSQL runs
share one schema, migrated once, and each empties its tables afterwards: migrating a schema
per test would cost more than the tests themselves.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import select
from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update

from bot.app import BotApplication, build_app
from bot.config import Settings
from bot.content.loader import Knowledge
from bot.db.base import Base
from bot.db.engine import make_database_engine, make_engine
from bot.db.migrate import upgrade_to_head
from bot.localapi import ChatMessage, LocalBotApi, LocalRequest, create_app
from bot.localapi.server import base_urls
from tests.conftest import POSTGRES_URL, TEST_TOKEN, FakeClock, require_postgres


class Runner:
    """One simulated runner in a private chat with the bot; every action is a real Update."""

    def __init__(self, app: BotApplication, api: LocalBotApi, user_id: int, **profile: object):
        self.app, self.api, self.user_id = app, api, user_id
        api.user(user_id, **profile)  # type: ignore[arg-type]

    async def send(self, text: str) -> None:
        """Type a message (commands included)."""
        await self.feed(self.api.send_text(self.user_id, text))

    async def sticker(self) -> None:
        """Send a sticker."""
        await self.feed(self.api.send_sticker(self.user_id))

    async def photo(self) -> None:
        """Send a photo without a caption."""
        await self.feed(self.api.send_photo(self.user_id))

    async def press(self, label: str, message: ChatMessage | None = None) -> None:
        """Press the button labelled `label` (exactly, or as a prefix) on the last keyboard."""
        message = message or self.keyboard_message
        for text, data in self.api.buttons(message):
            if text == label or text.startswith(label):
                await self.press_data(data, message.message_id)
                return
        raise AssertionError(f"no button {label!r} in {self.api.buttons(message)}")

    async def choose(self, action: str) -> None:
        """Press the triage button whose action is `action` (an answer id, -back, -cancel)."""
        message = self.keyboard_message
        for _, data in self.api.buttons(message):
            if data.startswith("t1:") and data.rsplit(":", 1)[1] == action:
                await self.press_data(data, message.message_id)
                return
        raise AssertionError(f"no triage button {action!r} in {self.api.buttons(message)}")

    async def choose_gear(self, setting: str, option: str | None) -> None:
        """Press the /gear button storing `option` (None: "Not sure") for `setting`."""
        message = self.keyboard_message
        wanted = f":{setting}:", f":{option or '-'}"
        for _, data in self.api.buttons(message):
            if data.startswith("g1:s:") and wanted[0] in data and data.endswith(wanted[1]):
                await self.press_data(data, message.message_id)
                return
        raise AssertionError(f"no gear button {setting}={option} in {self.api.buttons(message)}")

    async def add_shoe(
        self, name: str, gear: Mapping[str, str], settings: tuple[str, ...]
    ) -> None:
        """Add a shoe the way a runner does: /gear, "Add a shoe", type the name, answer all."""
        await self.send("/gear")
        await self.press("➕")
        await self.send(name)
        for setting in settings:
            await self.choose_gear(setting, gear.get(setting))

    async def press_data(self, data: str, message_id: int | None = None, *, forge: bool = False):
        """Press a button by its callback data (`forge` skips the check that it exists)."""
        target = message_id if message_id is not None else self.keyboard_message.message_id
        await self.feed(self.api.press(self.user_id, target, data, check_button=not forge))

    async def feed(self, update: dict[str, object]) -> None:
        """Hand one update to the application, as the updater would."""
        await self.app.process_update(Update.de_json(update, self.app.bot))

    @property
    def last(self) -> ChatMessage:
        """The bot's latest message in this chat, with edits applied."""
        return self.api.last_bot_message(self.user_id)

    @property
    def keyboard_message(self) -> ChatMessage:
        """The bot's latest message that still has an inline keyboard."""
        for message in reversed(self.api.bot_messages(self.user_id)):
            if self.api.buttons(message):
                return message
        raise AssertionError("the bot has shown no buttons")

    @property
    def labels(self) -> list[str]:
        """The labels on the latest keyboard."""
        return [text for text, _ in self.api.buttons(self.keyboard_message)]

    def toasts(self) -> list[str | None]:
        """The texts the bot answered this runner's button presses with, oldest first."""
        return [
            q.answer.text
            for q in self.api.answered_callback_queries
            if q.user_id == self.user_id and q.answer is not None
        ]


def schema_url(schema: str) -> str:
    """The test PostgreSQL's URL, as an operator writes it, with `schema` as search_path."""
    return f"{POSTGRES_URL.replace('+asyncpg', '')}?options=-c%20search_path%3D{schema}"


@pytest.fixture(scope="session")
def e2e_postgres_schema() -> Iterator[str]:
    """A schema migrated to head once per run, for every PostgreSQL end-to-end test."""
    schema = f"e2e_{uuid.uuid4().hex[:12]}"

    async def create() -> None:
        await require_postgres()
        admin = make_engine(POSTGRES_URL)
        async with admin.begin() as connection:
            await connection.execute(sql(f'CREATE SCHEMA "{schema}"'))
        await admin.dispose()
        engine = make_database_engine(settings_for(schema_url(schema)))
        await upgrade_to_head(engine)
        await engine.dispose()

    async def drop() -> None:
        admin = make_engine(POSTGRES_URL)
        async with admin.begin() as connection:
            await connection.execute(sql(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()

    asyncio.run(create())
    yield schema
    asyncio.run(drop())


async def empty_tables(settings: Settings) -> None:
    """Delete every row the bot's tables hold and restart their ids (the schema stays).

    DELETE, not TRUNCATE: on tables this small it takes a few milliseconds, where TRUNCATE
    takes about forty.
    """
    engine = make_database_engine(settings)
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())
        await connection.execute(
            sql(
                "SELECT setval(oid, 1, false) FROM pg_class"
                " WHERE relkind = 'S' AND relnamespace = current_schema()::regnamespace"
            )
        )
    await engine.dispose()


def settings_for(database_url: str) -> Settings:
    """The bot's settings for a test, on the database `database_url` names."""
    return Settings(
        telegram_bot_token=TEST_TOKEN,
        database_url=database_url,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest) -> Iterator[Settings]:
    """The bot's settings on a fresh database: a SQLite file, or the PostgreSQL schema."""
    if request.param == "sqlite":
        sqlite_path: Path = request.getfixturevalue("sqlite_path")
        yield settings_for(f"sqlite:///{sqlite_path}")
        return
    postgres = settings_for(schema_url(request.getfixturevalue("e2e_postgres_schema")))
    yield postgres
    asyncio.run(empty_tables(postgres))


@pytest.fixture
def api() -> LocalBotApi:
    return LocalBotApi(token=TEST_TOKEN)


async def start_app(
    settings: Settings, knowledge: Knowledge, api: LocalBotApi, clock: FakeClock
) -> BotApplication:
    """Build and initialise the bot as `run_polling` would, post_init included."""
    app = build_app(settings, knowledge=knowledge, request=LocalRequest(api), clock=clock)
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    return app


async def stop_app(app: BotApplication) -> None:
    """Shut the bot down as `run_polling` would."""
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


@pytest.fixture
async def app(
    settings: Settings,
    knowledge: Knowledge,
    api: LocalBotApi,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> AsyncIterator[BotApplication]:
    """The bot, initialised; afterwards every Bot API call it made must have been valid."""
    caplog.set_level(logging.INFO)
    application = await start_app(settings, knowledge, api, clock)
    yield application
    await stop_app(application)
    assert api.problems() == []
    assert api.unanswered_callback_queries == []


@pytest.fixture
def runner(app: BotApplication, api: LocalBotApi) -> Runner:
    return Runner(app, api, 7_000_000_001, first_name="Ana", language_code="en")


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the messages logged at ERROR or above."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def rows(app: BotApplication, model: type[Base]) -> list:
    """Return every row of a table, read through the bot's own engine."""
    engine: AsyncEngine = app.bot_data.db_engine
    async with engine.connect() as connection:
        result = await connection.execute(select(model))
        return list(result.mappings())


@pytest.fixture
async def served_api() -> AsyncIterator[tuple[LocalBotApi, str, str]]:
    """The local Bot API over HTTP: the fake, PTB's base_url and base_file_url."""
    api = LocalBotApi(token=TEST_TOKEN)
    runner = web.AppRunner(create_app(api))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield api, *base_urls("127.0.0.1", int(runner.addresses[0][1]))
    await runner.cleanup()
