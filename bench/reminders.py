"""Reminders at a million runners: start-up, memory, claims, an empty tick, a burst, /delete_me.

    python -m bench.reminders [--runners 1000000] [--burst 20000] [--quick]
                              [--databases sqlite postgres] [--repeats 3]

For each database it seeds `--runners` runners once (a user, a settings row, a weekly run plan,
its tip and its check-in reminder, and an answered check-in for one runner in ten), measures
everything against that one database, then removes it (a temporary SQLite file; on
PostgreSQL a fresh `bench_<random>` database at 127.0.0.1:5432, dropped even on failure):

- start-up and memory: `python -m bot` in `BOT_MODE=dispatcher`, against the local Bot API
  served here, started `--repeats` times on the empty (migrated) database and as many times on
  the seeded one; started is its `/healthz` answering 200; RSS is read after start and after
  its first (empty) tick; the figures are the medians;
- a burst: `--burst` runners' tips due in the same minute, sent by that dispatcher process with
  default settings while the local Bot API answers 429 past 30 sendMessage calls in any one
  second; messages/s, 429s, reminders lost, duplicates and those skipped as too late;
- in this process, on the seeded database: `Dispatcher.claim` of `--claim` due tips and of as
  many due check-ins (which also opens each check-in row and renders its first question), one
  empty `Dispatcher.tick` (nothing due), and /delete_me of a runner with 100 check-ins
  (`bot.services.users.delete_everything` in one unit of work, as the handler does);
- the anchor: a raw indexed claim of `--claim` rows, one `UPDATE … WHERE id IN (SELECT id …
  ORDER BY due_at, id LIMIT n [FOR UPDATE SKIP LOCKED])` through SQLAlchemy Core with the same
  driver.

Every figure is printed with its ratio to a baseline from the same run, because this shared
machine's speed drifts: the raw claim for claims, the tick and the delete; the 0-runner figure
for start-up and RSS; the configured send rate for the burst.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import psutil
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import ExtBot

from bot.config import PROJECT_ROOT, Settings
from bot.content.loader import Knowledge, load_knowledge
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import upgrade_to_head
from bot.db.models import Checkin, Reminder, RunnerSettings, RunPlan, User
from bot.db.uow import unit_of_work
from bot.localapi import LocalBotApi, LocalRequest, serve
from bot.scheduler.dispatcher import Dispatcher
from bot.services import users

POSTGRES_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
TOKEN = "123456:BENCH-token"
FLOOD_LIMIT = 30
"""sendMessage calls per sliding second the local Bot API accepts before it answers 429."""
DEFAULT_SEND_RATE = Settings.model_fields["dispatch_send_rate"].default
START_MINUTE = 8 * 60
"""Every seeded run starts at 08:00 UTC, one day a week."""
CHUNK = 20_000
DELETED_CHECKINS = 100
QUICK = {"runners": 100_000, "burst": 2_000}
FULL = {"runners": 1_000_000, "burst": 20_000}

_users = User.__table__
_settings = RunnerSettings.__table__
_plans = RunPlan.__table__
_reminders = Reminder.__table__
_checkins = Checkin.__table__


class _Clock:
    """A clock that stands still at the bench's `now` (nothing is sent in-process)."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)


@dataclass
class Figures:
    """What one database measured (seconds, bytes and counts)."""

    database: str
    runners: int
    seeding: float = 0.0
    startup: dict[str, list[float]] = field(default_factory=dict)
    """Start-up seconds of each start, with 0 and with `runners` runners."""
    rss: dict[str, list[int]] = field(default_factory=dict)
    """RSS bytes of each start: '<runners> started' and '<runners> ticked'."""
    claims: dict[str, list[float]] = field(default_factory=dict)
    burst: dict[str, float] = field(default_factory=dict)


# --- seeding -----------------------------------------------------------------------------------


