"""The dispatcher under pressure: pacing, flood control, failures, the lease's end, late tips.

Runners and their due tips are written straight to the tables (`dispatch_helpers`), so a
test can have many. The clock is the fake one: waits for flood control pass at once, and a
test moves it to make a lease run out. Pacing is aiolimiter's, on real time: the tests that
look at it send few messages quickly.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import BotApplication
from bot.config import Settings
from bot.content.loader import Knowledge
from bot.db.models import Reminder
from bot.localapi import LocalBotApi
from bot.scheduler.dispatcher import START_BY, Dispatcher
from bot.services.reminders import Outgoing, Result
from bot.ui.screens import Screen
from tests.conftest import FakeClock
from tests.e2e.conftest import errors_logged
from tests.e2e.dispatch_helpers import TIP_LEAD, seed_due_tips, tips_received, with_settings


def dispatcher_with(
    app: BotApplication, knowledge: Knowledge, clock: FakeClock, **changes: object
) -> Dispatcher:
    """A second dispatcher on the app's database, with some settings changed."""
    settings = with_settings(app.bot_data.settings, **changes)
    return Dispatcher(settings, knowledge, app.bot_data.sessionmaker, clock)


async def reminders_by_user(app: BotApplication) -> dict[int, Reminder]:
    async with app.bot_data.sessionmaker() as session:
        return {r.user_id: r for r in await session.scalars(select(Reminder))}


def once(runners: list[int]) -> Counter[int]:
    return Counter(dict.fromkeys(runners, 1))


async def test_sends_are_evenly_spaced_without_a_first_second_burst(
    app: BotApplication, api: LocalBotApi, clock: FakeClock, knowledge: Knowledge
) -> None:
    runners = await seed_due_tips(app.bot_data.db_engine, 6, clock.current, api)
    report = await dispatcher_with(app, knowledge, clock, dispatch_send_rate=50).tick(app.bot)
    assert report.sent == 6
    times = [call.at for call in api.calls_to("sendMessage")]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) > 0.8 / 50, f"one every 20 ms, not a burst: {gaps}"
    assert tips_received(api, runners) == once(runners)


async def test_a_strict_flood_limit_never_answers_429(
    app: BotApplication, api: LocalBotApi, clock: FakeClock, knowledge: Knowledge
) -> None:
    # A bucket of 40 would send 40 at once and 40 more within the first second: 80 against
    # a limit of 42. Evenly spaced, any one second holds at most 41.
    api.faults.limit_rate("sendMessage", 42)
    runners = await seed_due_tips(app.bot_data.db_engine, 50, clock.current, api)
    report = await dispatcher_with(app, knowledge, clock, dispatch_send_rate=40).tick(app.bot)
    assert (report.sent, report.flood_waits) == (50, 0)
    assert tips_received(api, runners) == once(runners)


async def test_a_rate_below_one_sends_one_then_waits_its_turn(
    app: BotApplication,
    api: LocalBotApi,
    clock: FakeClock,
    knowledge: Knowledge,
    caplog: pytest.LogCaptureFixture,
) -> None:
    runners = await seed_due_tips(app.bot_data.db_engine, 2, clock.current, api)
    dispatcher = dispatcher_with(
        app, knowledge, clock, dispatch_send_rate=0.5, dispatch_batch_size=10
    )
    started = time.monotonic()
    ticking = asyncio.create_task(dispatcher.tick(app.bot))
    async with asyncio.timeout(5):
        await api.wait_until(lambda: api.calls_to("sendMessage"))
    assert time.monotonic() - started < 1, "the first goes at once"
    await asyncio.sleep(0.3)
    assert len(api.calls_to("sendMessage")) == 1, "the second waits its 2 s"
    assert errors_logged(caplog) == []
    ticking.cancel()  # not worth two seconds of the suite: the lease brings it back
    with pytest.raises(asyncio.CancelledError):
        await ticking
    assert sum(tips_received(api, runners).values()) == 1


