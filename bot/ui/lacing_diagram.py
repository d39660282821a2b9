"""Lacing diagrams drawn from data: a plain, picklable spec in, PNG bytes out.

`draw` runs in the picture worker (`bot.pictures`), never in the bot's own process, so
matplotlib is imported inside it: importing this module for its spec costs nothing. The
picture is the shoe seen from above, toes at the bottom: its eyelets, the lace's path (solid
over the top of the shoe, dashed along its inside), hollow eyelets left empty, a shaded
window no lace crosses, the heel-lock loops and the bow, with a title and a short legend.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.content.lacing import Run, Step

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

LACE_COLOURS = ("#1565c0", "#e65100")
"""The first lace blue, the second orange."""
WINDOW_COLOUR = "#43a047"
"""The window no lace crosses, shaded green."""
SHOE_EDGE, SHOE_FILL, TONGUE_FILL, EYELET = "#616161", "#eeeeee", "#fafafa", "#424242"
"""The shoe in greys, so the only colours are the laces' and the window's."""
HALF_WIDTH = 1.0
"""Eyelets sit this far left and right of the middle of the shoe."""
LOOP_OUT = 0.38
"""How far outside its eyelets a heel-lock loop reaches."""


@dataclass(frozen=True)
class DiagramLabels:
    """The picture's words, already in the runner's language (plain text)."""

    title: str
    toes: str
    ankle: str
    inside: str
    """Legend of a dashed run along the inside of the shoe (shown when the picture has one)."""
    unlaced: str
    """Legend of a hollow eyelet (shown when the picture has one)."""
    window: str | None = None
    """The window's name in the legend, when there is one."""
    laces: tuple[str, ...] = ()
    """One name per lace in a two-lace picture; none otherwise."""


@dataclass(frozen=True)
class LacingSpec:
    """Everything `draw` needs: eyelet rows, lace paths, empty eyelets, window and words."""

    rows: int
    laces: tuple[tuple[Step, ...], ...]
    unlaced: tuple[tuple[str, int], ...]
    """(side, row) of each eyelet left empty."""
    window: tuple[int, int] | None
    """The rows just below and just above the part no lace crosses."""
    labels: DiagramLabels


