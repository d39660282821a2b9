"""Claiming due reminders at scale: tips and check-ins, each against a raw indexed claim.

    python -m bench.reminders [--runners 100000] [--claim 1000] [--repeats 3]
                              [--databases sqlite postgres]

Seeds `--runners` runners, each with a settings row, a daily run plan, its tip and check-in
reminders (due in a week) and one answered check-in from last week, so the tables have the
size of a real deployment. Then, `--repeats` times, it makes `--claim` rows due and times:

- the raw claim: one `UPDATE … WHERE id IN (SELECT id … ORDER BY due_at, id LIMIT n
  [FOR UPDATE SKIP LOCKED])` through SQLAlchemy Core with the same driver, the floor any claim
  pays for walking the index and writing the lease;
- `Dispatcher.claim` of that many due tips, and of that many due check-ins (a check-in claim
  also opens the run's check-in row and renders its first question).

It also times deleting one runner who has 100 check-ins (what /delete_me does; the cascade
looks up each check-in's snoozes in `reminders`).

Each figure is the median of the repeats, printed with its ratio to the raw claim measured in
the same run on the same database, because this shared machine's speed drifts. PostgreSQL is
the machine's server at 127.0.0.1:5432 (database `test`, trust auth), in a schema of its own
that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import PROJECT_ROOT, Settings
from bot.content.loader import Knowledge, load_knowledge
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import upgrade_to_head
from bot.db.models import Checkin, Reminder, RunnerSettings, RunPlan, User
from bot.scheduler.dispatcher import Dispatcher

POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
START_MINUTE = 8 * 60
"""Every seeded plan runs daily at 08:00 UTC."""
CHUNK = 5_000

_users = User.__table__
_settings = RunnerSettings.__table__
_plans = RunPlan.__table__
_reminders = Reminder.__table__
_checkins = Checkin.__table__


class _Clock:
    """A clock that stands still at `NOW` (the bench never sends, so nothing waits)."""

    def now(self) -> datetime:
        return NOW

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)


async def _insert(engine: AsyncEngine, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        async with engine.begin() as connection:
            await connection.execute(insert(table), rows[start : start + CHUNK])


async def seed(engine: AsyncEngine, runners: int) -> None:
    """Fill the tables for `runners` runners (ids 1…runners; plan id = runner id)."""
    week = timedelta(days=7)
    stamps = {"created_at": NOW, "updated_at": NOW}
    ids = range(1, runners + 1)
    await _insert(
        engine,
        _users,
        [{"id": n, "language_code": "en", "is_active": True, **stamps} for n in ids],
    )
    await _insert(engine, _settings, [{"user_id": n, "updated_at": NOW} for n in ids])
    await _insert(
        engine,
        _plans,
        [
            {
                "id": n,
                "user_id": n,
                "status": "active",
                "weekdays": 0b1111111,
                "start_minute": START_MINUTE,
                "duration_minutes": 60,
                "tip_on": True,
                "checkin_on": True,
                **stamps,
            }
            for n in ids
        ],
    )
    run = NOW.replace(hour=8, minute=0) + week
    await _insert(
        engine,
        _reminders,
        [
            {
                "user_id": n,
                "plan_id": n,
                "kind": kind,
                "state": "pending",
                "attempts": 0,
                "run_at": run,
                "due_at": run + shift,
            }
            for n in ids
            for kind, shift in (("tip", -timedelta(minutes=30)), ("checkin", timedelta(hours=1)))
        ],
    )
    last_week = NOW.replace(hour=8, minute=0) - week
    await _insert(
        engine,
        _checkins,
        [
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
            for n in ids
        ],
    )


async def make_due(engine: AsyncEngine, kind: str, first: int, count: int) -> None:
    """Make the `kind` reminders of runners first…first+count-1 due now."""
    # A tip's run starts in 10 minutes; a check-in's run ended half an hour ago.
    run_at = NOW + timedelta(minutes=10) if kind == "tip" else NOW - timedelta(minutes=90)
    async with engine.begin() as connection:
        await connection.execute(
            update(_reminders)
            .where(
                _reminders.c.kind == kind,
                _reminders.c.user_id >= first,
                _reminders.c.user_id < first + count,
            )
            .values(run_at=run_at, due_at=NOW - timedelta(seconds=1), claimed_until=None)
        )


async def raw_claim(engine: AsyncEngine, count: int) -> int:
    """Claim `count` due rows with one indexed UPDATE; return how many it claimed."""
    lease = NOW + timedelta(minutes=5)
    due = (
        select(_reminders.c.id)
        .where(_reminders.c.state == "pending", _reminders.c.due_at <= NOW)
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
        raise RuntimeError(f"claimed {got} rows, expected {expected}")
    return seconds


async def measure(
    engine: AsyncEngine, knowledge: Knowledge, runners: int, claim: int, repeats: int
) -> dict[str, list[float]]:
    """Time the raw claim, a tip claim and a check-in claim, `repeats` times each."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token="1:x",
        dispatch_batch_size=claim,
    )
    dispatcher = Dispatcher(settings, knowledge, make_sessionmaker(engine), _Clock())

    async def claimed() -> int:
        batch = await dispatcher.claim()
        return len(batch.messages)

    figures: dict[str, list[float]] = {"raw": [], "tips": [], "checkins": []}
    if 3 * claim * repeats > runners:
        raise SystemExit(f"--runners must be at least {3 * claim * repeats}")
    first = 1
    for _ in range(repeats):
        for name, kind in (("raw", "tip"), ("tips", "tip"), ("checkins", "checkin")):
            await make_due(engine, kind, first, claim)
            first += claim
            action = (lambda: raw_claim(engine, claim)) if name == "raw" else claimed
            figures[name].append(await _timed(action, claim))
    return figures


