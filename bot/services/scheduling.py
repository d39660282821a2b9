"""Run times in the runner's own time zone: when planned runs happen, parsed times and zones.

Pure functions. A run is planned by local wall-clock time, so each occurrence is computed in
the runner's zone and only then turned into UTC: zoneinfo handles the daylight-saving shifts.
A start that falls in a spring-forward gap (02:30 when clocks jump from 02:00 to 03:00) moves
forward by the gap; one that happens twice in an autumn fall-back hour is the first of the two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

DAYS_IN_WEEK = 7
_TIME = re.compile(r"^\s*(\d{1,2})\s*[:.hH]\s*(\d{2})\s*$")
_MAX_TYPED = 64


@dataclass(frozen=True, slots=True)
class RunPattern:
    """When a planned run happens: weekly on some weekdays or once on a date, at a local time."""

    weekdays: frozenset[int]
    """Weekday numbers, Monday 0; empty for a one-off run."""
    one_off: date | None
    """The local date of a one-off run."""
    start: time
    """The local start time."""


def weekdays_from_mask(mask: int) -> frozenset[int]:
    """Return the weekday numbers set in a bit mask (bit n: weekday n, Monday 0)."""
    return frozenset(day for day in range(DAYS_IN_WEEK) if mask >> day & 1)


def mask_from_weekdays(days: Iterable[int]) -> int:
    """Return the bit mask of a set of weekday numbers."""
    mask = 0
    for day in days:
        mask |= 1 << day
    return mask


def local_start(day: date, start: time, zone: ZoneInfo) -> datetime:
    """Return the UTC instant of wall-clock `start` on `day` in `zone` (DST-safe)."""
    return datetime.combine(day, start, tzinfo=zone).astimezone(UTC)


def next_run(
    pattern: RunPattern, zone: ZoneInfo, after: datetime, offset: timedelta = timedelta(0)
) -> datetime | None:
    """Return the UTC start of the first run whose start plus `offset` is later than `after`.

    `offset` is where a reminder sits relative to the start (negative: before it), so
    `next_run(p, z, now, -30 min)` is the run whose 30-minutes-before tip is still ahead.
    None when there is no such run (a one-off that has passed, or no weekdays).
    """
    if pattern.one_off is not None:
        days: Iterable[date] = (pattern.one_off,)
    else:
        first = (after - offset).astimezone(zone).date() - timedelta(days=1)
        days = (
            first + timedelta(days=n)
            for n in range(DAYS_IN_WEEK + 2)
            if (first + timedelta(days=n)).weekday() in pattern.weekdays
        )
    for day in days:
        start = local_start(day, pattern.start, zone)
        if start + offset > after:
            return start
    return None


def parse_time(text: str) -> time | None:
    """Return the time in typed text like `7:30`, `07:30` or `18.15`; None if it isn't one."""
    if len(text) > _MAX_TYPED:
        return None
    match = _TIME.match(text)
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
"""Files in a system zoneinfo folder that are not time zones a runner lives in."""


@cache
def _timezone_names() -> dict[str, str]:
    """Map each known IANA zone name, lowercased, to its proper spelling (read once)."""
    return {name.lower(): name for name in available_timezones() - _NOT_ZONES}


def find_timezone(text: str) -> str | None:
    """Return the IANA zone named in typed text (any letter case), or None."""
    name = text.strip().replace(" ", "_")
    if not name or len(name) > _MAX_TYPED:
        return None
    return _timezone_names().get(name.lower())


def minutes_to_time(minutes: int) -> time:
    """Return the time of day `minutes` after midnight."""
    return time(minutes // 60, minutes % 60)


def clock_text(moment: datetime, zone: ZoneInfo) -> str:
    """Return a moment as 24-hour `HH:MM` in `zone`."""
    return moment.astimezone(zone).strftime("%H:%M")