def draw(spec: LacingSpec) -> bytes:
    """Return the lacing diagram of `spec` as PNG bytes (matplotlib's Agg canvas)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 8.6), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.02, 0.12, 0.96, 0.8))
    axes.set_aspect("equal")
    axes.axis("off")
    top = spec.rows + 1.2
    axes.set_xlim(-2.6, 2.6)
    axes.set_ylim(-1.6, top + 0.5)
    _shoe(axes, spec.rows)
    if spec.window is not None:
        _window(axes, spec.window)
    for number, steps in enumerate(spec.laces):
        _lace(axes, steps, LACE_COLOURS[number % len(LACE_COLOURS)])
    _eyelets(axes, spec)
    axes.text(0, top, spec.labels.ankle, ha="center", va="bottom", fontsize=15, color=SHOE_EDGE)
    axes.text(0, -1.5, spec.labels.toes, ha="center", va="bottom", fontsize=15, color=SHOE_EDGE)
    figure.suptitle(spec.labels.title, fontsize=22, fontweight="bold", y=0.975)
    _legend(figure, spec)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _x(side: str) -> float:
    return -HALF_WIDTH if side == "l" else HALF_WIDTH


def _shoe(axes: Axes, rows: int) -> None:
    from matplotlib.patches import FancyBboxPatch

    outline = FancyBboxPatch(
        (-2.0, -1.0),
        4.0,
        rows + 1.6,
        boxstyle="round,pad=0,rounding_size=1.6",
        facecolor=SHOE_FILL,
        edgecolor=SHOE_EDGE,
        linewidth=2.5,
        zorder=0,
    )
    tongue = FancyBboxPatch(
        (-0.62, 0.4),
        1.24,
        rows + 0.5,
        boxstyle="round,pad=0,rounding_size=0.5",
        facecolor=TONGUE_FILL,
        edgecolor="#bdbdbd",
        linewidth=1.5,
        zorder=1,
    )
    axes.add_patch(outline)
    axes.add_patch(tongue)


def _window(axes: Axes, window: tuple[int, int]) -> None:
    from matplotlib.patches import Rectangle

    low, high = window
    axes.add_patch(
        Rectangle(
            (-HALF_WIDTH + 0.2, low + 0.15),
            2 * HALF_WIDTH - 0.4,
            high - low - 0.3,
            facecolor=WINDOW_COLOUR,
            alpha=0.3,
            edgecolor=WINDOW_COLOUR,
            linewidth=2,
            zorder=2,
        )
    )


def _loop_centre(steps: tuple[Step, ...], side: str) -> tuple[float, float]:
    """Return the middle of the heel-lock loop on `side`: beside the run up its outside."""
    for before, step in itertools.pairwise(steps):
        if step.run is Run.OVER and before.row and step.row and before.side == step.side == side:
            return _x(side) * (1 + LOOP_OUT / HALF_WIDTH), (before.row + step.row) / 2
    raise ValueError(f"no loop on side {side}")


def _point(steps: tuple[Step, ...], step: Step) -> tuple[float, float]:
    if step.row is None:
        return _loop_centre(steps, step.side)
    return _x(step.side), float(step.row)


def _lace(axes: Axes, steps: tuple[Step, ...], colour: str) -> None:
    from matplotlib.patches import Ellipse, FancyArrowPatch

    for before, step in itertools.pairwise(steps):
        start, end = _point(steps, before), _point(steps, step)
        if step.run is Run.INSIDE:
            bend = 0.25 if abs(end[1] - start[1]) > 1 else 0.0
            axes.add_patch(
                FancyArrowPatch(
                    start,
                    end,
                    connectionstyle=f"arc3,rad={bend if step.side == 'r' else -bend}",
                    arrowstyle="-",
                    linestyle=(0, (3, 2)),
                    linewidth=3.5,
                    color=colour,
                    alpha=0.9,
                    zorder=3,
                )
            )
        elif before.side == step.side and before.row and step.row:  # a loop up the outside
            centre = _loop_centre(steps, step.side)
            axes.add_patch(
                Ellipse(
                    centre,
                    2 * LOOP_OUT,
                    abs(end[1] - start[1]) + 0.35,
                    fill=False,
                    edgecolor=colour,
                    linewidth=4.5,
                    zorder=5,
                )
            )
        else:
            axes.plot(*zip(start, end, strict=True), color=colour, linewidth=5.5, zorder=4)
            axes.plot(*zip(start, end, strict=True), color="white", linewidth=1, zorder=4)
    highest = max(step.row or 0 for step in steps)
    _bow(axes, _point(steps, steps[0]), _point(steps, steps[-1]), highest + 0.5, colour)


def _bow(
    axes: Axes, first: tuple[float, float], last: tuple[float, float], y: float, colour: str
) -> None:
    """Draw both ends of a lace up to a bow tied at height `y`."""
    from matplotlib.patches import Ellipse

    knot = ((first[0] + last[0]) / 2, y)
    for end in (first, last):
        axes.plot(*zip(end, knot, strict=True), color=colour, linewidth=5.5, zorder=4)
    for side in (-1, 1):
        axes.add_patch(
            Ellipse(
                (knot[0] + side * 0.42, knot[1] + 0.12),
                0.8,
                0.36,
                angle=side * 18,
                fill=False,
                edgecolor=colour,
                linewidth=4,
                zorder=5,
            )
        )


def _eyelets(axes: Axes, spec: LacingSpec) -> None:
    from matplotlib.patches import Circle

    empty = set(spec.unlaced)
    for side in ("l", "r"):
        for row in range(1, spec.rows + 1):
            hollow = (side, row) in empty
            axes.add_patch(
                Circle(
                    (_x(side), row),
                    0.16,
                    facecolor="white" if hollow else EYELET,
                    edgecolor=EYELET,
                    linewidth=2.5,
                    zorder=7 if hollow else 3.5,
                )
            )


def _legend(figure: Figure, spec: LacingSpec) -> None:
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Artist] = []
    labels: list[str] = []
    for number, name in enumerate(spec.labels.laces):
        handles.append(Line2D([], [], color=LACE_COLOURS[number], linewidth=5.5))
        labels.append(name)
    if any(step.run is Run.INSIDE for steps in spec.laces for step in steps):
        handles.append(Line2D([], [], color=LACE_COLOURS[0], linewidth=3.5, linestyle=(0, (3, 2))))
        labels.append(spec.labels.inside)
    if spec.unlaced:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                markersize=13,
                markerfacecolor="white",
                markeredgecolor=EYELET,
                markeredgewidth=2.5,
                linestyle="none",
            )
        )
        labels.append(spec.labels.unlaced)
    if spec.window is not None and spec.labels.window:
        handles.append(Patch(facecolor=WINDOW_COLOUR, alpha=0.3, edgecolor=WINDOW_COLOUR))
        labels.append(spec.labels.window)
    if handles:
        figure.legend(
            handles,
            labels,
            loc="lower center",
            bbox_to_anchor=(0.5, 0.02),
            fontsize=15,
            frameon=False,
            handlelength=2.6,
        )
