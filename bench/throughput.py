"""Throughput of the full bot against a minimal PTB echo bot, on the same local Bot API.

    python -m bench.throughput [--runners 200] [--rounds 2] [--repeats 3]

The local Bot API runs in a separate process (its own core) and plays busy runners; the bot
under test runs here, so this process's CPU time is the bot's. Each figure is the median of
`--repeats` runs; the ratio compares the full bot's updates/s with the echo bot's, measured
in the same invocation on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.loadgen import TOKEN, run_load_process
from bot.app import build_app
from bot.config import Settings
from bot.db.engine import make_engine
from bot.db.migrate import upgrade_to_head
from bot.localapi.server import base_urls

TARGET_UPDATES_PER_SECOND = 300.0
TARGET_RATIO = 0.45

BotFactory = Callable[[str, str], Awaitable[Application[Any, Any, Any, Any, Any, Any]]]


@dataclass(frozen=True)
class Measurement:
    """One run: how many updates were answered, in how long, for how much CPU."""

    updates: int
    seconds: float
    cpu_seconds: float

    @property
    def per_second(self) -> float:
        """Return updates answered per wall-clock second."""
        return self.updates / self.seconds

    @property
    def cpu_ms_per_update(self) -> float:
        """Return the bot process's CPU milliseconds per update."""
        return 1000 * self.cpu_seconds / self.updates


async def echo_bot(base_url: str, base_file_url: str) -> Application[Any, Any, Any, Any, Any, Any]:
    """Return a minimal PTB bot that echoes every text: the framework's own cost."""

    async def echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    app = ApplicationBuilder().token(TOKEN).base_url(base_url).base_file_url(base_file_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


def full_bot_factory(database: Path) -> BotFactory:
    """Return a factory for the real bot on a fresh, migrated SQLite file in WAL mode."""

    async def full_bot(base_url: str, base_file_url: str) -> Application[Any, Any, Any, Any, Any, Any]:
        database.unlink(missing_ok=True)
        engine = make_engine(f"sqlite+aiosqlite:///{database}")
        await upgrade_to_head(engine)
        await engine.dispose()
        settings = Settings(
            telegram_bot_token=TOKEN,
            telegram_api_base_url=base_url,
            telegram_api_base_file_url=base_file_url,
            database_url=f"sqlite:///{database}",
            _env_file=None,  # type: ignore[call-arg]
        )
        return build_app(settings)

    return full_bot


async def measure(factory: BotFactory, runners: int, rounds: int, echo_only: bool) -> Measurement:
    """Run one load against one bot and return what it achieved."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    load = context.Process(target=run_load_process, args=(child, runners, rounds, echo_only))
    load.start()
    loop = asyncio.get_running_loop()
    try:
        kind, port = await loop.run_in_executor(None, parent.recv)
        assert kind == "ready"
        app = await factory(*base_urls("127.0.0.1", port))
        async with app:
            if app.post_init is not None:
                await app.post_init(app)
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=5)
            await app.start()
            cpu_before, wall_before = time.process_time(), time.perf_counter()
            parent.send("go")
            _, sent, answered, problem_count, problems = await loop.run_in_executor(
                None, parent.recv
            )
            wall, cpu = time.perf_counter() - wall_before, time.process_time() - cpu_before
            await app.updater.stop()
            await app.stop()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
        parent.send("stop")
    finally:
        load.join(timeout=10)
        if load.is_alive():
            load.kill()
    if problem_count:
        raise SystemExit(f"the bot made {problem_count} invalid Bot API calls, e.g. {problems}")
    if answered < sent:
        raise SystemExit(f"only {answered} of {sent} updates were answered")
    return Measurement(sent, wall, cpu)


def median(runs: list[Measurement]) -> Measurement:
    """Return the run with the median rate."""
    return sorted(runs, key=lambda m: m.per_second)[len(runs) // 2]


async def main(runners: int, rounds: int, repeats: int) -> int:
    """Measure both bots, print the table, return 0 if the targets were reached."""
    with tempfile.TemporaryDirectory() as folder:
        full_factory = full_bot_factory(Path(folder) / "bench.db")
        echo_runs, full_runs = [], []
        for _ in range(repeats):  # interleaved, so drifting machine load hits both alike
            echo_runs.append(await measure(echo_bot, runners, rounds * 12, echo_only=True))
            full_runs.append(await measure(full_factory, runners, rounds, echo_only=False))
    echo, full = median(echo_runs), median(full_runs)
    ratio = full.per_second / echo.per_second
    print(f"\nThroughput, median of {repeats} runs; {runners} runners; local Bot API in its own process")
    print(f"{'':34}{'updates':>9}{'seconds':>9}{'updates/s':>11}{'CPU-ms/update':>15}")
    for name, m in (("echo bot (PTB baseline)", echo), ("full bot (SQLite WAL, 1 tx/update)", full)):
        print(f"{name:34}{m.updates:>9}{m.seconds:>9.2f}{m.per_second:>11.1f}{m.cpu_ms_per_update:>15.2f}")
    print(f"ratio full/echo updates/s: {ratio:.2f}   (CPU per update: {full.cpu_ms_per_update / echo.cpu_ms_per_update:.2f}x)")
    reached = full.per_second >= TARGET_UPDATES_PER_SECOND and ratio >= TARGET_RATIO
    print(
        f"targets: ≥ {TARGET_UPDATES_PER_SECOND:.0f} updates/s and ratio ≥ {TARGET_RATIO}: "
        f"{'reached' if reached else 'NOT reached'}"
    )
    return 0


def cli() -> None:
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__)
    parser.add_argument("--runners", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.runners, args.rounds, args.repeats)))


if __name__ == "__main__":
    cli()
