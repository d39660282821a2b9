"""The webhook, /healthz and /metrics on the real Application and the local Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot import metrics
from bot.app import BotApplication
from bot.config import Settings
from bot.content.loader import Knowledge
from bot.localapi import LocalBotApi
from bot.web import SECRET_HEADER, create_web_app
from tests.conftest import FakeClock
from tests.e2e.conftest import Runner, start_app, stop_app
from tests.e2e.test_dispatcher import WED_TIP
from tests.e2e.test_runs import add_weekly_run

SECRET = "right-secret_123"
RIGHT = {SECRET_HEADER: SECRET}
USER = 7_000_000_001


def webhook_settings(settings: Settings) -> Settings:
    """The test settings in webhook mode."""
    return settings.model_copy(
        update={
            "bot_mode": "webhook",
            "webhook_url": "https://bot.example.org/telegram",
            "webhook_secret_token": SecretStr(SECRET),
        }
    )


@pytest.fixture
async def running(
    settings: Settings, knowledge: Knowledge, api: LocalBotApi, clock: FakeClock
) -> AsyncIterator[BotApplication]:
    """The bot in webhook mode, started (processing its update queue)."""
    app = await start_app(webhook_settings(settings), knowledge, api, clock)
    await app.start()
    yield app
    await app.stop()
    await stop_app(app)
    assert api.problems() == []


@pytest.fixture
async def client(running: BotApplication) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(create_web_app(running, webhook=True))) as test_client:
        yield test_client


async def test_only_the_right_secret_gets_an_update_processed(
    client: TestClient, api: LocalBotApi
) -> None:
    api.user(USER)
    ignored = api.send_text(1, "/start")
    assert (await client.post("/telegram", json=ignored)).status == 403
    wrong = {SECRET_HEADER: "wrong-secret"}
    assert (await client.post("/telegram", json=ignored, headers=wrong)).status == 403
    taken = api.send_text(USER, "/start")
    assert (await client.post("/telegram", json=taken, headers=RIGHT)).status == 200
    async with asyncio.timeout(10):
        await api.wait_until(lambda: api.bot_messages(USER))
    assert "Numb Feet" in api.last_bot_message(USER).text
    assert api.bot_messages(1) == [], "the updates without the secret were never processed"


@pytest.mark.parametrize(
    "body", [b"not json", b"[1, 2]", b'{"message": "nonsense"}', b'{"update_id": "x", "x": 1}']
)
async def test_a_body_that_is_not_an_update_is_400(
    client: TestClient, running: BotApplication, body: bytes
) -> None:
    response = await client.post("/telegram", data=body, headers=RIGHT)
    assert response.status == 400
    assert running.update_queue.empty()


async def test_the_secret_is_checked_before_the_body(client: TestClient) -> None:
    assert (await client.post("/telegram", data=b"not json")).status == 403


async def test_metrics_count_what_the_handlers_did(client: TestClient, api: LocalBotApi) -> None:
    handled = 'numbfeet_updates_handled_total{handler="command:/start"}'
    before = metrics.REGISTRY.get_sample_value(
        "numbfeet_updates_handled_total", {"handler": "command:/start"}
    )
    for user in (USER, USER + 1):
        update = api.send_text(user, "/start")
        assert (await client.post("/telegram", json=update, headers=RIGHT)).status == 200
    async with asyncio.timeout(10):
        await api.wait_until(lambda: api.bot_messages(USER) and api.bot_messages(USER + 1))
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = await response.text()
    [line] = [line for line in text.splitlines() if line.startswith(handled)]
    assert float(line.split()[-1]) == (before or 0) + 2
    assert 'numbfeet_update_seconds_count{handler="command:/start"}' in text
    assert "numbfeet_reminders_due 0.0" in text
    for name in ("replies_failed", "flood_control", "reminders"):
        assert f"# TYPE numbfeet_{name}_total counter" in text


async def test_healthz_in_webhook_mode_checks_the_database(client: TestClient) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"database": "ok", "status": "ok"}


async def test_healthz_reports_the_dispatcher_where_it_runs(
    settings: Settings, knowledge: Knowledge, api: LocalBotApi, clock: FakeClock
) -> None:
    app = await start_app(settings, knowledge, api, clock)
    try:
        async with TestClient(TestServer(create_web_app(app, webhook=False))) as test_client:
            assert (await test_client.post("/", json={})).status == 404, "no webhook"
            response = await test_client.get("/healthz")
            report = await response.json()
    finally:
        await stop_app(app)
    assert response.status == 200
    assert report["status"] == "ok"
    assert report["dispatcher_last_tick_seconds_ago"] >= 0


async def test_healthz_is_503_when_the_database_is_unreachable(
    settings: Settings, knowledge: Knowledge, api: LocalBotApi, clock: FakeClock
) -> None:
    # Nothing listens on port 1. (A SQLite file in a missing folder fails too, but aiosqlite's
    # thread may then outlive the test's event loop and warn from that thread.)
    unreachable = webhook_settings(settings).model_copy(
        update={"database_url": "postgresql://nobody@127.0.0.1:1/nothing"}
    )
    app = await start_app(unreachable, knowledge, api, clock)
    try:
        async with TestClient(TestServer(create_web_app(app, webhook=True))) as test_client:
            health = await test_client.get("/healthz")
            report = await health.json()
            scraped = await test_client.get("/metrics")
    finally:
        await stop_app(app)
    assert health.status == 503
    assert report["status"] == "unhealthy"
    assert report["database"].startswith("unreachable")
    assert scraped.status == 200, "the metrics are served without the backlog"


async def test_reminder_outcomes_and_429s_are_counted(
    runner: Runner, app: BotApplication, api: LocalBotApi, clock: FakeClock
) -> None:
    def sample(name: str, **labels: str) -> float:
        return metrics.REGISTRY.get_sample_value(name, labels) or 0.0

    await add_weekly_run(runner)
    floods = sample("numbfeet_flood_control_total")
    sent = sample("numbfeet_reminders_total", outcome="sent")
    api.faults.fail_next("sendMessage", status=429, retry_after=120)
    clock.current = WED_TIP
    report = await app.bot_data.dispatcher.tick(app.bot)
    assert report.flood_waits == 1, "the 429 was waited out within the tick"
    assert sample("numbfeet_flood_control_total") == floods + 1
    assert sample("numbfeet_reminders_total", outcome="sent") == sent + 1
    assert metrics.last_tick() is not None
