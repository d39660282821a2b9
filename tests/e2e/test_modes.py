"""BOT_MODE end to end: `python -m bot` in webhook mode, the dispatcher mode, two pollers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select
from telegram.error import Conflict, NetworkError

from bot.app import build_app
from bot.config import PROJECT_ROOT, Settings
from bot.content.loader import Knowledge
from bot.db.engine import make_database_engine
from bot.db.models import Reminder
from bot.localapi import LocalBotApi, LocalRequest
from bot.modes import CONFLICT_LINE, PollingErrors, serve
from tests.conftest import TEST_TOKEN, FakeClock, require_postgres
from tests.e2e.conftest import Runner
from tests.e2e.dispatch_helpers import seed_due_tips, tips_received
from tests.e2e.test_dispatcher import WED_TIP
from tests.e2e.test_runs import add_weekly_run
from tests.playground.test_run import free_port

HARNESS_SECONDS = 30
"""How long the harness waits for a subprocess before giving up (not a timing assertion)."""


def bot_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """An environment with no inherited bot settings, a fresh SQLite file and `settings`."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
        LOG_LEVEL="WARNING",
        **settings,
    )
    return env


async def run_cli(tmp_path: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    """Start `python -m bot` in an empty folder (so no .env)."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


@pytest.mark.parametrize("mode", ["webhook", "dispatcher", "polling"])
async def test_a_mode_without_a_token_is_one_line_and_status_2(tmp_path: Path, mode: str) -> None:
    process = await run_cli(tmp_path, bot_env(tmp_path, BOT_MODE=mode))
    stdout, stderr = await asyncio.wait_for(process.communicate(), HARNESS_SECONDS)
    assert process.returncode == 2
    assert stdout == b""
    assert stderr.decode().splitlines() == [
        f"error: Invalid settings: BOT_MODE is {mode}, so TELEGRAM_BOT_TOKEN must be set"
    ]
    assert not (tmp_path / "bot.db").exists(), "stopped before touching the database"


@pytest.mark.postgres
async def test_a_database_that_refuses_the_bot_is_one_line(tmp_path: Path) -> None:
    await require_postgres()
    url = "postgresql://no_such_role@127.0.0.1:5432/test"
    env = bot_env(tmp_path, BOT_MODE="dispatcher", TELEGRAM_BOT_TOKEN=TEST_TOKEN)
    process = await run_cli(tmp_path, env | {"DATABASE_URL": url})
    _, stderr = await asyncio.wait_for(process.communicate(), HARNESS_SECONDS)
    assert process.returncode == 2
    [line] = stderr.decode().splitlines()
    assert line.startswith("error: cannot prepare the database at DATABASE_URL: ")
    assert "no_such_role" in line


async def test_webhook_mode_takes_pushed_updates_and_stops_on_sigterm(
    tmp_path: Path, served_api: tuple[LocalBotApi, str, str]
) -> None:
    api, base_url, base_file_url = served_api
    port = free_port()
    env = bot_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE_URL=base_url,
        TELEGRAM_API_BASE_FILE_URL=base_file_url,
        BOT_MODE="webhook",
        WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET_TOKEN="a-long-secret",
    )
    process = await run_cli(tmp_path, env)
    try:
        async with asyncio.timeout(HARNESS_SECONDS):
            await api.wait_until(lambda: api.calls_to("setWebhook"))
            api.user(42)
            api.send_text(42, "/start")  # pushed until the webhook server takes it
            await api.wait_until(lambda: api.bot_messages(42))
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as health:
                assert health.status == 200
                assert (await health.json())["status"] == "ok"
            async with session.get(f"http://127.0.0.1:{port}/metrics") as scraped:
                assert "numbfeet_updates_handled_total" in await scraped.text()
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), HARNESS_SECONDS)
    assert process.returncode == 0, stderr.decode()
    assert "Traceback" not in stderr.decode()
    [webhook] = api.calls_to("setWebhook")
    assert webhook.params["secret_token"] == "a-long-secret"
    assert webhook.params["allowed_updates"] == ["message", "callback_query"]
    assert api.calls_to("getUpdates") == [], "webhook mode never polls"
    assert api.problems() == []


async def test_dispatcher_mode_sends_due_reminders_and_takes_no_updates(
    settings: Settings,
    knowledge: Knowledge,
    api: LocalBotApi,
    clock: FakeClock,
    runner: Runner,
) -> None:
    await add_weekly_run(runner)
    clock.current = WED_TIP
    before = len(api.bot_messages(runner.user_id))
    port = free_port()
    dispatcher_settings = settings.model_copy(
        update={"bot_mode": "dispatcher", "metrics_port": port, "dispatch_interval_seconds": 1}
    )
    app = build_app(
        dispatcher_settings, knowledge=knowledge, request=LocalRequest(api), clock=clock
    )
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(app, dispatcher_settings, stop))
    try:
        api.send_text(runner.user_id, "/help")  # nobody takes it
        async with asyncio.timeout(HARNESS_SECONDS):
            await api.wait_until(lambda: len(api.bot_messages(runner.user_id)) > before)
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/healthz") as health,
        ):
            report = await health.json()
    finally:
        stop.set()
        await asyncio.wait_for(serving, HARNESS_SECONDS)
    assert "Your run at 07:00 is coming up" in api.last_bot_message(runner.user_id).text
    assert len(api.bot_messages(runner.user_id)) == before + 1, "/help was not answered"
    assert api.calls_to("getUpdates") == []
    assert api.calls_to("deleteWebhook") == [], "the webhook processes' webhook is left alone"
    assert health.status == 200
    assert report["dispatcher_last_tick_seconds_ago"] >= 0


async def test_stopping_hands_back_the_reminders_claimed_but_not_sent(
    settings: Settings, knowledge: Knowledge, api: LocalBotApi, clock: FakeClock
) -> None:
    dispatcher_settings = settings.model_copy(
        update={"bot_mode": "dispatcher", "metrics_enabled": False, "dispatch_send_rate": 2}
    )
    app = build_app(
        dispatcher_settings, knowledge=knowledge, request=LocalRequest(api), clock=clock
    )
    runners = await seed_due_tips(app.bot_data.db_engine, 10, clock.current, api)
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(app, dispatcher_settings, stop))
    try:
        async with asyncio.timeout(HARNESS_SECONDS):
            await api.wait_until(lambda: api.calls_to("sendMessage"))
    finally:
        stop.set()  # what SIGTERM sets
        await asyncio.wait_for(serving, HARNESS_SECONDS)
    sent = {n for n, count in tips_received(api, runners).items() if count}
    engine = make_database_engine(settings)
    try:
        async with engine.connect() as connection:
            still_claimed = await connection.scalar(
                select(func.count())
                .select_from(Reminder)
                .where(Reminder.claimed_until.is_not(None))
            )
    finally:
        await engine.dispose()
    assert 1 <= len(sent) < len(runners), "stopped mid-batch"
    assert still_claimed == 0, "nothing left leased to a process that is gone"


async def test_a_second_poller_is_one_line_without_a_traceback(
    settings: Settings,
    knowledge: Knowledge,
    api: LocalBotApi,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    polling = settings.model_copy(update={"metrics_enabled": False})
    app = build_app(polling, knowledge=knowledge, request=LocalRequest(api), clock=clock)

    async def other_poller() -> None:
        while True:
            await api.handle("getUpdates", {"timeout": 30})

    def conflicts() -> int:
        return sum(call.status == 409 for call in api.calls_to("getUpdates"))

    stop = asyncio.Event()
    serving = asyncio.create_task(serve(app, polling, stop))
    other = asyncio.create_task(other_poller())
    try:
        async with asyncio.timeout(HARNESS_SECONDS):
            await api.wait_until(lambda: conflicts() >= 4)  # so the bot got at least two
    finally:
        other.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await other
        stop.set()
        await asyncio.wait_for(serving, HARNESS_SECONDS)
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in lines] == [CONFLICT_LINE]
    assert lines[0].exc_info is None
    assert api.calls_to("deleteWebhook"), "polling drops any webhook first"
    assert "BOT_MODE=webhook" in CONFLICT_LINE


def test_the_conflict_line_repeats_at_most_once_a_minute(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [1000.0]
    errors = PollingErrors(monotonic=lambda: now[0])
    conflict = Conflict("terminated by other getUpdates request")
    for _ in range(3):
        errors(conflict)
        now[0] += 20
    errors(conflict)  # 60 s after the first
    errors(NetworkError("connection reset"))
    assert [r.getMessage() for r in caplog.records] == [
        CONFLICT_LINE,
        CONFLICT_LINE,
        "polling Telegram failed, trying again: connection reset",
    ]
    assert all(r.exc_info is None for r in caplog.records)
