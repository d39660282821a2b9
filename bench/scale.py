"""Scale of the full bot in webhook mode on PostgreSQL: one process, two, and a PTB echo app.

    python -m bench.scale [--quick] [--runners 200] [--seconds 8] [--repeats 3] [--concurrency 16]

Every configuration gets a fresh PostgreSQL database (dropped afterwards) and its own load
process (`bench.webhook_load`): the local Bot API, answering every call 50 ms late, posting
the runners' updates to the webhooks with the secret header. The bot processes are
`python -m bot` in BOT_MODE=webhook, each on its own port, without the reminder dispatcher;
the first one migrates the database. The baseline is `bench.echo_webhook` in one process.

Closed loop (every runner acts again once answered) gives each configuration's top rate.
Open loop at 80% of a top rate gives the latency from an update's POST to the bot's answering
call reaching the Bot API: the two-process bot at 80% of its top rate, the one-process bot at
80% of its own, and the echo app at both rates, as the baseline. CPU is measured per process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import multiprocessing
import os
import signal
import socket
import statistics
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO

import aiohttp
import asyncpg

from bench.loadgen import TOKEN
from bench.webhook_load import LoadResult, run_webhook_load
from bot.config import PROJECT_ROOT
from bot.localapi.server import base_urls

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
LATENCY_SECONDS = 0.05
"""How late the local Bot API answers every call: Telegram's round trip, simulated."""
SECRET = "scale-bench-secret"
WEBHOOK_PATH = "/telegram"
OPEN_LOOP_SHARE = 0.8
TARGET_SCALING = 1.6
TARGET_P99_MS = 200.0
START_SECONDS = 60.0
"""How long a process may take to serve its webhook (not a measured figure)."""
STOP_SECONDS = 30.0


@dataclass(frozen=True)
class Options:
    """How big and how long each run is."""

    runners: int
    warmup: float
    seconds: float
    repeats: int
    concurrency: int


DEFAULT = Options(runners=200, warmup=2.0, seconds=8.0, repeats=3, concurrency=16)
QUICK = Options(runners=50, warmup=1.0, seconds=3.0, repeats=1, concurrency=16)


@dataclass(frozen=True)
class Configuration:
    """What serves the webhooks: the full bot or the echo app, in how many processes."""

    label: str
    echo: bool
    processes: int


ECHO = Configuration("echo app, 1 process (baseline)", echo=True, processes=1)
ONE = Configuration("full bot, 1 process", echo=False, processes=1)
TWO = Configuration("full bot, 2 processes", echo=False, processes=2)


def free_port() -> int:
    """Return a loopback port free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """Create an empty database for one configuration; yield its URL; drop it afterwards."""
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{POSTGRES_SERVER}/{name}"
        finally:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def bot_environment(
    database_url: str, api_port: int, port: int, concurrency: int
) -> dict[str, str]:
    """Return `python -m bot`'s environment: webhook mode, no dispatcher, nothing inherited."""
    base_url, base_file_url = base_urls("127.0.0.1", api_port)
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=base_url,
        TELEGRAM_API_BASE_FILE_URL=base_file_url,
        DATABASE_URL=database_url,
        BOT_MODE="webhook",
        WEBHOOK_URL=f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET_TOKEN=SECRET,
        DISPATCH_IN_PROCESS="false",
        CONCURRENT_UPDATES=str(concurrency),
        LOG_LEVEL="WARNING",
    )
    return env


class Served:
    """The processes serving the webhooks, started one after another until each answers."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self.processes: list[tuple[asyncio.subprocess.Process, IO[bytes]]] = []

    async def start(self, command: Sequence[str], env: dict[str, str], port: int) -> None:
        """Start one process and wait until its `/healthz` answers 200."""
        log = (self._folder / f"process-{len(self.processes)}.log").open("w+b")
        process = await asyncio.create_subprocess_exec(
            *command, cwd=self._folder, env=env, stdout=log, stderr=log
        )
        self.processes.append((process, log))
        url = f"http://127.0.0.1:{port}/healthz"
        async with aiohttp.ClientSession() as session, asyncio.timeout(START_SECONDS):
            while True:
                if process.returncode is not None:
                    raise SystemExit(f"{command} stopped at start:\n{self._output(log)}")
                with contextlib.suppress(aiohttp.ClientError):
                    async with session.get(url) as health:
                        if health.status == 200:
                            return
                await asyncio.sleep(0.2)

    @property
    def pids(self) -> dict[str, int]:
        """Return each process's pid, labelled bot 1, bot 2..."""
        return {f"bot {n}": p.pid for n, (p, _) in enumerate(self.processes, start=1)}

    async def stop(self) -> None:
        """SIGTERM every process; fail loudly when one does not stop cleanly."""
        failures = []
        for process, log in self.processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), STOP_SECONDS)
            except TimeoutError:
                process.kill()
                await process.wait()
            output = self._output(log)
            log.close()
            if process.returncode != 0 or "Traceback" in output:
                failures.append(f"exit status {process.returncode}:\n{output}")
        if failures:
            raise SystemExit("a webhook process did not stop cleanly: " + "\n".join(failures))

    @staticmethod
    def _output(log: IO[bytes]) -> str:
        log.seek(0)
        return log.read().decode(errors="replace")[-4000:]


