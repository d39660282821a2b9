"""/history without Telegram: the chart's numbers, the before/after line and the pages.

The chart's numbers are checked for a known history (not its pixels); the list, the recorded
gear changes and a deleted shoe's runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import pictures
from bot.config import PROJECT_ROOT
from bot.content.loader import Knowledge
from bot.db.models import Checkin, SymptomReport
from bot.db.uow import Repositories, unit_of_work
from bot.services import gear, history
from bot.services.context import Context
from bot.services.history import NO_SHOE, Change, Run, ShoeRef
from bot.ui import history_chart, history_screens

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
"""A Thursday; the chart's weeks run from Monday 7 Sep to the week of Monday 23 Nov."""
PEGASUS = ShoeRef("s1", "Pegasus 40")
TRAIL = ShoeRef("s2", "Trail")
DELETED = ShoeRef("d3", None)
CHANGED = datetime(2026, 11, 3, 18, 0, tzinfo=UTC)
"""Pegasus 40 was laced with a window on 3 Nov, after that morning's run."""
RUNNER = 7_200_000_001

BEFORE = [
    date(2026, 9, 1),  # before the chart's weeks: counted before the change, not drawn
    date(2026, 9, 8),
    date(2026, 9, 15),
    date(2026, 9, 22),
    date(2026, 9, 29),
    date(2026, 10, 6),
    date(2026, 10, 13),
    date(2026, 10, 20),
    date(2026, 10, 27),
    date(2026, 11, 3),
]
"""Pegasus 40 before the change: the first six numb."""
AFTER = [
    date(2026, 11, 5),
    date(2026, 11, 7),
    date(2026, 11, 10),
    date(2026, 11, 12),
    date(2026, 11, 14),
    date(2026, 11, 17),
    date(2026, 11, 19),
    date(2026, 11, 21),
    date(2026, 11, 24),
]
"""Pegasus 40 after the change: only 10 Nov numb."""


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC)


def _run(day: date, numb: bool, shoe: ShoeRef) -> Run:
    return Run(_at(day), day, numb, shoe)


def _known_runs() -> list[Run]:
    runs = [_run(day, i < 6, PEGASUS) for i, day in enumerate(BEFORE)]
    runs += [_run(day, day == date(2026, 11, 10), PEGASUS) for day in AFTER]
    runs += [_run(date(2026, 10, d), False, TRAIL) for d in (1, 8, 15)]
    runs.append(_run(date(2026, 10, 21), True, DELETED))
    runs.append(_run(date(2026, 11, 25), False, NO_SHOE))
    return sorted(runs, key=lambda run: run.at)


KNOWN_CHANGES = [
    Change(datetime(2026, 8, 1, tzinfo=UTC), 1, "created", None),
    Change(datetime(2026, 8, 1, 0, 1, tzinfo=UTC), 1, "lacing", "criss_cross"),
    Change(datetime(2026, 9, 30, tzinfo=UTC), 2, "socks", "thin"),
    Change(CHANGED, 1, "lacing", "window"),
]
"""Pegasus 40's set-up and Trail's, before their first runs (no markers), then the change."""


def _chart(knowledge: Knowledge) -> history.Chart:
    chart = history.chart(knowledge.checkin.history, BERLIN, NOW, _known_runs(), KNOWN_CHANGES)
    assert isinstance(chart, history.Chart)
    return chart


def test_the_chart_counts_each_week_by_shoe(knowledge: Knowledge) -> None:
    chart = _chart(knowledge)
    assert [week.start for week in chart.weeks] == [
        date(2026, 9, 7) + timedelta(weeks=n) for n in range(12)
    ]
    assert chart.runs == 18 + 3 + 1 + 1
    assert chart.series == (PEGASUS, TRAIL, NO_SHOE, DELETED)
    counts = {week.start: (week.numb, week.clear) for week in chart.weeks}
    assert counts[date(2026, 9, 7)] == ({"s1": 1}, {})
    assert counts[date(2026, 9, 28)] == ({"s1": 1}, {"s2": 1})
    assert counts[date(2026, 10, 19)] == ({"d3": 1}, {"s1": 1})
    assert counts[date(2026, 11, 2)] == ({}, {"s1": 3})
    assert counts[date(2026, 11, 9)] == ({"s1": 1}, {"s1": 2})
    assert counts[date(2026, 11, 23)] == ({}, {"s1": 1, "-": 1})
    assert sum(sum(week.numb.values()) for week in chart.weeks) == 5 + 1 + 1
    assert sum(sum(week.clear.values()) for week in chart.weeks) == 23 - 7


def test_only_the_change_after_the_first_run_is_marked_and_compared(
    knowledge: Knowledge,
) -> None:
    chart = _chart(knowledge)
    marker = history.ChangeMarker(date(2026, 11, 3), PEGASUS, (("lacing", "window"),))
    assert chart.markers == (marker,)
    assert chart.comparisons == (history.Comparison(marker, 1, 9, 6, 10, None),)


