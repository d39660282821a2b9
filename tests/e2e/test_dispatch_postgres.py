"""Two dispatchers, two processes' worth of engines, one PostgreSQL database: each reminder once.

Each dispatcher has its own engine and sessionmaker on the same schema, as two bot processes
would, and both tick as fast as they can over the same due reminders. The local Bot API is
slow (every answer comes back late, after the message is delivered) and strict (more than it
allows in a second gets 429). Time runs five times faster than real time on a clock both
share, so a 30 s lease lasts 6 real seconds, and a batch of 1,000 at 250 a second (4 real
seconds, 20 on the clock, when the machine keeps up) comes close to the point where a batch
must stop starting sends: on this 2-core machine, where the two bots, their fake Bot API and
PostgreSQL share the cores, many batches hand their tail back, and the other dispatcher
claims it. Every reminder must arrive exactly once, and nothing may crash.

10,000 reminders take 45-50 s here. `DISPATCH_TEST_REMINDERS=2000` makes it a 15 s run.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from bot.config import Settings
from bot.content.loader import Knowledge
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import upgrade_to_head
from bot.db.models import Reminder
from bot.localapi import LocalBotApi, LocalRequest
from bot.scheduler.dispatcher import Dispatcher, TickReport
from tests.conftest import POSTGRES_URL, TEST_TOKEN, postgres_database
from tests.e2e.dispatch_helpers import ScaledClock, reminder_bot, seed_due_tips, tips_received

REMINDERS = int(os.environ.get("DISPATCH_TEST_REMINDERS", "10000"))
START = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
SPEED = 5.0


@pytest.mark.postgres
async def test_two_dispatchers_send_each_reminder_exactly_once(
    knowledge: Knowledge, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    start = START
    async with postgres_database() as engine:
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            schema = await connection.scalar(text("SELECT current_schema()"))
        other = make_engine(
            POSTGRES_URL, connect_args={"server_settings": {"search_path": str(schema)}}
        )
        try:
            api = LocalBotApi(token=TEST_TOKEN)
            api.faults.set_latency("sendMessage", 0.02)
            api.faults.limit_rate("sendMessage", 400)
            runners = await seed_due_tips(engine, REMINDERS, start, api)
            clock = ScaledClock(start, SPEED)
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                telegram_bot_token=TEST_TOKEN,
                dispatch_batch_size=1000,
                dispatch_send_rate=250,
                dispatch_lease_seconds=30,
            )
            reports: list[list[TickReport]] = [[], []]

            async def keep_ticking(number: int, dispatcher: Dispatcher) -> None:
                bot = await reminder_bot(TEST_TOKEN, clock, LocalRequest(api))
                try:
                    while sum(tips_received(api, runners).values()) < len(runners):
                        reports[number].append(await dispatcher.tick(bot))
                        await asyncio.sleep(0.01)
                    reports[number].append(await dispatcher.tick(bot))  # nothing left
                finally:
                    await bot.shutdown()

            async with asyncio.timeout(60 + REMINDERS / 50):
                await asyncio.gather(
                    *(
                        keep_ticking(
                            n, Dispatcher(settings, knowledge, make_sessionmaker(e), clock)
                        )
                        for n, e in enumerate((engine, other))
                    )
                )
            received = tips_received(api, runners)
            assert received == Counter(dict.fromkeys(runners, 1)), {
                n: c for n, c in received.items() if c != 1
            }
            total = [sum((r for r in mine), TickReport()) for mine in reports]
            assert sum(t.sent for t in total) == len(runners)
            assert all(t.sent > 0 for t in total), f"both took part: {total}"
            assert [r.sent for r in (reports[0][-1], reports[1][-1])] == [0, 0]
            assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
            async with engine.connect() as connection:
                rows = (
                    await connection.execute(select(Reminder.due_at, Reminder.claimed_until))
                ).all()
            assert {tuple(row) for row in rows} == {(start + timedelta(days=1), None)}
        finally:
            await other.dispose()