async def test_an_exception_in_one_send_still_settles_the_others(
    app: BotApplication,
    api: LocalBotApi,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runners = await seed_due_tips(app.bot_data.db_engine, 3, clock.current, api)
    dispatcher = app.bot_data.dispatcher
    send = dispatcher._send

    async def broken_for_one(bot: object, outgoing: Outgoing, message: Screen) -> Result:
        if outgoing.user_id == runners[1]:
            raise RuntimeError("a bug in one send")
        return await send(bot, outgoing, message)  # type: ignore[arg-type]

    monkeypatch.setattr(dispatcher, "_send", broken_for_one)
    report = await dispatcher.tick(app.bot)
    assert (report.sent, report.failed) == (2, 1)
    rows = await reminders_by_user(app)
    tomorrow = clock.current + timedelta(days=1)
    for sent in (runners[0], runners[2]):
        assert (rows[sent].due_at, rows[sent].claimed_until) == (tomorrow, None), "settled"
    failed = rows[runners[1]]
    assert (failed.attempts, failed.claimed_until) == (1, None)
    assert failed.due_at == clock.current + timedelta(minutes=1), "retried with backoff"
    [error] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert error.exc_info is not None
    assert "a bug in one send" in str(error.exc_info[1])


async def test_flood_control_pauses_every_send_then_the_tick_goes_on(
    app: BotApplication, api: LocalBotApi, clock: FakeClock
) -> None:
    runners = await seed_due_tips(app.bot_data.db_engine, 3, clock.current, api)
    api.faults.fail_next("sendMessage", status=429, retry_after=5)
    report = await app.bot_data.dispatcher.tick(app.bot)
    assert (report.sent, report.flood_waits, report.released) == (3, 1, 0)
    assert clock.slept == [5], "waited once, on the dispatcher's clock"
    assert tips_received(api, runners) == once(runners), "the one that got 429 came after"
    calls = api.calls_to("sendMessage")
    assert [call.status for call in calls] == [429, 200, 200, 200]


async def test_sends_stop_before_the_lease_runs_out_and_hand_the_rest_back(
    app: BotApplication,
    api: LocalBotApi,
    clock: FakeClock,
    knowledge: Knowledge,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    runners = await seed_due_tips(app.bot_data.db_engine, 3, clock.current, api)
    dispatcher = dispatcher_with(app, knowledge, clock, dispatch_send_rate=2)
    answer = api.faults.hold_next("sendMessage")  # delivered, its answer slow to come back
    ticking = asyncio.create_task(dispatcher.tick(app.bot))
    async with asyncio.timeout(5):
        await api.wait_until(lambda: api.calls_to("sendMessage"))
    # The next send's turn is half a second away; by then the batch's time is up.
    clock.advance(seconds=settings.dispatch_lease_seconds * START_BY + 1)
    answer.set()
    report = await ticking
    assert (report.sent, report.released) == (1, 2)
    rows = await reminders_by_user(app)
    for handed_back in runners[1:]:
        row = rows[handed_back]
        assert (row.due_at, row.claimed_until, row.attempts) == (clock.current, None, 0)
    assert sum("handed back 2" in m for m in caplog.messages) == 1
    assert (await app.bot_data.dispatcher.tick(app.bot)).sent == 2, "due again at once"
    assert tips_received(api, runners) == once(runners)


async def test_a_stopping_dispatcher_finishes_the_send_in_flight_and_hands_back_the_rest(
    app: BotApplication, api: LocalBotApi, clock: FakeClock, knowledge: Knowledge
) -> None:
    runners = await seed_due_tips(app.bot_data.db_engine, 5, clock.current, api)
    dispatcher = dispatcher_with(app, knowledge, clock, dispatch_send_rate=2)
    answer = api.faults.hold_next("sendMessage")
    ticking = asyncio.create_task(dispatcher.tick(app.bot))
    async with asyncio.timeout(5):
        await api.wait_until(lambda: api.calls_to("sendMessage"))
    dispatcher.stop()  # what SIGTERM does, while the first send waits for its answer
    answer.set()
    report = await ticking
    assert (report.sent, report.released) == (1, 4)
    rows = await reminders_by_user(app)
    assert [rows[n].claimed_until for n in runners[1:]] == [None] * 4, "unclaimed at once"
    assert (await dispatcher.tick(app.bot)).sent == 0, "a stopped dispatcher sends no more"
    assert (await app.bot_data.dispatcher.tick(app.bot)).sent == 4, "another one sends them"
    assert tips_received(api, runners) == once(runners)


async def test_reminders_too_late_are_counted_and_logged_once_per_tick(
    app: BotApplication, api: LocalBotApi, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    # The runs started a minute ago: their tips are of no use any more.
    due = clock.current - TIP_LEAD - timedelta(minutes=1)
    runners = await seed_due_tips(app.bot_data.db_engine, 3, due, api)
    report = await app.bot_data.dispatcher.tick(app.bot)
    assert (report.sent, report.skipped_late) == (0, 3)
    [line] = [r for r in caplog.records if "too late" in r.getMessage()]
    assert line.levelno == logging.WARNING
    assert line.getMessage().startswith("skipped 3 reminder(s)")
    assert sum(tips_received(api, runners).values()) == 0
    rows = await reminders_by_user(app)
    assert {row.due_at for row in rows.values()} == {due + timedelta(days=1)}, "the next run"


async def test_tips_go_early_only_when_the_queue_needs_it(
    app: BotApplication, api: LocalBotApi, clock: FakeClock, knowledge: Knowledge
) -> None:
    # At one send every 100 s, the one tip queued takes 100 s to send: it may go out up to
    # 100 s before its usual time (the window allows 30 minutes), not earlier.
    runners = await seed_due_tips(
        app.bot_data.db_engine, 1, clock.current + timedelta(seconds=150), api
    )
    slow = dispatcher_with(app, knowledge, clock, dispatch_send_rate=0.01, dispatch_batch_size=1)
    assert (await slow.tick(app.bot)).sent == 0, "150 s ahead: not yet"
    assert (await app.bot_data.dispatcher.tick(app.bot)).sent == 0, "at 25/s: at its time"
    clock.advance(seconds=60)
    assert (await slow.tick(app.bot)).sent == 1, "90 s ahead: sent early"
    assert tips_received(api, runners) == once(runners)
    none_early = dispatcher_with(app, knowledge, clock, dispatch_tip_early_minutes=0)
    assert (await none_early.tick(app.bot)).sent == 0
