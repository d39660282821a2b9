"""/history's speed, and what its charts cost other runners (`make bench` runs it on both).

    python -m bench.history [--database sqlite|postgres]

The real bot (build_app) answers through the project's local Bot API in this process, on a
fresh SQLite file or a PostgreSQL database of its own (`bench.reminders.database`). Every
runner has two years of weekly check-ins (104) in one shoe, re-laced a year ago.

1. /history for one runner, 20 times after a warm-up (the picture worker started): the time
   to the list, and to the chart's photo (the whole reply).
2. Button presses of 5 other runners (a /history page button: a read and an edit), one after
   another: their latency alone, then while 20 runners' charts are being drawn; three turns
   each, alternating, since other work on a shared machine comes and goes.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from telegram import Update

from bench.reminders import database
from bot.app import BotApplication, build_app
from bot.config import Settings
from bot.db.models import Checkin
from bot.db.uow import unit_of_work
from bot.localapi import LocalBotApi, LocalRequest
from bot.services import gear

TOKEN = "123456:BENCH-token"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
CHARTS = 20
PRESSERS = 5
FIRST_RUNNER = 8_000_000_001
ROUNDS = 3
"""Turns of presses alone, then presses during 20 charts: the machine's load drifts."""
ALONE_SECONDS = 5.0


class FixedClock:
    """The bench's clock: now is always `NOW`."""

    def now(self) -> datetime:
        """Return `NOW`."""
        return NOW


async def seed(app: BotApplication, user_id: int) -> None:
    """Give a runner a shoe (set up two years ago, re-laced a year ago) and 104 weekly runs."""
    rules = app.bot_data.knowledge.gear
    start = NOW - timedelta(weeks=105)
    async with unit_of_work(app.bot_data.sessionmaker) as repos:
        await repos.users.seen(user_id, "en", start)
        await gear.ask_for_name(repos, rules, user_id, "en", None, start)
        pending = await repos.pending.get(user_id)
        assert pending is not None
        named = await gear.receive_name(repos, rules, user_id, pending, "Pegasus 40", start)
        assert isinstance(named, gear.Named)
        shoe = named.next.shoe.id
        await gear.choose(repos, rules, user_id, shoe, "lacing", "criss_cross", True, start)
        await gear.choose(
            repos, rules, user_id, shoe, "lacing", "window", False, NOW - timedelta(weeks=52)
        )
    runs = [start + timedelta(weeks=week, days=1) for week in range(104)]
    async with app.bot_data.db_engine.begin() as connection:
        await connection.execute(
            insert(Checkin),
            [
                {
                    "user_id": user_id,
                    "run_at": run_at,
                    "status": "answered",
                    "answers": [["numb", "yes"], ["where", "toes"], ["after", "minutes"]],
                    "numb": n % 3 == 0,
                    "shoe_id": shoe,
                    "created_at": run_at,
                    "answered_at": run_at + timedelta(hours=1),
                }
                for n, run_at in enumerate(runs)
            ],
        )


async def feed(app: BotApplication, update: dict[str, object]) -> None:
    """Hand one update to the bot, as the updater would."""
    await app.process_update(Update.de_json(update, app.bot))


async def one_history(app: BotApplication, api: LocalBotApi, user_id: int) -> tuple[float, float]:
    """Send /history; return the seconds to the list and to the chart."""
    sent_before = len(api.bot_messages(user_id))
    started = time.perf_counter()
    task = asyncio.create_task(feed(app, api.send_text(user_id, "/history")))
    while len(api.bot_messages(user_id)) == sent_before:  # noqa: ASYNC110 (no event to await)
        await asyncio.sleep(0.001)
    listed = time.perf_counter() - started
    await task
    return listed, time.perf_counter() - started


async def presses(
    app: BotApplication, api: LocalBotApi, stop: asyncio.Event
) -> list[tuple[float, float]]:
    """Press other runners' page buttons in turn until `stop`; return (start, latency) each."""
    latencies: list[tuple[float, float]] = []
    runner = 0
    while not stop.is_set():
        user_id = FIRST_RUNNER + 1 + runner % PRESSERS
        listing = next(m for m in api.bot_messages(user_id) if api.buttons(m))
        page = len(latencies) % 5 + 1
        update = api.press(user_id, listing.message_id, f"h1:{page}", check_button=False)
        started = time.perf_counter()
        await feed(app, update)
        latencies.append((started, time.perf_counter() - started))
        runner += 1
    return latencies


