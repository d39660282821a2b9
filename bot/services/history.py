"""/history: a runner's check-ins and triage results as list pages, and the chart's numbers.

Everything is counted in the runner's zone: a run's date is its local start date, and the
chart's weeks start on Monday, the current week last. The numbers come from the database as it
is now, read through the caller's unit of work; the drawing (`bot.ui.history_chart`) gets only
them and the texts. Gear changes come from `gear_changes`, so "before" and "after" are split at
the moment of the change, not at whatever the shoe holds today.

A change made before the shoe's first run is part of its set-up, not a change: it gets no
marker and no comparison. Changes to one shoe on one local day count as one change. Runs are
compared only in the changed shoe: "before" is back to the previous change of that shoe (or
its creation), "after" up to its next change (or now).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.content.models import HistoryRules
from bot.db.models import GEAR_CREATED, Checkin, SymptomReport
from bot.db.uow import Repositories
from bot.services import reminders
from bot.services.context import Context

HISTORY_LIMIT = 1000
"""The most check-ins, and triage results, read for one /history: years of running."""
COLOURS = 4
"""The chart's colours: one per shoe, or three shoes with the most runs and "other shoes"."""
MAX_CHANGE_LINES = 4
"""The most before/after lines under the chart, newest first."""


@dataclass(frozen=True, slots=True)
class ShoeRef:
    """The shoes a run was in: a shoe of the runner's, a deleted one, or none named."""

    key: str
    """`s<id>` for a shoe, `d<id>` for a deleted one, `-` for runs without a named shoe."""
    name: str | None
    """The shoe's name; None for a deleted shoe or none named."""

    @property
    def deleted(self) -> bool:
        """True for a shoe that has been deleted since."""
        return self.key.startswith("d")


NO_SHOE = ShoeRef("-", None)
"""Runs where the runner named no shoes (not asked, or not sure)."""
OTHER_SHOES = ShoeRef("+", None)
"""The chart's one series for all shoes beyond the `COLOURED_SHOES` with the most runs."""


@dataclass(frozen=True, slots=True)
class CheckinEntry:
    """A check-in in the list."""

    day: date
    numb: bool
    details: tuple[tuple[str, str], ...]
    """`(step id, answer id)` of the `details` steps answered, in the rules' order."""
    shoe: ShoeRef


@dataclass(frozen=True, slots=True)
class TriageEntry:
    """A /triage result in the list."""

    day: date
    tier: str


Entry = CheckinEntry | TriageEntry
"""One line of the list."""


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """One page of the list, newest first; page 0 is the latest."""

    entries: tuple[Entry, ...]
    page: int
    has_older: bool
    year: int
    """The runner's current year: dates in other years show theirs."""
    past_end: bool = False
    """True when the page asked for no longer exists (the last one is shown instead)."""


@dataclass(frozen=True, slots=True)
class ChangeMarker:
    """A day on which a shoe's settings changed."""

    day: date
    shoe: ShoeRef
    settings: tuple[tuple[str, str | None], ...]
    """`(setting id, new option id or None for not set)`, in the order changed."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """Numb runs in the changed shoe before and after a change."""

    change: ChangeMarker
    numb_after: int
    runs_after: int
    numb_before: int
    runs_before: int
    until: date | None
    """The day of the shoe's next change, when there is one."""


@dataclass(frozen=True, slots=True)
class WeekCounts:
    """The runs of one week (Monday first) per shoe series."""

    start: date
    numb: Mapping[str, int]
    clear: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Chart:
    """The chart's numbers: runs per week and shoe, change markers, before/after lines."""

    weeks: tuple[WeekCounts, ...]
    series: tuple[ShoeRef, ...]
    """The shoe series with runs in the chart, most runs first; `OTHER_SHOES` last if any."""
    markers: tuple[ChangeMarker, ...]
    comparisons: tuple[Comparison, ...]
    runs: int
    """Check-ins in the chart's weeks."""


@dataclass(frozen=True, slots=True)
class NotEnough:
    """Too few check-ins in the chart's weeks to draw it."""

    runs: int
    needed: int


@dataclass(frozen=True, slots=True)
class History:
    """What /history shows: a page of the list and the chart (or why there is none)."""

    page: HistoryPage
    chart: Chart | NotEnough


