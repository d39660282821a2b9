"""/history screens: the list of check-ins and triage results, the chart's spec and caption.

Shoe names are the runner's own text: escaped in the list and the caption (Telegram HTML), and
put verbatim into the chart, which is a picture. Every other label comes from the catalogue.
"""

from __future__ import annotations

import html
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import keys
from bot.content.catalog import Texts
from bot.content.loader import Knowledge
from bot.services import history
from bot.services.history import OTHER_SHOES, Chart, ShoeRef
from bot.ui import callback_data
from bot.ui.history_chart import ChartSpec, MarkerSpec, SeriesSpec
from bot.ui.screens import Screen

_TRIAGE = {
    "emergency": "history.triage_emergency",
    "urgent": "history.triage_urgent",
    "see_doctor": "history.triage_see_doctor",
    "self_care": "history.triage_self_care",
}
"""A triage result's tier → its line in the list."""
_GREY = 3
"""The colour of "other shoes" (`history_chart.COLOURS`)."""
CAPTION_LIMIT = 1024
"""Telegram's longest photo caption, in characters; the oldest lines give way to it."""


def history_page(t: Texts, page: history.HistoryPage) -> Screen:
    """Return a page of the list, with buttons to older and newer pages."""
    if not page.entries:
        return Screen(t("history.empty"))
    heading = (
        t("history.heading") if page.page == 0 else t("history.heading_page", page=page.page + 1)
    )
    lines = "\n".join(_line(t, entry, page.year) for entry in page.entries)
    buttons = []
    if page.page > 0:
        buttons.append(
            InlineKeyboardButton(
                t("history.button_newer"), callback_data=callback_data.history_page(page.page - 1)
            )
        )
    if page.has_older:
        buttons.append(
            InlineKeyboardButton(
                t("history.button_older"), callback_data=callback_data.history_page(page.page + 1)
            )
        )
    keyboard = InlineKeyboardMarkup([buttons]) if buttons else None
    return Screen(f"{heading}\n\n{lines}", keyboard)


def not_enough(t: Texts, knowledge: Knowledge, view: history.NotEnough) -> Screen:
    """Return what the chart still needs, in place of an empty chart."""
    weeks = knowledge.checkin.history.weeks
    return Screen(t("history.not_enough", runs=view.runs, needed=view.needed, weeks=weeks))


def chart_spec(t: Texts, knowledge: Knowledge, chart: Chart) -> ChartSpec:
    """Return the chart's numbers with their labels translated, ready to draw."""
    colours = _colours(chart)
    first = chart.weeks[0].start
    markers = tuple(
        MarkerSpec(
            (marker.day - first).days / 7 - 0.5,
            ", ".join(_plain(t(keys.gear_label(setting))) for setting, _ in marker.settings),
            colours.get(marker.shoe.key, _GREY),
        )
        for marker in chart.markers
    )
    return ChartSpec(
        title=_plain(t("history.chart_title", weeks=len(chart.weeks))),
        numb_label=_plain(t("history.chart_numb")),
        clear_label=_plain(t("history.chart_clear")),
        week_labels=tuple(_plain(_date(t, week.start, None)) for week in chart.weeks),
        series=tuple(
            SeriesSpec(
                _series_label(t, shoe),
                colours[shoe.key],
                tuple(week.numb.get(shoe.key, 0) for week in chart.weeks),
                tuple(week.clear.get(shoe.key, 0) for week in chart.weeks),
            )
            for shoe in chart.series
        ),
        markers=markers,
    )


def caption(t: Texts, knowledge: Knowledge, chart: Chart, year: int) -> str:
    """Return the text under the chart: what it shows, then one line per compared change."""
    heading = t("history.caption", runs=chart.runs, weeks=len(chart.weeks))
    if not chart.comparisons:
        if not chart.markers:
            return heading
        needed = knowledge.checkin.history.min_runs_each_side
        return f"{heading}\n\n{t('history.no_comparison', needed=needed)}"
    lines = [_comparison(t, c, year) for c in chart.comparisons]
    while True:
        text = "\n\n".join((heading, "\n".join(lines), t("history.caution")))
        if len(text) <= CAPTION_LIMIT or len(lines) == 1:
            return text
        lines.pop()


def _comparison(t: Texts, comparison: history.Comparison, year: int) -> str:
    change = comparison.change
    changed = ", ".join(
        t(
            "history.change",
            setting=t(keys.gear_label(setting)),
            option=t("gear_flow.not_set")
            if option is None
            else t(keys.gear_option(setting, option)),
        )
        for setting, option in change.settings
    )
    counts = {
        "numb_after": comparison.numb_after,
        "runs_after": comparison.runs_after,
        "numb_before": comparison.numb_before,
        "runs_before": comparison.runs_before,
    }
    if comparison.until is not None:
        return t.markup(
            "history.change_line_until",
            shoe=html.escape(change.shoe.name or ""),
            change=html.escape(changed),
            date=_date(t, change.day, year),
            until=_date(t, comparison.until, year),
            **{key: str(value) for key, value in counts.items()},
        )
    return t.markup(
        "history.change_line",
        shoe=html.escape(change.shoe.name or ""),
        change=html.escape(changed),
        date=_date(t, change.day, year),
        **{key: str(value) for key, value in counts.items()},
    )


def _line(t: Texts, entry: history.Entry, year: int) -> str:
    if isinstance(entry, history.TriageEntry):
        parts = [t(_TRIAGE[entry.tier])]
    else:
        parts = [t("history.numb") if entry.numb else t("history.clear")]
        parts += [
            html.escape(t(keys.checkin_answer(step, answer))) for step, answer in entry.details
        ]
        if entry.shoe.name is not None:
            parts.append(t("history.in_shoe", name=entry.shoe.name))
        elif entry.shoe.deleted:
            parts.append(t("history.in_deleted_shoe"))
    return t.markup("history.line", date=_date(t, entry.day, year), parts=" · ".join(parts))


def _date(t: Texts, day: date, year: int | None) -> str:
    month = t("runs.month_names").split(",")[day.month - 1]
    if year is None or day.year == year:
        return t("history.date", day=day.day, month=month)
    return t("history.date_year", day=day.day, month=month, year=day.year)


def _colours(chart: Chart) -> dict[str, int]:
    colours: dict[str, int] = {}
    for shoe in chart.series:
        colours[shoe.key] = _GREY if shoe == OTHER_SHOES else len(colours)
    return colours


def _series_label(t: Texts, shoe: ShoeRef) -> str:
    if shoe.name is not None:
        return shoe.name
    if shoe == OTHER_SHOES:
        return _plain(t("history.chart_other_shoes"))
    if shoe.deleted:
        return _plain(t("history.chart_deleted_shoe"))
    return _plain(t("history.chart_no_shoe"))


def _plain(text: str) -> str:
    """Return a catalogue text as the plain characters a picture shows."""
    return html.unescape(text)