def test_the_before_after_line(knowledge: Knowledge) -> None:
    t = knowledge.catalog.texts("en")
    caption = history_screens.caption(t, knowledge, _chart(knowledge), 2026)
    assert (
        "<b>Pegasus 40</b> since Lacing: Window (gap) on 3 Nov: 1 of 9 runs numb; before: 6 of 10"
    ) in caption.splitlines()
    assert caption.startswith("<b>📈 23 runs in the last 12 weeks</b>")
    assert len(caption) <= history_screens.CAPTION_LIMIT


def test_a_change_without_enough_runs_on_one_side_has_no_line(knowledge: Knowledge) -> None:
    rules = knowledge.checkin.history
    runs = [run for run in _known_runs() if run.day < date(2026, 11, 10)]  # 2 runs after
    chart = history.chart(rules, BERLIN, NOW, runs, KNOWN_CHANGES)
    assert isinstance(chart, history.Chart)
    assert len(chart.markers) == 1
    assert chart.comparisons == ()
    caption = history_screens.caption(knowledge.catalog.texts("en"), knowledge, chart, 2026)
    assert "once you've run in that shoe 3 times on each side" in caption


def test_a_second_change_closes_the_first_ones_after(knowledge: Knowledge) -> None:
    changes = [*KNOWN_CHANGES, Change(_at(date(2026, 11, 16)), 1, "socks", "thick")]
    chart = history.chart(knowledge.checkin.history, BERLIN, NOW, _known_runs(), changes)
    assert isinstance(chart, history.Chart)
    first, second = sorted(chart.comparisons, key=lambda c: c.change.day)
    assert (first.numb_after, first.runs_after, first.until) == (1, 5, date(2026, 11, 16))
    assert (second.numb_before, second.runs_before) == (1, 5)
    assert (second.numb_after, second.runs_after) == (0, 4)


def test_more_shoes_than_colours_share_other_shoes(knowledge: Knowledge) -> None:
    runs = [
        _run(date(2026, 11, day), False, ShoeRef(f"s{shoe}", f"Shoe {shoe}"))
        for shoe in range(1, 6)
        for day in range(1, 1 + shoe)
    ]
    chart = history.chart(knowledge.checkin.history, BERLIN, NOW, runs, [])
    assert isinstance(chart, history.Chart)
    assert [shoe.name for shoe in chart.series] == ["Shoe 5", "Shoe 4", "Shoe 3", None]
    assert chart.series[-1] == history.OTHER_SHOES
    spec = history_screens.chart_spec(knowledge.catalog.texts("en"), knowledge, chart)
    assert [s.label for s in spec.series][-1] == "Other shoes"
    assert [s.colour for s in spec.series] == [0, 1, 2, 3]
    assert sum(sum(s.clear) for s in spec.series) == 15


def test_too_few_check_ins_say_what_is_needed(knowledge: Knowledge) -> None:
    runs = _known_runs()[-2:]
    view = history.chart(knowledge.checkin.history, BERLIN, NOW, runs, [])
    assert view == history.NotEnough(2, 3)
    text = history_screens.not_enough(knowledge.catalog.texts("en"), knowledge, view).text
    assert "hold 3 check-ins; so far there are 2" in text


def test_the_spec_has_the_charts_numbers_and_labels(knowledge: Knowledge) -> None:
    spec = history_screens.chart_spec(knowledge.catalog.texts("en"), knowledge, _chart(knowledge))
    assert spec.title == "Your runs, last 12 weeks"
    assert (spec.week_labels[0], spec.week_labels[-1]) == ("7 Sep", "23 Nov")
    assert [s.label for s in spec.series] == [
        "Pegasus 40",
        "Trail",
        "No shoes named",
        "A deleted shoe",
    ]
    pegasus = spec.series[0]
    assert pegasus.numb == (1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0)
    assert pegasus.clear == (0, 0, 0, 0, 0, 1, 1, 1, 3, 2, 3, 1)
    assert spec.markers == (history_chart.MarkerSpec(8 + 1 / 7 - 0.5, "Lacing", 0),)


async def test_the_picture_worker_draws_a_png(knowledge: Knowledge) -> None:
    spec = history_screens.chart_spec(knowledge.catalog.texts("en"), knowledge, _chart(knowledge))
    try:
        png = await pictures.render(history_chart.draw, spec)
    finally:
        pictures.shutdown()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_bot_never_imports_matplotlib() -> None:
    script = "import sys, bot.app, bot.handlers.history; print('matplotlib' in sys.modules)"
    found = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == "False"


# ── On a real database ───────────────────────────────────────────────────────