@dataclass(frozen=True, slots=True)
class Run:
    """A check-in as the chart counts it."""

    at: datetime
    """The run's start (UTC)."""
    day: date
    """Its local date."""
    numb: bool
    shoe: ShoeRef


@dataclass(frozen=True, slots=True)
class Change:
    """A row of `gear_changes` of an existing shoe, as the chart reads it."""

    at: datetime
    shoe_id: int
    setting: str
    new_value: str | None


async def history(
    repos: Repositories, ctx: Context, user_id: int, language_code: str | None
) -> History:
    """Return the list's first page and the chart for /history."""
    await repos.users.seen(user_id, language_code, ctx.now)
    zone = reminders.zone_of(await repos.schedules.settings(user_id), ctx.default_zone)
    rules = ctx.knowledge.checkin.history
    checkins = await repos.checkins.history(user_id, HISTORY_LIMIT)
    reports = await repos.reports.latest(user_id, HISTORY_LIMIT)
    names = {shoe.id: shoe.name for shoe in await repos.shoes.for_user(user_id)}
    changes = [
        Change(row.changed_at, row.shoe_id, row.setting, row.new_value)
        for row in await repos.gear_changes.for_user(user_id)
        if row.shoe_id is not None
    ]
    runs = [
        Run(c.run_at, c.run_at.astimezone(zone).date(), bool(c.numb), _shoe(c, names))
        for c in sorted(checkins, key=lambda c: (c.run_at, c.id))
    ]
    first_page = list_page(rules, zone, ctx.now, names, checkins, reports, 0)
    return History(first_page, chart(rules, zone, ctx.now, runs, changes))


async def page(repos: Repositories, ctx: Context, user_id: int, number: int) -> HistoryPage:
    """Return one page of the list (an older or newer page's button)."""
    zone = reminders.zone_of(await repos.schedules.settings(user_id), ctx.default_zone)
    rules = ctx.knowledge.checkin.history
    wanted = min((number + 1) * rules.page_size + 1, HISTORY_LIMIT)
    checkins = await repos.checkins.history(user_id, wanted)
    reports = await repos.reports.latest(user_id, wanted)
    names = {shoe.id: shoe.name for shoe in await repos.shoes.for_user(user_id)}
    return list_page(rules, zone, ctx.now, names, checkins, reports, number)