DELETED_CHECKINS = 100


async def delete_runner(engine: AsyncEngine, runners: int) -> float:
    """Give a new runner 100 check-ins, then time deleting them (the cascade included)."""
    user_id = runners + 1
    stamps = {"created_at": NOW, "updated_at": NOW}
    async with engine.begin() as connection:
        await connection.execute(insert(_users), [{"id": user_id, "is_active": True, **stamps}])
        await connection.execute(
            insert(_plans),
            [{"id": user_id, "user_id": user_id, "status": "active", "weekdays": 1, **stamps}],
        )
        await connection.execute(
            insert(_checkins),
            [
                {
                    "user_id": user_id,
                    "plan_id": user_id,
                    "run_at": NOW - timedelta(days=n),
                    "status": "answered",
                    "answers": [],
                    "created_at": NOW,
                }
                for n in range(1, DELETED_CHECKINS + 1)
            ],
        )
    started = time.perf_counter()
    async with engine.begin() as connection:
        await connection.execute(_users.delete().where(_users.c.id == user_id))
    return time.perf_counter() - started


@asynccontextmanager
async def database(kind: str) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database of `kind`, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
            try:
                await upgrade_to_head(engine)
                yield engine
            finally:
                await engine.dispose()
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}})
    try:
        await upgrade_to_head(engine)
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


async def run(runners: int, claim: int, repeats: int, databases: list[str]) -> None:
    """Seed, measure and print, one database after the other."""
    knowledge = load_knowledge(PROJECT_ROOT / "knowledge")
    for kind in databases:
        async with database(kind) as engine:
            started = time.perf_counter()
            await seed(engine, runners)
            if kind == "postgres":
                async with engine.connect() as connection:
                    await connection.execute(text("ANALYZE"))
                    await connection.commit()
            seeded = time.perf_counter() - started
            figures = await measure(engine, knowledge, runners, claim, repeats)
            deleted = await delete_runner(engine, runners)
        raw = statistics.median(figures["raw"])
        print(f"{kind}: {runners} runners seeded in {seeded:.1f} s; claiming {claim} rows")
        for name, label in (
            ("raw", "raw indexed claim"),
            ("tips", "Dispatcher.claim, tips"),
            ("checkins", "Dispatcher.claim, check-ins"),
        ):
            median = statistics.median(figures[name])
            each = ", ".join(f"{s * 1000:.0f}" for s in figures[name])
            print(f"  {label:<30} {median * 1000:8.1f} ms  ×{median / raw:5.1f}   ({each} ms)")
        print(f"  deleting a runner with {DELETED_CHECKINS} check-ins {deleted * 1000:8.1f} ms")


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__)
    parser.add_argument("--runners", type=int, default=100_000)
    parser.add_argument("--claim", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--databases", nargs="+", choices=("sqlite", "postgres"), default=["sqlite", "postgres"]
    )
    args = parser.parse_args()
    asyncio.run(run(args.runners, args.claim, args.repeats, args.databases))


if __name__ == "__main__":
    main()