def _run_day(now: datetime, runner: int) -> datetime:
    """The seeded run of `runner`: 08:00 UTC on one of the seven days after tomorrow."""
    day = now.replace(hour=8, minute=0, second=0, microsecond=0)
    return day + timedelta(days=2 + runner % 7)


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def seed(engine: AsyncEngine, runners: int, now: datetime) -> None:
    """Fill the tables for runners 1…`runners` (plan id = runner id), in one transaction.

    SQLite takes multi-row INSERTs through SQLAlchemy Core, PostgreSQL `COPY`.
    """
    stamps = {"created_at": now, "updated_at": now}
    ids = range(1, runners + 1)
    last_week = now - timedelta(days=7)
    tables: list[tuple[Any, Callable[[], Iterator[dict[str, Any]]]]] = [
        (
            _users,
            lambda: ({"id": n, "language_code": "en", "is_active": True, **stamps} for n in ids),
        ),
        (_settings, lambda: ({"user_id": n, "updated_at": now} for n in ids)),
        (
            _plans,
            lambda: (
                {
                    "id": n,
                    "user_id": n,
                    "status": "active",
                    "weekdays": 1 << _run_day(now, n).weekday(),
                    "start_minute": START_MINUTE,
                    "duration_minutes": 60,
                    "tip_on": True,
                    "checkin_on": True,
                    **stamps,
                }
                for n in ids
            ),
        ),
        (
            _reminders,
            lambda: (
                {
                    "user_id": n,
                    "plan_id": n,
                    "kind": kind,
                    "state": "pending",
                    "attempts": 0,
                    "run_at": _run_day(now, n),
                    "due_at": _run_day(now, n) + shift,
                }
                for n in ids
                for kind, shift in (
                    ("tip", timedelta(minutes=-30)),
                    ("checkin", timedelta(hours=1)),
                )
            ),
        ),
        (
            _checkins,
            lambda: (
                {
                    "user_id": n,
                    "plan_id": n,
                    "run_at": last_week,
                    "status": "answered",
                    "answers": [["numb", "no"]],
                    "numb": False,
                    "red_flag": False,
                    "created_at": last_week,
                    "answered_at": last_week,
                }
                for n in range(1, runners + 1, 10)
            ),
        ),
    ]
    if engine.dialect.name == "postgresql":
        await _copy(engine, tables)
        return
    async with engine.begin() as connection:
        for table, rows in tables:
            for chunk in _chunks(rows()):
                await connection.execute(insert(table), chunk)


async def _copy(
    engine: AsyncEngine, tables: list[tuple[Any, Callable[[], Iterator[dict[str, Any]]]]]
) -> None:
    """PostgreSQL: load the rows with COPY, in one transaction, then ANALYZE.

    COPY through asyncpg loads a million runners several times faster than multi-row INSERTs;
    JSON values go as text, as asyncpg's binary COPY takes them.
    """
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        async with driver.transaction():
            for table, rows in tables:
                for chunk in _chunks(rows()):
                    columns = list(chunk[0])
                    records = [
                        tuple(json.dumps(v) if isinstance(v, list) else v for v in row.values())
                        for row in chunk
                    ]
                    await driver.copy_records_to_table(
                        table.name, columns=columns, records=records
                    )
        await connection.execute(text("ANALYZE"))
        await connection.commit()


# --- in-process claims, the empty tick, /delete_me ---------------------------------------------


async def make_due(engine: AsyncEngine, kind: str, first: int, count: int, now: datetime) -> None:
    """Make the `kind` reminders of runners first…first+count-1 due at `now`."""
    # A tip's run starts in 10 minutes; a check-in's run ended half an hour ago.
    run_at = now + timedelta(minutes=10) if kind == "tip" else now - timedelta(minutes=90)
    async with engine.begin() as connection:
        await connection.execute(
            update(_reminders)
            .where(
                _reminders.c.kind == kind,
                _reminders.c.user_id >= first,
                _reminders.c.user_id < first + count,
            )
            .values(run_at=run_at, due_at=now - timedelta(seconds=1), claimed_until=None)
        )


