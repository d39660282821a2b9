"""One retry policy: a runner never sees a reply twice, whatever Telegram does.

Each test scripts a fault with the local Bot API's hooks, then counts the calls Telegram saw,
the messages the runner sees, and the time the bot waited (on the fake clock, so nothing
here waits for real).
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.app import BotApplication
from bot.config import Settings
from bot.content.catalog import Texts
from bot.content.loader import Knowledge
from bot.db.models import TriageSession
from bot.localapi import LocalBotApi
from bot.telegram_html import parse_html
from tests.conftest import FakeClock
from tests.e2e.conftest import Runner, errors_logged, rows
from tests.e2e.test_dispatcher import WED_TIP, tick
from tests.e2e.test_runs import add_weekly_run


@pytest.fixture
def t(knowledge: Knowledge) -> Texts:
    return knowledge.catalog.texts("en")


def visible(markup: str) -> str:
    return parse_html(markup).text


def seen(runner: Runner, markup: str) -> int:
    """How many of the runner's messages from the bot show this text."""
    text = visible(markup)
    return sum(text in m.text for m in runner.api.bot_messages(runner.user_id))


def statuses(api: LocalBotApi, method: str) -> list[int]:
    """The HTTP status of every call of `method` that reached Telegram, in order."""
    return [call.status for call in api.calls_to(method)]


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


@pytest.fixture(autouse=True)
def no_errors_logged(caplog: pytest.LogCaptureFixture):  # type: ignore[no-untyped-def]
    yield
    assert errors_logged(caplog) == []


async def test_one_timeout_on_a_reply_sends_it_once(
    runner: Runner, api: LocalBotApi, clock: FakeClock, t: Texts, caplog: pytest.LogCaptureFixture
) -> None:
    api.faults.lose_answer_next("sendMessage")
    await runner.send("/help")
    assert statuses(api, "sendMessage") == [200], "it arrived; its answer was lost"
    assert seen(runner, t("help.command_line", command="triage", description="")) == 1
    assert seen(runner, t("error.telegram_busy")) == 0, "no apology: the reply may be there"
    assert clock.slept == []
    assert len([w for w in warnings(caplog) if "may have arrived" in w]) == 1


async def test_two_timeouts_still_one_reply(
    runner: Runner, api: LocalBotApi, clock: FakeClock, t: Texts
) -> None:
    api.faults.lose_answer_next("sendMessage", times=2)
    await runner.send("/privacy")
    assert statuses(api, "sendMessage") == [200]
    assert len(runner.api.bot_messages(runner.user_id)) == 1
    assert clock.slept == []


async def test_flood_control_then_ok_waits_retry_after_once(
    runner: Runner, api: LocalBotApi, clock: FakeClock
) -> None:
    api.faults.fail_next("sendMessage", status=429, retry_after=3)
    await runner.send("/privacy")
    assert statuses(api, "sendMessage") == [429, 200]
    assert len(runner.api.bot_messages(runner.user_id)) == 1
    assert clock.slept == [3]


async def test_a_server_error_on_a_new_message_is_not_sent_again(
    runner: Runner, api: LocalBotApi, clock: FakeClock, t: Texts
) -> None:
    api.faults.fail_next("sendMessage", status=500, description="Internal Server Error")
    await runner.send("/privacy")
    assert statuses(api, "sendMessage") == [500, 200], "the reply once, then the apology"
    assert [m.text for m in runner.api.bot_messages(runner.user_id)] == [
        visible(t("error.telegram_busy"))
    ]
    assert clock.slept == []


