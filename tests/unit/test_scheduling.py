"""Occurrences of planned runs in the runner's zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.scheduling import (
    RunPattern,
    find_timezone,
    mask_from_weekdays,
    next_run,
    parse_time,
    weekdays_from_mask,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def weekly(*days: int, at: time = time(7, 0)) -> RunPattern:
    return RunPattern(frozenset(days), None, at)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_next_weekday_run_is_local_wall_time() -> None:
    # Monday 23 Nov 2026 08:30 in Berlin (CET, +1): Monday's 07:00 has passed.
    now = utc(2026, 11, 23, 7, 30)
    assert next_run(weekly(MON, WED, FRI), BERLIN, now) == utc(2026, 11, 25, 6, 0)
    assert next_run(weekly(MON), BERLIN, now) == utc(2026, 11, 30, 6, 0)
    assert next_run(weekly(MON, at=time(9, 0)), BERLIN, now) == utc(2026, 11, 23, 8, 0)


def test_offset_selects_the_run_whose_reminder_is_still_ahead() -> None:
    now = utc(2026, 11, 23, 5, 45)  # 06:45 Berlin: the 07:00 run's tip (06:30) has passed
    before = -timedelta(minutes=30)
    assert next_run(weekly(MON, TUE), BERLIN, now, before) == utc(2026, 11, 24, 6, 0)
    after = timedelta(minutes=90)  # the check-in of a 60-minute run, 30 minutes after it
    assert next_run(weekly(MON, TUE), BERLIN, now, after) == utc(2026, 11, 23, 6, 0)


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        # Europe/Berlin springs forward on 29 Mar 2026 and falls back on 25 Oct 2026.
        (BERLIN, utc(2026, 3, 28, 6, 0), utc(2026, 3, 29, 5, 0)),
        (BERLIN, utc(2026, 10, 24, 5, 0), utc(2026, 10, 25, 6, 0)),
        # America/New_York springs forward on 8 Mar 2026 and falls back on 1 Nov 2026.
        (NEW_YORK, utc(2026, 3, 7, 12, 0), utc(2026, 3, 8, 11, 0)),
        (NEW_YORK, utc(2026, 10, 31, 11, 0), utc(2026, 11, 1, 12, 0)),
    ],
)
def test_daily_run_keeps_its_wall_clock_time_across_dst(
    zone: ZoneInfo, before: datetime, after: datetime
) -> None:
    every_day = weekly(*range(7))
    assert next_run(every_day, zone, before - timedelta(minutes=1)) == before
    assert next_run(every_day, zone, before) == after
    assert after.astimezone(zone).time() == time(7, 0)


def test_a_start_in_the_spring_forward_gap_moves_forward() -> None:
    # 02:30 does not exist in Berlin on 29 Mar 2026: clocks jump from 02:00 to 03:00.
    start = next_run(weekly(SUN, at=time(2, 30)), BERLIN, utc(2026, 3, 28, 12, 0))
    assert start == utc(2026, 3, 29, 1, 30)
    assert start is not None
    assert start.astimezone(BERLIN).time() == time(3, 30)


def test_a_start_in_the_fall_back_hour_is_the_first_of_the_two() -> None:
    # 02:30 happens twice in Berlin on 25 Oct 2026; the first is 00:30 UTC (CEST).
    start = next_run(weekly(SUN, at=time(2, 30)), BERLIN, utc(2026, 10, 24, 12, 0))
    assert start == utc(2026, 10, 25, 0, 30)
    following = next_run(weekly(SUN, at=time(2, 30)), BERLIN, start)
    assert following == utc(2026, 11, 1, 1, 30), "once a week, not twice that night"


def test_one_off_runs_happen_once() -> None:
    once = RunPattern(frozenset(), date(2026, 11, 28), time(9, 30))
    now = utc(2026, 11, 23, 7, 30)
    assert next_run(once, NEW_YORK, now) == utc(2026, 11, 28, 14, 30)
    assert next_run(once, NEW_YORK, utc(2026, 11, 28, 14, 30)) is None


def test_no_days_no_runs() -> None:
    assert next_run(weekly(), BERLIN, utc(2026, 11, 23, 7, 30)) is None


def test_weekday_masks_round_trip() -> None:
    assert mask_from_weekdays({MON, WED, FRI}) == 0b10101
    assert weekdays_from_mask(0b1100000) == {SAT, SUN}
    assert weekdays_from_mask(mask_from_weekdays(range(7))) == set(range(7))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("07:30", time(7, 30)), ("7:05", time(7, 5)), (" 18.15 ", time(18, 15)), ("0h00", time(0))],
)
def test_typed_times(typed: str, expected: time) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize("typed", ["25:61", "24:00", "7", "seven", "", "07:3", "1" * 100, "-1:00"])
def test_absurd_times_are_refused(typed: str) -> None:
    assert parse_time(typed) is None


def test_time_zone_names() -> None:
    assert find_timezone("europe/berlin") == "Europe/Berlin"
    assert find_timezone("America/New York") == "America/New_York"
    assert find_timezone("UTC") == "UTC"
    for nonsense in ("Mars/Olympus", "", "../../etc/passwd", "localtime", "x" * 200):
        assert find_timezone(nonsense) is None
