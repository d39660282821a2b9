"""Retention end to end: the dispatcher's tick deletes what is older than RETENTION_DAYS.

Runs on SQLite and PostgreSQL. Old data is made the way a runner makes it (an unfinished
check and /ran check-ins), then the clock moves on past RETENTION_DAYS.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.app import BotApplication
from bot.db.models import Checkin, TriageSession
from bot.metrics import REGISTRY
from bot.services import retention
from tests.conftest import FakeClock
from tests.e2e.conftest import Runner, errors_logged, rows
from tests.e2e.test_dispatcher import t_en, tick


@pytest.fixture(autouse=True)
def no_errors_logged(caplog: pytest.LogCaptureFixture):
    yield
    assert errors_logged(caplog) == []


def deleted(table: str) -> float:
    value = REGISTRY.get_sample_value("numbfeet_retention_deleted_total", {"table": table})
    return value or 0.0


async def test_the_tick_deletes_data_older_than_retention_days_and_logs_it(
    runner: Runner,
    app: BotApplication,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    days = app.bot_data.settings.retention_days
    assert days == 730
    await runner.send("/ran")
    await runner.press("No")
    await runner.send("/triage")  # left unfinished
    assert len(await rows(app, TriageSession)) == 1
    before = deleted("checkins"), deleted("triage_sessions")

    clock.advance(days=days - 1)
    await runner.send("/ran")  # a recent check-in, which stays
    await tick(app)
    assert len(await rows(app, Checkin)) == 2, "nothing is old enough yet"

    clock.advance(days=1, seconds=1)
    await tick(app)
    [kept] = await rows(app, Checkin)
    assert kept["run_at"] == clock.current - timedelta(days=1, seconds=1)
    assert await rows(app, TriageSession) == []
    assert deleted("checkins") - before[0] == 1
    assert deleted("triage_sessions") - before[1] == 1
    assert any(
        r.levelno == logging.INFO
        and r.getMessage().startswith(f"deleted data older than {days} days: 1 check-in(s)")
        for r in caplog.records
    )


async def test_a_backlog_goes_over_several_ticks_then_it_looks_once_an_hour(
    runner: Runner,
    app: BotApplication,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(retention, "BATCH_SIZE", 2)
    monkeypatch.setattr(retention, "BATCHES_PER_TICK", 2)
    start = clock.current
    for _ in range(9):
        await runner.send("/ran")
        await runner.press("No")
        clock.advance(hours=1)
    clock.current = start + timedelta(days=731)
    left = []
    for _ in range(3):
        await tick(app)
        left.append(len(await rows(app, Checkin)))
    assert left == [5, 1, 0], "two batches of two a tick, going on at the next tick"

    now = clock.current
    clock.current = start  # one more check-in of long ago
    await runner.send("/ran")
    clock.current = now + retention.EVERY - timedelta(seconds=1)
    await tick(app)
    assert len(await rows(app, Checkin)) == 1, "nothing was left: the next look is an hour on"
    clock.advance(seconds=1)
    await tick(app)
    assert await rows(app, Checkin) == []


async def test_privacy_says_how_long_data_is_kept(runner: Runner, app: BotApplication) -> None:
    await runner.send("/privacy")
    assert "deleted automatically 730 days after" in runner.last.text
    assert t_en("privacy.no_notes") in runner.last.text