async def test_a_server_error_storm_gets_one_apology_attempt(
    runner: Runner, api: LocalBotApi, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    api.faults.fail_next("sendMessage", status=502, description="Bad Gateway", times=50)
    await runner.send("/privacy")
    assert statuses(api, "sendMessage") == [502, 502], "the reply, and the apology, once each"
    assert runner.api.bot_messages(runner.user_id) == []
    assert clock.slept == []
    assert any("could not tell the user" in w for w in warnings(caplog))


async def test_a_server_error_storm_on_an_edit_is_tried_three_times(
    runner: Runner, api: LocalBotApi, app: BotApplication, clock: FakeClock, t: Texts
) -> None:
    await runner.send("/triage")
    api.faults.fail_next("editMessageText", status=500, times=50)
    await runner.choose("none")
    assert statuses(api, "editMessageText") == [500, 500, 500]
    assert clock.slept == [0.5, 2.0]
    assert seen(runner, t("error.telegram_busy")) == 1
    assert statuses(api, "answerCallbackQuery") == [200], "the press is answered once"
    [session] = await rows(app, TriageSession)
    assert session["path"] == [["q_red_flags", "none"]], "the answer is kept"


async def test_flood_control_and_server_errors_mixed(
    runner: Runner, api: LocalBotApi, clock: FakeClock, t: Texts
) -> None:
    await runner.send("/triage")
    api.faults.fail_next("editMessageText", status=429, retry_after=2)
    api.faults.fail_next("editMessageText", status=502, description="Bad Gateway")
    api.faults.fail_next("editMessageText", status=429, retry_after=2)
    await runner.choose("none")
    assert statuses(api, "editMessageText") == [429, 502, 429, 200]
    assert clock.slept == [2, 0.5, 2]
    assert len(runner.api.bot_messages(runner.user_id)) == 1, "edited in place, once"
    assert visible(t("triage.q_urgent.question").split("\n")[0]) in runner.last.text


async def test_flood_control_past_the_ceiling_sends_nothing_more(
    runner: Runner,
    api: LocalBotApi,
    clock: FakeClock,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    limit = settings.reply_wait_limit_seconds
    api.faults.fail_next("sendMessage", status=429, retry_after=int(limit * 0.6), times=2)
    await runner.send("/privacy")
    assert statuses(api, "sendMessage") == [429, 429]
    assert clock.slept == [int(limit * 0.6)], "the second wait would pass the ceiling"
    assert runner.api.bot_messages(runner.user_id) == [], "no apology either"
    assert len([w for w in warnings(caplog) if "gave up" in w]) == 1


async def test_a_refused_connection_is_tried_again(
    runner: Runner, api: LocalBotApi, clock: FakeClock
) -> None:
    api.faults.refuse_connection_next("sendMessage", times=2)
    await runner.send("/privacy")
    assert statuses(api, "sendMessage") == [200], "nothing arrived before it connected"
    assert len(runner.api.bot_messages(runner.user_id)) == 1
    assert clock.slept == [0.5, 2.0]


async def test_replies_never_wait_for_the_reminder_dispatcher(
    runner: Runner, api: LocalBotApi, app: BotApplication, clock: FakeClock
) -> None:
    await add_weekly_run(runner)
    clock.current = WED_TIP
    release = api.faults.hold_next("sendMessage")
    sending = asyncio.create_task(tick(app))
    before = len(api.calls_to("sendMessage"))
    await api.wait_until(lambda: len(api.calls_to("sendMessage")) > before)
    await runner.send("/privacy")  # the tip's send is still held
    assert "/delete_me" in runner.last.text
    assert not sending.done()
    release.set()
    assert await sending == 1


async def test_a_press_edits_its_message_without_waiting_for_the_answer(
    runner: Runner, api: LocalBotApi
) -> None:
    """The new screen goes out while the callback answer is still in flight, not after it."""
    await runner.send("/triage")
    question = runner.last.text
    answer = api.faults.hold_next("answerCallbackQuery")
    pressing = asyncio.create_task(runner.press(runner.api.buttons(runner.keyboard_message)[0][0]))
    await api.wait_until(lambda: runner.last.text != question)
    assert not pressing.done()  # the edit arrived while the answer was still held
    answer.set()
    await pressing
    assert [call.status for call in api.calls_to("answerCallbackQuery")] == [200]