async def test_history_from_the_database(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], knowledge: Knowledge
) -> None:
    """Shoes set up and changed through /gear, check-ins, a triage result, a deleted shoe."""
    rules = knowledge.gear
    start = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    async with unit_of_work(rollback_sessionmaker) as repos:
        pegasus = await _shoe(repos, rules, "Pegasus 40", start)
        trail = await _shoe(repos, rules, "Trail", start)
        await gear.choose(repos, rules, RUNNER, pegasus, "lacing", "criss_cross", True, start)
        repos.reports.add(
            SymptomReport(
                user_id=RUNNER,
                source="triage",
                tier="see_doctor",
                causes=[],
                answers=[],
                created_at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
            )
        )
    async with rollback_sessionmaker() as session, session.begin():
        for n in range(8):
            session.add(_checkin(start + timedelta(days=n + 1), n < 5, pegasus))
        session.add(_checkin(start + timedelta(days=2, hours=3), True, trail))
    async with unit_of_work(rollback_sessionmaker) as repos:
        await gear.choose(repos, rules, RUNNER, pegasus, "lacing", "window", False, CHANGED)
        await gear.choose(repos, rules, RUNNER, pegasus, "lacing", "window", False, CHANGED)
    async with rollback_sessionmaker() as session, session.begin():
        for n in range(4):
            session.add(_checkin(CHANGED + timedelta(days=n + 1), n == 0, pegasus))
    ctx = Context(knowledge, "Europe/Berlin", NOW)
    async with unit_of_work(rollback_sessionmaker) as repos:
        await gear.delete(repos, rules, RUNNER, trail, CHANGED)
        recorded = [
            (c.shoe_id, c.setting, c.old_value, c.new_value)
            for c in await repos.gear_changes.for_user(RUNNER)
        ]
        view = await history.history(repos, ctx, RUNNER, "en")

    assert recorded == [
        (pegasus, "created", None, None),
        (pegasus, "lacing", None, "criss_cross"),
        (pegasus, "lacing", "criss_cross", "window"),  # the same choice again: no new row
    ]
    assert isinstance(view.chart, history.Chart)
    (comparison,) = view.chart.comparisons
    assert comparison.change.shoe.name == "Pegasus 40"
    assert comparison.change.settings == (("lacing", "window"),)
    assert (comparison.numb_after, comparison.runs_after) == (1, 4)
    assert (comparison.numb_before, comparison.runs_before) == (5, 8)
    assert view.chart.runs == 13
    assert ShoeRef(f"d{trail}", None) in view.chart.series

    t = knowledge.catalog.texts("en")
    first = history_screens.history_page(t, view.page)
    lines = first.text.splitlines()
    assert lines[:3] == [
        "<b>📋 Your check-ins and checks</b>",
        "",
        "7 Nov · ✅ no numbness · in <b>Pegasus 40</b>",
    ]
    assert "4 Nov · 😣 numb · Toes · Within 5 minutes · in <b>Pegasus 40</b>" in lines
    assert "1 Nov · 🩺 /triage: see a doctor" in lines
    assert lines[-1] == "7 Oct · ✅ no numbness · in <b>Pegasus 40</b>"
    assert first.keyboard is not None
    assert [b.callback_data for b in first.keyboard.inline_keyboard[0]] == ["h1:1"]

    async with unit_of_work(rollback_sessionmaker) as repos:
        older = await history.page(repos, ctx, RUNNER, 1)
        gone = await history.page(repos, ctx, RUNNER, 7)
    assert (older.page, older.has_older, older.past_end, len(older.entries)) == (
        1,
        False,
        False,
        6,
    )
    assert (gone.entries, gone.page, gone.past_end) == (older.entries, 1, True)
    second = history_screens.history_page(t, older)
    assert second.text.splitlines()[0] == "<b>📋 Your check-ins and checks</b> · page 2"
    assert "3 Oct · 😣 numb · Toes · Within 5 minutes · in a deleted shoe" in second.text
    assert second.keyboard is not None
    assert [b.callback_data for b in second.keyboard.inline_keyboard[0]] == ["h1:0"]


async def _shoe(repos: Repositories, rules: gear.GearRules, name: str, now: datetime) -> int:
    """Add a shoe as /gear does: ask for its name, then take the typed one."""
    await gear.ask_for_name(repos, rules, RUNNER, "en", None, now)
    pending = await repos.pending.get(RUNNER)
    assert pending is not None
    named = await gear.receive_name(repos, rules, RUNNER, pending, name, now)
    assert isinstance(named, gear.Named)
    return named.next.shoe.id


def _checkin(run_at: datetime, numb: bool, shoe_id: int) -> Checkin:
    feet = [["numb", "yes"], ["where", "toes"], ["after", "minutes"]] if numb else [["numb", "no"]]
    return Checkin(
        user_id=RUNNER,
        run_at=run_at,
        status="answered",
        answers=[*feet, ["shoe", f"s{shoe_id}"]],
        numb=numb,
        shoe_id=shoe_id,
        created_at=run_at,
        answered_at=run_at + timedelta(hours=1),
    )


def _die(_: object) -> bytes:
    """Kill the worker process that runs it, as the out-of-memory killer would."""
    os._exit(1)


async def test_a_dead_picture_worker_is_replaced(knowledge: Knowledge) -> None:
    spec = history_screens.chart_spec(knowledge.catalog.texts("en"), knowledge, _chart(knowledge))
    try:
        with pytest.raises(BrokenProcessPool):
            await pictures.render(_die, spec)
        assert (await pictures.render(history_chart.draw, spec)).startswith(b"\x89PNG")
    finally:
        pictures.shutdown()