def list_page(
    rules: HistoryRules,
    zone: ZoneInfo,
    now: datetime,
    names: Mapping[int, str],
    checkins: Sequence[Checkin],
    reports: Sequence[SymptomReport],
    number: int,
) -> HistoryPage:
    """Return page `number` of the check-ins and triage results merged, newest first."""
    dated: list[tuple[datetime, int, Entry]] = [
        (c.run_at, c.id, _checkin_entry(rules, c, zone, names)) for c in checkins
    ]
    dated += [
        (r.created_at, r.id, TriageEntry(r.created_at.astimezone(zone).date(), r.tier))
        for r in reports
    ]
    dated.sort(key=lambda item: (item[0], item[1]), reverse=True)
    size = rules.page_size
    shown = min(number, max(0, (len(dated) - 1) // size))
    entries = tuple(entry for _, _, entry in dated[shown * size : (shown + 1) * size])
    return HistoryPage(
        entries,
        shown,
        len(dated) > (shown + 1) * size,
        now.astimezone(zone).year,
        past_end=shown < number,
    )


def chart(
    rules: HistoryRules,
    zone: ZoneInfo,
    now: datetime,
    runs: Sequence[Run],
    changes: Sequence[Change],
) -> Chart | NotEnough:
    """Count runs per week and shoe, place the changes and compare before and after them.

    `runs` and `changes` are oldest first.
    """
    first = _monday(now.astimezone(zone).date()) - timedelta(weeks=rules.weeks - 1)
    in_window = [run for run in runs if run.day >= first]
    if len(in_window) < rules.chart_min_runs:
        return NotEnough(len(in_window), rules.chart_min_runs)
    per_shoe = Counter(run.shoe for run in in_window)
    ranked = sorted(per_shoe, key=lambda shoe: (-per_shoe[shoe], shoe.key))
    coloured = ranked if len(ranked) <= COLOURS else ranked[: COLOURS - 1]
    series = tuple(coloured) + ((OTHER_SHOES,) if len(ranked) > len(coloured) else ())
    weeks = []
    for index in range(rules.weeks):
        start = first + timedelta(weeks=index)
        week = [run for run in in_window if start <= run.day < start + timedelta(days=7)]
        numb = Counter(_series(run.shoe, coloured).key for run in week if run.numb)
        clear = Counter(_series(run.shoe, coloured).key for run in week if not run.numb)
        weeks.append(WeekCounts(start, dict(numb), dict(clear)))
    dated = _changes(zone, runs, changes)
    comparisons = [
        c for c in _comparisons(runs, dated, rules.min_runs_each_side) if c.change.day >= first
    ]
    return Chart(
        tuple(weeks),
        series,
        tuple(marker for _, marker in dated if marker.day >= first),
        tuple(reversed(comparisons))[:MAX_CHANGE_LINES],
        len(in_window),
    )


def _changes(
    zone: ZoneInfo, runs: Sequence[Run], changes: Sequence[Change]
) -> list[tuple[datetime, ChangeMarker]]:
    """Return the changes made after each shoe's first run, one per shoe and local day."""
    first_run: dict[str, Run] = {}
    for run in runs:
        first_run.setdefault(run.shoe.key, run)
    grouped: dict[tuple[int, date], tuple[datetime, dict[str, str | None]]] = {}
    for change in changes:
        first = first_run.get(f"s{change.shoe_id}")
        if change.setting == GEAR_CREATED or first is None or change.at <= first.at:
            continue
        _, settings = grouped.setdefault(
            (change.shoe_id, change.at.astimezone(zone).date()), (change.at, {})
        )
        settings.pop(change.setting, None)  # changed twice in a day: the last value counts
        settings[change.setting] = change.new_value
    return [
        (at, ChangeMarker(day, first_run[f"s{shoe_id}"].shoe, tuple(settings.items())))
        for (shoe_id, day), (at, settings) in sorted(grouped.items(), key=lambda i: i[1][0])
    ]


def _comparisons(
    runs: Sequence[Run], changes: Sequence[tuple[datetime, ChangeMarker]], min_runs: int
) -> list[Comparison]:
    """Compare the numb runs in the shoe between the previous change, this one and the next."""
    found = []
    for at, marker in changes:
        same_shoe = [(a, m) for a, m in changes if m.shoe == marker.shoe]
        position = same_shoe.index((at, marker))
        since = same_shoe[position - 1][0] if position > 0 else None
        until = same_shoe[position + 1] if position + 1 < len(same_shoe) else None
        worn = [run for run in runs if run.shoe == marker.shoe]
        before = [r for r in worn if r.at < at and (since is None or r.at >= since)]
        after = [r for r in worn if r.at >= at and (until is None or r.at < until[0])]
        if len(before) >= min_runs and len(after) >= min_runs:
            found.append(
                Comparison(
                    marker,
                    sum(r.numb for r in after),
                    len(after),
                    sum(r.numb for r in before),
                    len(before),
                    None if until is None else until[1].day,
                )
            )
    return found


def _series(shoe: ShoeRef, coloured: Sequence[ShoeRef]) -> ShoeRef:
    return shoe if shoe in coloured else OTHER_SHOES


def _shoe(checkin: Checkin, names: Mapping[int, str]) -> ShoeRef:
    if checkin.shoe_id is not None and checkin.shoe_id in names:
        return ShoeRef(f"s{checkin.shoe_id}", names[checkin.shoe_id])
    if checkin.deleted_shoe_id is not None:
        return ShoeRef(f"d{checkin.deleted_shoe_id}", None)
    return NO_SHOE


def _checkin_entry(
    rules: HistoryRules, checkin: Checkin, zone: ZoneInfo, names: Mapping[int, str]
) -> CheckinEntry:
    answered = {step[0]: step[1] for step in checkin.answers if len(step) > 1}
    details = tuple((step, answered[step]) for step in rules.details if step in answered)
    day = checkin.run_at.astimezone(zone).date()
    return CheckinEntry(day, bool(checkin.numb), details, _shoe(checkin, names))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
