"""Throughput of the full bot against a minimal PTB echo bot, on the same local Bot API.

    python -m bench.throughput [--runners 200] [--rounds 2] [--repeats 5]

The local Bot API runs in a separate process (its own core) and plays busy runners; the bot
under test runs here, so this process's CPU time is the bot's. Each figure is the median of
`--repeats` runs, the bots taking turns. The ratio compares the full bot's updates/s with the
echo bot's run just before it, pair by pair, and prints the median of those pairs: pairing
keeps the ratio meaningful while the machine's speed drifts during the call.
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

import psutil
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.loadgen import TOKEN, run_load_process
from bot import runtime
from bot.app import build_app
from bot.config import Settings
from bot.db.engine import make_engine
from bot.db.migrate import upgrade_to_head
from bot.localapi.server import base_urls
from bot.transport import AiohttpRequest

TARGET_RATIO = 0.45
TUNED_SWITCH_INTERVAL_MS = 0.5
"""The GIL switch interval the bot's runtime runs with here (`GIL_SWITCH_INTERVAL_MS`)."""

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
BotFactory = Callable[[str, str], Awaitable[AnyApplication]]


@dataclass(frozen=True)
class Measurement:
    """One run: how many updates were answered, in how long, for how much CPU."""

    updates: int
    seconds: float
    cpu_seconds: float
    server_cpu_seconds: float

    @property
    def per_second(self) -> float:
        """Return updates answered per wall-clock second."""
        return self.updates / self.seconds

    @property
    def cpu_ms_per_update(self) -> float:
        """Return the bot process's CPU milliseconds per update."""
        return 1000 * self.cpu_seconds / self.updates


async def _echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    assert message is not None
    assert message.text is not None
    await message.reply_text(message.text)


async def echo_bot(base_url: str, base_file_url: str) -> AnyApplication:
    """Return a minimal PTB bot with every default that echoes each text: the baseline."""
    app = ApplicationBuilder().token(TOKEN).base_url(base_url).base_file_url(base_file_url).build()
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    return app


async def echo_bot_same_stack(base_url: str, base_file_url: str) -> AnyApplication:
    """Return the echo bot on the full bot's transport, run on its runtime (`bot.runtime`)."""
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    return app


def full_bot_factory(database: Path) -> BotFactory:
    """Return a factory for the real bot on a fresh, migrated SQLite file in WAL mode."""

    async def full_bot(base_url: str, base_file_url: str) -> AnyApplication:
        database.unlink(missing_ok=True)  # noqa: ASYNC240 (set-up, outside the measurement)
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
            server = psutil.Process(load.pid)
            server_before = sum(server.cpu_times()[:2])
            cpu_before, wall_before = time.process_time(), time.perf_counter()
            parent.send("go")
            _, sent, answered, problem_count, problems = await loop.run_in_executor(
                None, parent.recv
            )
            wall, cpu = time.perf_counter() - wall_before, time.process_time() - cpu_before
            server_cpu = sum(server.cpu_times()[:2]) - server_before
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
    return Measurement(sent, wall, cpu, server_cpu)


def median(runs: list[Measurement]) -> Measurement:
    """Return the run with the median rate."""
    return sorted(runs, key=lambda m: m.per_second)[len(runs) // 2]


def run(
    factory: BotFactory,
    runners: int,
    rounds: int,
    *,
    echo_only: bool,
    bot_runtime: bool,
    on_sqlite: bool = False,
) -> Measurement:
    """Run one measurement in a fresh event loop: the bot's (as `python -m bot`) or Python's.

    The bot's runtime runs with both process-wide tunings of `bot.runtime` on (a
    `GIL_SWITCH_INTERVAL_MS` of 0.5, and `SQLITE_SAME_CPU` for a bot on SQLite), as a
    deployment that wants the most from one SQLite process would; both are undone
    afterwards, so the baseline runs with every Python default. The load process frees
    itself from that CPU.
    """
    loop_factory = runtime.new_event_loop if bot_runtime else None
    with (
        runtime.tuned(
            switch_interval_ms=TUNED_SWITCH_INTERVAL_MS if bot_runtime else None,
            same_cpu=bot_runtime and on_sqlite,
        ),
        asyncio.Runner(loop_factory=loop_factory) as runner,
    ):
        return runner.run(measure(factory, runners, rounds, echo_only))


def main(runners: int, rounds: int, repeats: int) -> None:
    """Measure the bots, interleaved so drifting machine load hits them alike; print a table."""
    echo_messages = rounds * 12  # about as many updates per runner as a full-bot round trip
    runs: dict[str, list[Measurement]] = {name: [] for name in ROWS}
    with tempfile.TemporaryDirectory() as folder:
        full = full_bot_factory(Path(folder) / "bench.db")
        for _ in range(repeats):
            runs["echo"].append(
                run(echo_bot, runners, echo_messages, echo_only=True, bot_runtime=False)
            )
            runs["full"].append(
                run(full, runners, rounds, echo_only=False, bot_runtime=True, on_sqlite=True)
            )
            runs["echo_same_stack"].append(
                run(echo_bot_same_stack, runners, echo_messages, echo_only=True, bot_runtime=True)
            )
    result = {name: median(measured) for name, measured in runs.items()}
    pairs = sorted(
        bot_run.per_second / echo_run.per_second
        for bot_run, echo_run in zip(runs["full"], runs["echo"], strict=True)
    )
    print(f"\nThroughput: median of {repeats} runs, {runners} runners; the local Bot API")
    print("runs in its own process and answers like Telegram; every update is answered.")
    print(f"{'':44}{'updates':>8}{'seconds':>9}{'updates/s':>11}{'CPU-ms/update':>15}")
    for name, label in ROWS.items():
        m = result[name]
        print(
            f"{label:44}{m.updates:>8}{m.seconds:>9.2f}{m.per_second:>11.1f}"
            f"{m.cpu_ms_per_update:>15.2f}"
        )
    same, full_bot = result["echo_same_stack"], result["full"]
    ratio = statistics.median(pairs)
    print(f"ratio full bot / PTB echo baseline (updates/s): {ratio:.2f}")
    each = ", ".join(f"{pair:.2f}" for pair in pairs)
    print(f"  each full-bot run / the echo run before it, lowest first: {each}")
    same_ratio = full_bot.per_second / same.per_second
    print(f"ratio full bot / echo on the same stack:        {same_ratio:.2f}")
    reached = ratio >= TARGET_RATIO
    print(f"target: ratio >= {TARGET_RATIO}: {'reached' if reached else 'NOT reached'}")


ROWS = {
    "echo": "echo bot, PTB defaults (baseline)",
    "echo_same_stack": "echo bot, the full bot's transport + runtime",
    "full": "full bot, SQLite WAL, 1 transaction/update",
}


def cli() -> None:
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__)
    parser.add_argument("--runners", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    main(args.runners, args.rounds, args.repeats)


if __name__ == "__main__":
    cli()