class Running:
    """A started configuration: its webhook processes and its load process, ready to measure."""

    def __init__(
        self, options: Options, parent: Connection, served: Served, database: str
    ) -> None:
        self._options = options
        self._parent = parent
        self._served = served
        self._database = database

    async def closed_loop(self) -> LoadResult:
        """Run every runner in a closed loop; return the measured window."""
        options = self._options
        watched = self._served.pids
        return await self._ask("closed", options.warmup, options.seconds, watched, self._database)

    async def open_loop(self, rate: float) -> LoadResult:
        """Issue `rate` actions a second; return the measured window."""
        options = self._options
        watched = self._served.pids
        return await self._ask(
            "open", rate, options.warmup, options.seconds, watched, self._database
        )

    async def _ask(self, *command: object) -> LoadResult:
        self._parent.send(command)
        loop = asyncio.get_running_loop()
        result: LoadResult = await loop.run_in_executor(None, self._parent.recv)
        return result


@asynccontextmanager
async def started(configuration: Configuration, options: Options) -> AsyncIterator[Running]:
    """Start the load process and the configuration's webhook processes; stop them after."""
    ports = [free_port() for _ in range(configuration.processes)]
    webhooks = [f"http://127.0.0.1:{port}{WEBHOOK_PATH}" for port in ports]
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    load = context.Process(
        target=run_webhook_load,
        args=(child, options.runners, webhooks, SECRET, configuration.echo, LATENCY_SECONDS),
    )
    load.start()
    try:
        async with _database_for(configuration) as database_url:
            loop = asyncio.get_running_loop()
            _, api_port = await loop.run_in_executor(None, parent.recv)
            with tempfile.TemporaryDirectory() as folder:
                served = Served(Path(folder))
                try:
                    for port in ports:
                        await served.start(
                            *_command(configuration, database_url, api_port, port, options)
                        )
                    yield Running(options, parent, served, database_url.rpartition("/")[2])
                finally:
                    await served.stop()
        parent.send(("stop",))
    finally:
        load.join(timeout=STOP_SECONDS)
        if load.is_alive():
            load.kill()


def _database_for(configuration: Configuration) -> contextlib.AbstractAsyncContextManager[str]:
    if configuration.echo:
        return contextlib.nullcontext("")
    return fresh_database()


def _command(
    configuration: Configuration, database_url: str, api_port: int, port: int, options: Options
) -> tuple[list[str], dict[str, str], int]:
    if not configuration.echo:
        env = bot_environment(database_url, api_port, port, options.concurrency)
        return [sys.executable, "-m", "bot"], env, port
    base_url, _ = base_urls("127.0.0.1", api_port)
    command = [sys.executable, "-m", "bench.echo_webhook", "--base-url", base_url]
    command += ["--port", str(port), "--secret", SECRET, "--concurrency", str(options.concurrency)]
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    return command, {**env, "PYTHONPATH": str(PROJECT_ROOT)}, port


def check(label: str, result: LoadResult) -> None:
    """Refuse a run that lost or refused updates or made invalid Bot API calls."""
    if result.lost or result.refused or result.problems:
        raise SystemExit(
            f"{label}: {result.lost} of {result.posted} updates unanswered, "
            f"{result.refused} refused by the webhook, Bot API problems: {result.problems}"
        )


def median(runs: list[LoadResult]) -> LoadResult:
    """Return the run with the median rate."""
    return sorted(runs, key=lambda run: run.per_second)[len(runs) // 2]


@dataclass(frozen=True)
class Results:
    """Every closed-loop run in the order measured, and the open-loop runs by offered rate."""

    closed: dict[Configuration, list[LoadResult]]
    open: dict[Configuration, dict[float, LoadResult]]

    def all(self) -> list[tuple[Configuration, LoadResult]]:
        """Return every run with its configuration."""
        runs = [(c, run) for c, measured in self.closed.items() for run in measured]
        return runs + [(c, run) for c, by_rate in self.open.items() for run in by_rate.values()]


def _ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}" if baseline and not math.isnan(baseline) else "n/a"


