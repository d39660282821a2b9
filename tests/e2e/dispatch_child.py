"""One dispatcher tick in a process of its own, for the test that kills it mid-batch.

    python -m tests.e2e.dispatch_child DATABASE_URL BOT_API_BASE_URL ISO_TIME BATCH RATE

The clock stands still at ISO_TIME (the test moves its own clock to make the lease run out);
the Bot API is the test's local one, served over HTTP.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime

from bot.config import PROJECT_ROOT, Settings
from bot.content.loader import load_knowledge
from bot.db.engine import make_database_engine, make_sessionmaker
from bot.scheduler.dispatcher import Dispatcher
from bot.transport import AiohttpRequest
from tests.conftest import TEST_TOKEN, FakeClock
from tests.e2e.dispatch_helpers import reminder_bot


async def main(database: str, base_url: str, now: str, batch: int, rate: float) -> None:
    """Tick once, then say so on stdout."""
    clock = FakeClock(datetime.fromisoformat(now))
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TEST_TOKEN,
        database_url=database,
        dispatch_batch_size=batch,
        dispatch_send_rate=rate,
    )
    engine = make_database_engine(settings)
    knowledge = load_knowledge(PROJECT_ROOT / "knowledge")
    dispatcher = Dispatcher(settings, knowledge, make_sessionmaker(engine), clock)
    bot = await reminder_bot(TEST_TOKEN, clock, AiohttpRequest(), base_url=base_url)
    print("ticking", flush=True)
    report = await dispatcher.tick(bot)
    print(f"done {report}", flush=True)
    await bot.shutdown()
    await engine.dispose()


if __name__ == "__main__":
    database_url, url, time, size, per_second = sys.argv[1:6]
    asyncio.run(main(database_url, url, time, int(size), float(per_second)))
