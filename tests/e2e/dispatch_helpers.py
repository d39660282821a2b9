"""Helpers for the dispatcher tests: many runners with a due tip, written straight to tables."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot
from telegram.request import BaseRequest

from bot.clock import Clock
from bot.config import Settings
from bot.db.models import Reminder, RunnerSettings, RunPlan, User
from bot.localapi import LocalBotApi
from bot.retries import RetryPolicy

FIRST_RUNNER = 8_000_000_001
TIP_LEAD = timedelta(minutes=30)
"""`tip_minutes_before` in knowledge/schedules.yaml."""
CHUNK = 2_000


class ScaledClock:
    """A clock `speed` times faster than real time, from `start`.

    A 30 s lease lasts 30/speed real seconds. Every task that shares it sees the same time.
    """

    def __init__(self, start: datetime, speed: float) -> None:
        self._start, self._speed, self._real = start, speed, time.monotonic()

    def now(self) -> datetime:
        """Return the scaled time."""
        return self._start + timedelta(seconds=(time.monotonic() - self._real) * self._speed)

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of this clock's time."""
        await asyncio.sleep(seconds / self._speed)


async def reminder_bot(
    token: str, clock: Clock, request: BaseRequest | None = None, base_url: str | None = None
) -> ExtBot[Any]:
    """A bot set up for the dispatcher as `bot.app.build_app` sets one up, initialised."""
    extra: dict[str, Any] = {"base_url": base_url} if base_url is not None else {}
    bot: ExtBot[Any] = ExtBot(
        token,
        request=request,
        defaults=Defaults(
            parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
        ),
        rate_limiter=RetryPolicy(clock, 10),
        **extra,
    )
    await bot.initialize()
    return bot


def with_settings(settings: Settings, **changes: object) -> Settings:
    """Return `settings` with some values changed, validated like the environment's."""
    return Settings(_env_file=None, **{**settings.model_dump(), **changes})  # type: ignore[call-arg]


async def seed_due_tips(
    engine: AsyncEngine,
    count: int,
    due: datetime,
    api: LocalBotApi | None = None,
    first: int = FIRST_RUNNER,
) -> list[int]:
    """Add `count` runners, each with a daily run whose tip is due at `due`; return their ids.

    Each runner's run starts `TIP_LEAD` after `due` (UTC, the default zone); with `api`, each
    runner is also a user of the local Bot API, so the tip can reach them.
    """
    ids = list(range(first, first + count))
    run = due + TIP_LEAD
    stamps = {"created_at": due, "updated_at": due}
    plans = [
        {
            "id": n,  # the runner's id: clear of the ids the database hands out
            "user_id": n,
            "status": "active",
            "weekdays": 0b1111111,
            "start_minute": run.hour * 60 + run.minute,
            "duration_minutes": 60,
            "tip_on": True,
            "checkin_on": False,
            **stamps,
        }
        for n in ids
    ]
    tables: list[tuple[Any, list[dict[str, Any]]]] = [
        (User, [{"id": n, "language_code": "en", "is_active": True, **stamps} for n in ids]),
        (RunnerSettings, [{"user_id": n, "updated_at": due} for n in ids]),
        (RunPlan, plans),
        (
            Reminder,
            [
                {
                    "user_id": plan["user_id"],
                    "plan_id": plan["id"],
                    "kind": "tip",
                    "state": "pending",
                    "attempts": 0,
                    "run_at": run,
                    "due_at": due,
                }
                for plan in plans
            ],
        ),
    ]
    for model, rows in tables:
        for start in range(0, len(rows), CHUNK):
            async with engine.begin() as connection:
                await connection.execute(insert(model), rows[start : start + CHUNK])
    if api is not None:
        for n in ids:
            api.user(n, first_name=f"Runner {n}", language_code="en")
    return ids


def tips_received(api: LocalBotApi, runners: list[int]) -> Counter[int]:
    """Count the messages each runner got from the bot."""
    return Counter({n: len(api.bot_messages(n)) for n in runners})