def report(options: Options, results: Results) -> None:
    """Print the throughput table, the scaling ratio and the latency table."""
    top = {c: median(runs) for c, runs in results.closed.items()}
    repeats = len(results.closed[ECHO])
    print(f"\nScale: webhook processes on PostgreSQL, {options.runners} runners, every Bot API")
    print(f"call answered {1000 * LATENCY_SECONDS:.0f} ms late, {options.seconds:.0f} s windows,")
    print(f"closed loop: median of {repeats} runs, the configurations taking turns. CPU in % of")
    print("one core in that run (2 cores); 'other' is work on the machine that is not this bench.")
    header = f"{'':34}{'updates/s':>10}{'x echo':>8}{'bots':>7}{'load':>7}{'PG':>6}{'other':>7}"
    print(header)
    for configuration in (ECHO, ONE, TWO):
        closed = top[configuration]
        bots = sum(closed.cpu_percent(label) for label in closed.cpu_seconds if " " in label)
        load, postgres = closed.cpu_percent("load"), closed.cpu_percent("postgres")
        other = closed.cpu_percent("machine") - bots - load - postgres
        print(
            f"{configuration.label:34}{closed.per_second:>10.1f}"
            f"{_ratio(closed.per_second, top[ECHO].per_second):>8}{bots:>7.0f}"
            f"{load:>7.0f}{postgres:>6.0f}{other:>7.0f}"
        )
    pairs = sorted(
        two.per_second / one.per_second
        for two, one in zip(results.closed[TWO], results.closed[ONE], strict=True)
    )
    scaling = statistics.median(pairs)
    reached = "reached" if scaling >= TARGET_SCALING else "NOT reached"
    print(f"ratio 2 processes / 1 process: {scaling:.2f} (target >= {TARGET_SCALING}: {reached})")
    each = ", ".join(f"{pair:.2f}" for pair in pairs)
    print(f"  each 2-process run / the 1-process run just before it, lowest first: {each}")
    print("\nLatency, POST of the update to the answering call at the Bot API, open loop at")
    print(f"{OPEN_LOOP_SHARE:.0%} of a top rate; the baseline is the echo app at the same rate.")
    print(f"{'':34}{'rate/s':>8}{'p50 ms':>8}{'x echo':>8}{'p99 ms':>8}{'x echo':>8}{'other':>7}")
    echo = results.open[ECHO]
    for configuration in (TWO, ONE):
        for rate, result in results.open[configuration].items():
            _latency_row(configuration.label, rate, result, echo[rate])
            _latency_row("  echo app at the same rate", rate, echo[rate], echo[rate])
    p99 = next(iter(results.open[TWO].values())).percentile_ms(99)
    reached = "reached" if p99 <= TARGET_P99_MS else "NOT reached"
    print(f"target: p99 <= {TARGET_P99_MS:.0f} ms for 2 processes: {reached}")
    runs = [run for _, run in results.all()]
    skipped = sum(run.skipped for run in runs)
    extra = sum(run.extra_answers for run in runs)
    print(f"every update answered; {skipped} open-loop ticks found no idle runner;")
    print(f"{extra} answering calls came after their update's first answer")
    updates = sum(run.posted for run in runs)
    print(f"({updates} updates posted in all, 0 lost, 0 refused, no invalid Bot API call)")


def _latency_row(label: str, rate: float, result: LoadResult, baseline: LoadResult) -> None:
    p50, p99 = result.percentile_ms(50), result.percentile_ms(99)
    other = result.cpu_percent("machine") - sum(
        result.cpu_percent(name) for name in result.cpu_seconds if name != "machine"
    )
    print(
        f"{label:34}{rate:>8.0f}{p50:>8.1f}{_ratio(p50, baseline.percentile_ms(50)):>8}"
        f"{p99:>8.1f}{_ratio(p99, baseline.percentile_ms(99)):>8}{other:>7.0f}"
    )


async def run(options: Options) -> Results:
    """Start every configuration, take turns at the closed loop, then the open-loop rates."""
    closed: dict[Configuration, list[LoadResult]] = {c: [] for c in (ECHO, ONE, TWO)}
    opened: dict[Configuration, dict[float, LoadResult]] = {c: {} for c in (ECHO, ONE, TWO)}
    async with (
        started(ECHO, options) as echo,
        started(ONE, options) as one,
        started(TWO, options) as two,
    ):
        running = {ECHO: echo, ONE: one, TWO: two}
        for _ in range(options.repeats):
            for configuration in (ECHO, ONE, TWO):
                closed[configuration].append(await running[configuration].closed_loop())
        for configuration in (TWO, ONE):
            rate = round(OPEN_LOOP_SHARE * median(closed[configuration]).per_second)
            opened[configuration][rate] = await running[configuration].open_loop(rate)
            opened[ECHO][rate] = await echo.open_loop(rate)
    results = Results(closed, opened)
    for configuration, result in results.all():
        check(configuration.label, result)
    return results


def cli() -> None:
    """Parse the command line, run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short, smaller run")
    parser.add_argument("--runners", type=int)
    parser.add_argument("--seconds", type=float, help="each measured window")
    parser.add_argument("--repeats", type=int, help="closed-loop runs of each configuration")
    parser.add_argument("--concurrency", type=int, help="CONCURRENT_UPDATES of each process")
    args = parser.parse_args()
    base = QUICK if args.quick else DEFAULT
    options = Options(
        runners=args.runners or base.runners,
        warmup=base.warmup,
        seconds=args.seconds or base.seconds,
        repeats=args.repeats or base.repeats,
        concurrency=args.concurrency or base.concurrency,
    )
    report(options, asyncio.run(run(options)))


if __name__ == "__main__":
    cli()
