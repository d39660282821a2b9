"""The playground's clock: system time plus an offset that only grows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.clock import Clock
from bot.playground import AdjustableClock

START = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


def test_it_is_the_system_time_until_moved() -> None:
    clock = AdjustableClock(lambda: START)
    assert clock.now() == START
    assert clock.offset == timedelta(0)


def test_real_time_by_default_and_always_aware_utc() -> None:
    clock: Clock = AdjustableClock()
    now = clock.now()
    assert now.tzinfo is UTC
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)
    local = AdjustableClock(lambda: START.astimezone(timezone(timedelta(hours=2))))
    assert local.now().tzinfo is UTC


def test_advance_and_next_day_move_forward() -> None:
    clock = AdjustableClock(lambda: START)
    assert clock.advance(timedelta(minutes=15)) == START + timedelta(minutes=15)
    assert clock.next_day() == START + timedelta(days=1, minutes=15)
    assert clock.offset == timedelta(days=1, minutes=15)


def test_it_never_goes_back() -> None:
    clock = AdjustableClock(lambda: START)
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(timedelta(seconds=-1))
    assert clock.now() == START