async def raw_claim(engine: AsyncEngine, count: int, now: datetime) -> int:
    """Claim `count` due rows with one indexed UPDATE; return how many it claimed."""
    lease = now + timedelta(minutes=5)
    due = (
        select(_reminders.c.id)
        .where(_reminders.c.state == "pending", _reminders.c.due_at <= now)
        .order_by(_reminders.c.due_at, _reminders.c.id)
        .limit(count)
    )
    if engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    async with engine.begin() as connection:
        result = await connection.execute(
            update(_reminders)
            .where(_reminders.c.id.in_(due.scalar_subquery()))
            .values(due_at=lease, claimed_until=lease)
        )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def _timed(action: Callable[[], Awaitable[int]], expected: int) -> float:
    started = time.perf_counter()
    got = await action()
    seconds = time.perf_counter() - started
    if got != expected:
        raise RuntimeError(f"handled {got} rows, expected {expected}")
    return seconds


def _dispatch_settings(**fields: Any) -> Settings:
    return Settings(_env_file=None, telegram_bot_token=TOKEN, **fields)  # type: ignore[call-arg]


async def measure_claims(
    engine: AsyncEngine,
    knowledge: Knowledge,
    runners: int,
    claim: int,
    repeats: int,
    now: datetime,
) -> dict[str, list[float]]:
    """Time the raw claim, a tip claim, a check-in claim, an empty tick and /delete_me."""
    sessionmaker = make_sessionmaker(engine)
    clock = _Clock(now)
    claiming = Dispatcher(
        _dispatch_settings(dispatch_batch_size=claim), knowledge, sessionmaker, clock
    )
    ticking = Dispatcher(_dispatch_settings(), knowledge, sessionmaker, clock)
    bot: ExtBot[Any] = ExtBot(TOKEN, request=LocalRequest(LocalBotApi(token=TOKEN)))

    async def claimed() -> int:
        return len((await claiming.claim()).messages)

    async def empty_tick() -> int:
        report = await ticking.tick(bot)
        return report.sent + report.failed + report.released

    figures: dict[str, list[float]] = {"raw": [], "tips": [], "checkins": [], "tick": []}
    first = 1
    for _ in range(repeats):
        figures["tick"].append(await _timed(empty_tick, 0))
        for name, kind in (("raw", "tip"), ("tips", "tip"), ("checkins", "checkin")):
            await make_due(engine, kind, first, claim, now)
            first += claim
            action = (lambda: raw_claim(engine, claim, now)) if name == "raw" else claimed
            figures[name].append(await _timed(action, claim))
    figures["delete"] = [await delete_runner(engine, runners + 1 + n, now) for n in range(repeats)]
    return figures


async def delete_runner(engine: AsyncEngine, user_id: int, now: datetime) -> float:
    """Give a new runner a plan, its reminders and 100 check-ins; time /delete_me's deletion."""
    stamps = {"created_at": now, "updated_at": now}
    async with engine.begin() as connection:
        await connection.execute(insert(_users), [{"id": user_id, "is_active": True, **stamps}])
        await connection.execute(
            insert(_plans),
            [{"id": user_id, "user_id": user_id, "status": "active", "weekdays": 1, **stamps}],
        )
        await connection.execute(
            insert(_reminders),
            [
                {
                    "user_id": user_id,
                    "plan_id": user_id,
                    "kind": kind,
                    "run_at": now,
                    "due_at": now,
                }
                for kind in ("tip", "checkin")
            ],
        )
        await connection.execute(
            insert(_checkins),
            [
                {
                    "user_id": user_id,
                    "plan_id": user_id,
                    "run_at": now - timedelta(days=n),
                    "status": "answered",
                    "answers": [],
                    "created_at": now,
                }
                for n in range(1, DELETED_CHECKINS + 1)
            ],
        )
    sessionmaker = make_sessionmaker(engine)
    started = time.perf_counter()
    async with unit_of_work(sessionmaker) as repos:
        deleted = await users.delete_everything(repos, user_id)
    seconds = time.perf_counter() - started
    if not deleted:
        raise RuntimeError(f"runner {user_id} was not deleted")
    return seconds


