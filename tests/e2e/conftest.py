"""End-to-end harness: the real PTB Application talking to the project's local Bot API."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update

from bot.app import BotApplication, build_app
from bot.config import Settings
from bot.content.loader import Knowledge
from bot.db.base import Base
from bot.localapi import ChatMessage, LocalBotApi, LocalRequest
from tests.conftest import TEST_TOKEN, FakeClock


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
