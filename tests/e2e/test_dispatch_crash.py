"""A dispatcher killed mid-batch (SIGKILL): after its lease, only its in-flight sends come again.

The dispatcher runs in a process of its own (`dispatch_child`) against the test database (a
SQLite file, or PostgreSQL) and the local Bot API served over HTTP, whose answers come back
0.1 s late (each message is delivered first). It claims 40 due tips and sends 20 a second;
after 15 have arrived it is killed. Its results were settled as they came in, so what is still
claimed is what had no answer yet (in flight) and what it had not sent. Once the lease has run
out on the fake clock, another dispatcher sends those: the in-flight ones arrive twice,
nothing else does, nothing is lost.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections import Counter

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import PROJECT_ROOT, Settings
from bot.content.loader import Knowledge
from bot.db.engine import make_database_engine, make_sessionmaker
from bot.db.models import Reminder
from bot.localapi import LocalBotApi, LocalRequest
from bot.localapi.server import base_urls, serve
from bot.scheduler.dispatcher import Dispatcher
from tests.conftest import TEST_TOKEN, FakeClock
from tests.e2e.dispatch_helpers import reminder_bot, seed_due_tips, tips_received

CLAIMED = 40
KILLED_AFTER = 15


async def test_a_dispatcher_killed_mid_batch_resends_only_what_was_in_flight(
    settings: Settings, knowledge: Knowledge, clock: FakeClock
) -> None:
    api = LocalBotApi(token=TEST_TOKEN)
    api.faults.set_latency("sendMessage", 0.1)
    engine = make_database_engine(settings)
    runners = await seed_due_tips(engine, CLAIMED, clock.current, api)
    bound: asyncio.Future[tuple[str, int]] = asyncio.get_running_loop().create_future()
    server = asyncio.create_task(
        serve(api, port=0, on_ready=lambda host, port: bound.set_result((host, port)))
    )
    try:
        base_url, _ = base_urls(*await asyncio.wait_for(bound, 10))
        child_name = f"killed_{uuid.uuid4().hex[:8]}"
        is_postgres = settings.database_url.startswith("postgresql")
        child_url = (
            f"{settings.database_url}&application_name={child_name}"
            if is_postgres
            else settings.database_url
        )
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.e2e.dispatch_child",
            child_url,
            base_url,
            clock.current.isoformat(),
            str(CLAIMED),
            "20",
            cwd=PROJECT_ROOT,
            stdout=asyncio.subprocess.PIPE,
        )
        async with asyncio.timeout(30):
            await api.wait_until(lambda: len(api.calls_to("sendMessage")) >= KILLED_AFTER)
        os.kill(child.pid, signal.SIGKILL)
        assert await child.wait() == -signal.SIGKILL
        if is_postgres:  # a COMMIT the child sent may still land: wait until its sessions end
            async with asyncio.timeout(30):
                await _sessions_ended(engine, child_name)
        output = (await child.stdout.read()).decode() if child.stdout else ""
        assert "done" not in output, "killed mid-batch"

        delivered = {n for n, count in tips_received(api, runners).items() if count}
        async with engine.connect() as connection:
            claimed = set(
                await connection.scalars(
                    select(Reminder.user_id).where(Reminder.claimed_until.is_not(None))
                )
            )
        in_flight = delivered & claimed
        settled = delivered - claimed
        assert len(delivered) >= KILLED_AFTER
        assert len(settled) >= KILLED_AFTER // 2, "settled as the answers came in"
        assert claimed >= set(runners) - delivered, "the unsent stay claimed until the lease ends"

        sessionmaker = make_sessionmaker(engine)
        dispatcher = Dispatcher(settings, knowledge, sessionmaker, clock)
        bot = await reminder_bot(TEST_TOKEN, clock, LocalRequest(api))
        try:
            api.faults.set_latency("sendMessage", 0)
            assert (await dispatcher.tick(bot)).sent == 0, "still leased to the dead process"
            clock.advance(seconds=settings.dispatch_lease_seconds)
            report = await dispatcher.tick(bot)
        finally:
            await bot.shutdown()
        assert report.sent == len(claimed)
        received = tips_received(api, runners)
        assert set(received.values()) <= {1, 2}, "nothing lost, nothing thrice"
        twice = {n for n, count in received.items() if count == 2}
        assert twice == in_flight, "only the in-flight ones came twice"
        assert len(twice) < len(delivered)
        assert Counter(received.values())[1] == CLAIMED - len(twice)
    finally:
        server.cancel()
        await asyncio.gather(server, return_exceptions=True)
        await engine.dispose()


async def _sessions_ended(engine: AsyncEngine, application_name: str) -> None:
    """Return once PostgreSQL has no session left for `application_name`."""
    query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
    while True:
        async with engine.connect() as connection:
            if not await connection.scalar(query, {"name": application_name}):
                return
        await asyncio.sleep(0.05)
