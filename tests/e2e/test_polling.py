"""The bot as `run_polling` runs it: long-polling getUpdates and concurrent processing."""

from __future__ import annotations

import asyncio

from bot.app import BotApplication
from bot.config import Settings
from bot.content.loader import Knowledge
from bot.db.models import TriageSession
from bot.localapi import LocalBotApi
from tests.conftest import FakeClock
from tests.e2e.conftest import rows, start_app, stop_app


async def _poll(app: BotApplication) -> None:
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    await app.start()


async def _halt(app: BotApplication) -> None:
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    await stop_app(app)


async def test_many_runners_at_once_each_in_order(
    settings: Settings, knowledge: Knowledge, api: LocalBotApi, clock: FakeClock
) -> None:
    app = await start_app(settings, knowledge, api, clock)
    await _poll(app)
    runners = range(100, 130)
    for runner in runners:
        api.send_text(runner, "/triage")
    async with asyncio.timeout(10):
        await api.wait_until(lambda: all(api.bot_messages(r) for r in runners))

    # Every runner taps the first answer twice in a row, before the bot has answered.
    for runner in runners:
        message = api.last_bot_message(runner)
        data = next(d for _, d in api.buttons(message) if d.endswith(":none"))
        api.press(runner, message.message_id, data)
        api.press(runner, message.message_id, data)
    async with asyncio.timeout(10):
        await api.wait_until(lambda: not api.unanswered_callback_queries)
    sessions = await rows(app, TriageSession)
    await _halt(app)

    assert len(sessions) == len(runners)
    assert all(s["path"] == [["q_red_flags", "none"]] for s in sessions), "each tap applied once"
    assert api.problems() == []


async def test_a_runner_updates_are_handled_in_arrival_order(
    settings: Settings, knowledge: Knowledge, api: LocalBotApi, clock: FakeClock
) -> None:
    app = await start_app(settings, knowledge, api, clock)
    await _poll(app)
    api.send_text(7, "/triage")
    api.send_text(7, "/cancel")
    api.send_text(7, "/triage")
    async with asyncio.timeout(10):
        await api.wait_until(lambda: len(api.bot_messages(7)) == 3)
    statuses = [s["status"] for s in await rows(app, TriageSession)]
    await _halt(app)
    assert statuses == ["cancelled", "open"]
    assert api.problems() == []