# --- the dispatcher process --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class DispatcherProcess:
    """A running `python -m bot` in dispatcher mode, and what its start cost."""

    process: asyncio.subprocess.Process
    metrics_url: str
    startup: float
    rss_started: int
    rss_ticked: int = 0

    async def metric(self, session: aiohttp.ClientSession, name: str) -> float:
        """Return the value of one sample on /metrics (0 when absent)."""
        async with session.get(f"{self.metrics_url}/metrics") as response:
            body = await response.text()
        for line in body.splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                return float(line.rsplit(" ", 1)[1])
        return 0.0


@asynccontextmanager
async def dispatcher_process(
    database_url: str, api_url: str, log: Path, extra_env: dict[str, str]
) -> AsyncIterator[DispatcherProcess]:
    """Start the bot in dispatcher mode; yield it once started and after its first tick."""
    port = _free_port()
    env = {
        **os.environ,
        "BOT_MODE": "dispatcher",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": f"{api_url}/bot",
        "TELEGRAM_API_BASE_FILE_URL": f"{api_url}/file/bot",
        "DATABASE_URL": database_url,
        "METRICS_PORT": str(port),
        "LOG_LEVEL": "WARNING",
        **extra_env,
    }
    metrics_url = f"http://127.0.0.1:{port}"
    with log.open("ab") as output:
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", env=env, cwd=log.parent, stdout=output, stderr=output
        )
    try:
        async with aiohttp.ClientSession() as session:
            await _poll(process, log, lambda: _healthy(session, metrics_url))
            running = DispatcherProcess(
                process,
                metrics_url,
                time.perf_counter() - started,
                psutil.Process(process.pid).memory_info().rss,
            )
            tick = "numbfeet_dispatcher_last_tick_timestamp_seconds"

            async def ticked() -> bool:
                return await running.metric(session, tick) > 0

            await _poll(process, log, ticked)
            running.rss_ticked = psutil.Process(process.pid).memory_info().rss
        yield running
    finally:
        if process.returncode is None:
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()


async def _healthy(session: aiohttp.ClientSession, url: str) -> bool:
    try:
        async with session.get(f"{url}/healthz") as response:
            return response.status == 200
    except aiohttp.ClientError:
        return False


async def _poll(
    process: asyncio.subprocess.Process, log: Path, condition: Callable[[], Awaitable[bool]]
) -> None:
    """Wait for `condition`, checking every 10 ms; fail if the process exits first."""
    while not await condition():
        if process.returncode is not None:
            output = (await asyncio.to_thread(log.read_text, errors="replace"))[-2000:]
            raise RuntimeError(f"the dispatcher exited ({process.returncode}):\n{output}")
        await asyncio.sleep(0.01)


