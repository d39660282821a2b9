"""The /history chart: numb and clear runs per week, by shoe, with gear changes, as a PNG.

`draw` runs in the picture worker process (`bot.pictures`), never in the bot's own: it is the
only code that imports matplotlib, and it imports it when called, so importing this module
(for `ChartSpec` and a reference to `draw`) costs the bot nothing. The spec is plain, picklable
data with every label already translated, so the drawing knows no language and no database.

Made for a phone: large type, at most four colours (one per shoe series, the same shade for
numb and clear runs, clear ones paler and below the line), a legend under the plot.
"""

from __future__ import annotations

from dataclasses import dataclass

COLOURS = ("#0072B2", "#E69F00", "#009E73", "#7F7F7F")
"""Blue, orange, green and grey (Okabe and Ito's colour-blind safe set), one per series."""
WIDTH_INCHES, HEIGHT_INCHES, DPI = 6.4, 5.6, 150
"""960 × 840 pixels: a phone shows it across the screen with the text still readable."""


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    """The runs in one shoe (or "other shoes") per week."""

    label: str
    colour: int
    """Index into `COLOURS`: the shoes take the first three, "other shoes" the grey."""
    numb: tuple[int, ...]
    clear: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MarkerSpec:
    """A gear change: where on the week axis, its short label, and its shoe's colour."""

    position: float
    """The week's index plus the day's place in it: week 0's bar spans -0.5 to 0.5."""
    label: str
    colour: int
    """Index into `COLOURS`: the changed shoe's."""


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """Everything the chart shows, as numbers and translated labels."""

    title: str
    numb_label: str
    clear_label: str
    week_labels: tuple[str, ...]
    series: tuple[SeriesSpec, ...]
    markers: tuple[MarkerSpec, ...]


def draw(spec: ChartSpec) -> bytes:
    """Draw the chart and return it as PNG bytes (runs in the picture worker)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    weeks = range(len(spec.week_labels))
    numb_bottom = [0] * len(spec.week_labels)
    clear_bottom = [0] * len(spec.week_labels)
    for series in spec.series:
        colour = COLOURS[series.colour]
        axes.bar(weeks, series.numb, 0.75, numb_bottom, color=colour, label=series.label)
        axes.bar(weeks, [-n for n in series.clear], 0.75, clear_bottom, color=colour, alpha=0.45)
        numb_bottom = [b + n for b, n in zip(numb_bottom, series.numb, strict=True)]
        clear_bottom = [b - n for b, n in zip(clear_bottom, series.clear, strict=True)]
    top = max([*numb_bottom, 1])
    bottom = min([*clear_bottom, -1])
    axes.set_ylim(bottom - 0.3, top * 1.25 + 0.5)
    axes.axhline(0, color="black", linewidth=1.2)
    for marker in spec.markers:
        colour = COLOURS[marker.colour]
        axes.axvline(marker.position, color=colour, linestyle="--", linewidth=2.5)
        axes.text(
            marker.position,
            top * 1.22 + 0.5,
            marker.label,
            rotation=90,
            ha="right",
            va="top",
            fontsize=14,
            color="black",
        )
    axes.text(0.01, 0.98, f"▲ {spec.numb_label}", transform=axes.transAxes, va="top", fontsize=15)
    axes.text(0.01, 0.02, f"▼ {spec.clear_label}", transform=axes.transAxes, fontsize=15)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{abs(int(value))}"))
    shown = [i for i in weeks if (len(spec.week_labels) - 1 - i) % 2 == 0]
    axes.set_xticks(shown, [spec.week_labels[i] for i in shown], rotation=45, ha="right")
    axes.set_xlim(-0.6, len(spec.week_labels) - 0.4)
    axes.tick_params(labelsize=14)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(spec.title, fontsize=19, fontweight="bold", loc="left")
    figure.legend(loc="outside lower center", ncols=2, fontsize=14, frameon=False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