def summary(
    presses: list[tuple[float, float]], baseline: list[tuple[float, float]] | None = None
) -> str:
    """Return median, 95th percentile and maximum in milliseconds, with ratios to `baseline`."""
    median, p95, slowest = _figures(presses)
    text = (
        f"median {median:.1f} ms, p95 {p95:.1f} ms, max {slowest:.1f} ms ({len(presses)} presses)"
    )
    if baseline is not None:
        base_median, base_p95, _ = _figures(baseline)
        text += f"; x alone: median {median / base_median:.2f}, p95 {p95 / base_p95:.2f}"
    return text


def _figures(presses: list[tuple[float, float]]) -> tuple[float, float, float]:
    ordered = sorted(latency * 1000 for _, latency in presses)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))], ordered[-1]


async def bench(kind: str) -> None:
    """Seed a new database, then run both measurements and print them."""
    async with database(kind) as (_, database_url):
        await measure(database_url)


async def measure(database_url: str) -> None:
    """Seed, then run both measurements and print them."""
    settings = Settings(
        telegram_bot_token=TOKEN,
        database_url=database_url,
        _env_file=None,  # type: ignore[call-arg]
    )
    api = LocalBotApi(token=TOKEN)
    app = build_app(settings, request=LocalRequest(api), clock=FixedClock())
    await app.initialize()
    try:
        first = FIRST_RUNNER
        everyone = range(first, first + 1 + PRESSERS + CHARTS)
        for user_id in everyone:
            api.user(user_id, first_name="Runner", language_code="en")
            await seed(app, user_id)
        await one_history(app, api, first)  # starts the picture worker
        timings = [await one_history(app, api, first) for _ in range(20)]
        lists, charts = [t[0] for t in timings], [t[1] for t in timings]
        print(f"/history with 104 weekly check-ins ({database_url.split(':')[0]}):")
        print(f"  list sent after {statistics.median(lists) * 1000:.1f} ms (median of 20)")
        print(f"  chart sent after {statistics.median(charts) * 1000:.1f} ms (median of 20),")
        print(f"  fastest {min(charts) * 1000:.1f} ms, slowest {max(charts) * 1000:.1f} ms")
        for user_id in range(first + 1, first + 1 + PRESSERS):
            await feed(app, api.send_text(user_id, "/history"))

        chart_runners = range(first + 1 + PRESSERS, first + 1 + PRESSERS + CHARTS)
        alone: list[tuple[float, float]] = []
        during: list[tuple[float, float]] = []
        drawing_only: list[tuple[float, float]] = []
        for round_number in range(1, ROUNDS + 1):
            stop = asyncio.Event()
            pressing = asyncio.create_task(presses(app, api, stop))
            await asyncio.sleep(ALONE_SECONDS)
            stop.set()
            alone += await pressing

            stop = asyncio.Event()
            started = time.perf_counter()
            drawing = asyncio.gather(*(one_history(app, api, u) for u in chart_runners))
            pressing = asyncio.create_task(presses(app, api, stop))
            drawn = await drawing
            stop.set()
            pressed = await pressing
            lists_sent = started + max(d[0] for d in drawn)
            during += pressed
            drawing_only += [p for p in pressed if p[0] >= lists_sent]
            finished = time.perf_counter() - started
            print(
                f"round {round_number}: {CHARTS} runners' /history at once, lists within"
                f" {lists_sent - started:.2f} s, charts within {finished:.2f} s"
            )
        print(f"other runners' button presses alone:             {summary(alone)}")
        print(f"  during the 20 /history (lists and charts):     {summary(during, alone)}")
        print(f"  while only the charts were being drawn:        {summary(drawing_only, alone)}")
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


def cli() -> None:
    """Parse the arguments and run the bench."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    asyncio.run(bench(parser.parse_args().database))


if __name__ == "__main__":
    cli()