@asynccontextmanager
async def local_bot_api(flood_limit: int) -> AsyncIterator[tuple[LocalBotApi, str]]:
    """Serve the local Bot API over HTTP, 429 past `flood_limit` sendMessage calls a second."""
    api = LocalBotApi(token=TOKEN)
    api.faults.limit_rate("sendMessage", flood_limit)
    ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        serve(api, port=0, on_ready=lambda host, port: ready.set_result(f"http://{host}:{port}"))
    )
    try:
        yield api, await ready
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def burst(
    engine: AsyncEngine,
    api: LocalBotApi,
    running: DispatcherProcess,
    first: int,
    count: int,
    expected_rate: float,
    flood_limit: int,
) -> dict[str, float]:
    """Make `count` runners' tips due this minute; wait until all are settled; count sends."""
    for user_id in range(first, first + count):
        api.user(user_id)
    due = datetime.now(UTC).replace(second=0, microsecond=0)
    run_at = due + timedelta(minutes=30)
    in_burst = (_reminders.c.user_id >= first) & (_reminders.c.user_id < first + count)
    tips = in_burst & (_reminders.c.kind == "tip")
    async with engine.begin() as connection:
        await connection.execute(
            update(_reminders).where(tips).values(run_at=run_at, due_at=due, claimed_until=None)
        )
    # The next tick comes within an interval; then the sends take count/rate, 429 pauses aside.
    # A settled tip moves on to its next run, so the burst is over when none is left at this one.
    deadline = time.monotonic() + 120 + 2 * count / expected_rate
    waiting = select(func.count()).where(tips, _reminders.c.run_at == run_at)
    while time.monotonic() < deadline:
        async with engine.connect() as connection:
            if (await connection.execute(waiting)).scalar_one() == 0:
                break
        await asyncio.sleep(1)
    sends = [
        call
        for call in api.calls
        if call.method == "sendMessage"
        and call.params.get("chat_id") in range(first, first + count)
    ]
    delivered = [call for call in sends if call.status == 200]
    per_chat = Counter(call.params["chat_id"] for call in delivered)
    span = delivered[-1].at - delivered[0].at if len(delivered) > 1 else 0.0
    async with aiohttp.ClientSession() as session:
        skipped = await running.metric(session, 'numbfeet_reminders_total{outcome="skipped_late"}')
    return {
        "flood_limit": flood_limit,
        "sent": len(delivered),
        "per_second": (len(delivered) - 1) / span if span else 0.0,
        "flood_429": sum(call.status == 429 for call in sends),
        "lost": count - len(per_chat),
        "duplicates": sum(n - 1 for n in per_chat.values()),
        "skipped_late": skipped,
    }


# --- one database, start to end ----------------------------------------------------------------


@asynccontextmanager
async def database(kind: str) -> AsyncIterator[tuple[AsyncEngine, str]]:
    """A migrated, empty database of `kind` and the URL the bot takes; removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            engine = make_engine(f"sqlite+aiosqlite:///{path}")
            try:
                await upgrade_to_head(engine)
                yield engine, f"sqlite:///{path}"
            finally:
                await engine.dispose()
        return
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    engine = make_engine(url)
    try:
        await upgrade_to_head(engine)
        yield engine, url.replace("+asyncpg", "")
    finally:
        await engine.dispose()
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        await admin.dispose()


async def measure_database(
    kind: str,
    knowledge: Knowledge,
    *,
    runners: int,
    burst_size: int,
    claim: int = 1000,
    repeats: int = 3,
    flood_limit: int = FLOOD_LIMIT,
    dispatcher_env: dict[str, str] | None = None,
) -> Figures:
    """Seed one database once and measure everything against it; remove it afterwards."""
    if burst_size + 3 * claim * repeats > runners:
        raise SystemExit(f"--runners must be at least {burst_size + 3 * claim * repeats}")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    figures = Figures(kind, runners)
    extra_env = dispatcher_env or {}
    rate = float(extra_env.get("DISPATCH_SEND_RATE", DEFAULT_SEND_RATE))
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "dispatcher.log"
        async with database(kind) as (engine, url), local_bot_api(flood_limit) as (api, api_url):
            for _ in range(repeats):
                async with dispatcher_process(url, api_url, log, extra_env) as empty:
                    _note_start(figures, "0", empty)
            started = time.perf_counter()
            await seed(engine, runners, now)
            figures.seeding = time.perf_counter() - started
            for start in range(repeats):
                async with dispatcher_process(url, api_url, log, extra_env) as seeded:
                    _note_start(figures, str(runners), seeded)
                    if start == repeats - 1:  # the last start sends the burst
                        first = runners - burst_size + 1
                        figures.burst = await burst(
                            engine, api, seeded, first, burst_size, rate, flood_limit
                        )
            figures.claims = await measure_claims(engine, knowledge, runners, claim, repeats, now)
    return figures


def _note_start(figures: Figures, label: str, running: DispatcherProcess) -> None:
    figures.startup.setdefault(label, []).append(running.startup)
    figures.rss.setdefault(f"{label} started", []).append(running.rss_started)
    figures.rss.setdefault(f"{label} ticked", []).append(running.rss_ticked)


def report(figures: Figures, claim: int, rate: float) -> None:
    """Print one database's figures, each with its ratio to its baseline."""
    n = figures.runners
    print(f"{figures.database}: {n} runners seeded in {figures.seeding:.1f} s")
    print(f"  medians of {len(figures.startup['0'])} starts:")
    base = statistics.median(figures.startup["0"])
    for label in ("0", str(n)):
        seconds = statistics.median(figures.startup[label])
        print(f"  start-up, {label:>7} runners       {seconds:8.2f} s    ×{seconds / base:5.2f}")
    mib = 1024 * 1024
    for moment in ("started", "ticked"):
        base_rss = statistics.median(figures.rss[f"0 {moment}"])
        for label in ("0", str(n)):
            rss = statistics.median(figures.rss[f"{label} {moment}"])
            ratio = rss / base_rss
            print(f"  RSS {moment:<7}, {label:>7} runners {rss / mib:8.1f} MiB  ×{ratio:5.2f}")
    raw = statistics.median(figures.claims["raw"])
    print(f"  at {n} runners, medians of {len(figures.claims['raw'])} (ms each):")
    for name, label in (
        ("raw", f"raw indexed claim of {claim}"),
        ("tips", f"Dispatcher.claim, {claim} tips"),
        ("checkins", f"Dispatcher.claim, {claim} check-ins"),
        ("tick", "empty Dispatcher.tick"),
        ("delete", f"/delete_me, {DELETED_CHECKINS} check-ins"),
    ):
        median = statistics.median(figures.claims[name])
        each = ", ".join(f"{s * 1000:.1f}" for s in figures.claims[name])
        print(f"    {label:<32} {median * 1000:8.1f} ms  ×{median / raw:5.2f}  ({each})")
    b = figures.burst
    print(
        f"  burst of {b['sent'] + b['lost']:.0f} tips due in one minute, 429 past"
        f" {b['flood_limit']:.0f}/s:"
        f" {b['per_second']:.1f} msg/s (×{b['per_second'] / rate:.2f} of {rate:g}/s),"
        f" 429s {b['flood_429']:.0f}, lost {b['lost']:.0f}, duplicates {b['duplicates']:.0f},"
        f" skipped late {b['skipped_late']:.0f}"
    )


async def run(
    runners: int, burst_size: int, claim: int, repeats: int, databases: list[str]
) -> None:
    """Measure and print, one database after the other."""
    knowledge = load_knowledge(PROJECT_ROOT / "knowledge")
    for kind in databases:
        figures = await measure_database(
            kind, knowledge, runners=runners, burst_size=burst_size, claim=claim, repeats=repeats
        )
        report(figures, claim, DEFAULT_SEND_RATE)


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.reminders",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help=f"smaller: {QUICK}")
    parser.add_argument("--runners", type=int, help=f"default {FULL['runners']}")
    parser.add_argument("--burst", type=int, help=f"default {FULL['burst']}")
    parser.add_argument("--claim", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--databases", nargs="+", choices=("sqlite", "postgres"), default=["sqlite", "postgres"]
    )
    args = parser.parse_args()
    preset = QUICK if args.quick else FULL
    runners = args.runners or preset["runners"]
    burst_size = args.burst or preset["burst"]
    asyncio.run(run(runners, burst_size, args.claim, args.repeats, args.databases))


if __name__ == "__main__":
    main()
