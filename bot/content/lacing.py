"""The lacing diagrams' paths (`knowledge/lacing.yaml`): their steps parsed, and checked whole.

A path step names an eyelet as side and row (`l3`), reached over the top of the shoe or, with
`~`, along its inside; `>l` / `>r` goes through the heel-lock loop on that side. Used by the
loader to check each diagram, and by the screens to build the picture's plain spec.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.content.models import LacingTechnique


class Run(StrEnum):
    """How the lace gets to a step from the one before it."""

    OVER = "over"
    """Over the top of the shoe: across the foot, or up the outside (a heel-lock loop)."""
    INSIDE = "inside"
    """Along the inside of the shoe, straight up the same side: nothing presses on the foot."""
    THROUGH_LOOP = "loop"
    """Through the heel-lock loop on the step's side."""


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a lace's path: where the lace goes and how it gets there."""

    run: Run
    side: str
    """`l` or `r`."""
    row: int | None
    """The eyelet pair, 1 at the toes; None for a loop."""

    @property
    def eyelet(self) -> str | None:
        """Return the eyelet's name (`l3`), or None for a loop."""
        return None if self.row is None else f"{self.side}{self.row}"


def parse_step(text: str) -> Step:
    """Return the step written as `l3`, `~l3` or `>l` (already matched by the schema)."""
    if text.startswith(">"):
        return Step(Run.THROUGH_LOOP, text[1], None)
    if text.startswith("~"):
        return Step(Run.INSIDE, text[1], int(text[2:]))
    return Step(Run.OVER, text[0], int(text[1:]))


def parse_path(path: Iterable[str]) -> tuple[Step, ...]:
    """Return a lace's path as steps."""
    return tuple(parse_step(text) for text in path)


def loop_sides(technique: LacingTechnique) -> frozenset[str]:
    """Return the sides with a heel-lock loop: a run up the outside of one side."""
    sides: set[str] = set()
    for lace in technique.laces:
        steps = parse_path(lace.path)
        for before, step in itertools.pairwise(steps):
            if step.run is Run.OVER and before.row is not None and before.side == step.side:
                sides.add(step.side)
    return frozenset(sides)


def path_problems(technique: LacingTechnique) -> list[str]:
    """Return what is wrong with a diagram's paths, eyelets and window, in words."""
    problems: list[str] = []
    eyelets = {f"{side}{row}" for side in "lr" for row in range(1, technique.rows + 1)}
    laced: list[str] = []
    loops = loop_sides(technique)
    for number, lace in enumerate(technique.laces, start=1):
        steps = parse_path(lace.path)
        for index, step in enumerate(steps):
            at = f"lace {number} step {index + 1} ({lace.path[index]})"
            if step.run is Run.THROUGH_LOOP:
                if 0 < index < len(steps) - 1:
                    problems.append(f"{at}: a loop is gone through only at an end of the lace")
                if step.side not in loops:
                    problems.append(f"{at}: there is no loop on that side")
                continue
            if step.eyelet not in eyelets:
                problems.append(f"{at}: no such eyelet (the shoe has {technique.rows} rows)")
            laced.append(step.eyelet or "")
            before = steps[index - 1] if index else None
            if step.run is Run.INSIDE and (before is None or before.side != step.side):
                problems.append(f"{at}: inside the shoe, a lace only runs up its own side")
    for eyelet in sorted({e for e in laced if laced.count(e) > 1}):
        problems.append(f"eyelet {eyelet}: laced more than once")
    for eyelet in technique.unlaced:
        if eyelet not in eyelets:
            problems.append(f"unlaced {eyelet}: no such eyelet")
        elif eyelet in laced:
            problems.append(f"unlaced {eyelet}: but a lace goes through it")
    missing = eyelets - set(laced) - set(technique.unlaced)
    if missing:
        problems.append(f"eyelets {', '.join(sorted(missing))}: neither laced nor unlaced")
    if technique.window is not None:
        problems += _window_problems(technique)
    return problems


def _window_problems(technique: LacingTechnique) -> list[str]:
    window = technique.window
    if window is None:
        return []
    if window.to_row > technique.rows:
        return [f"window: row {window.to_row} is not on the shoe"]
    problems = []
    for number, lace in enumerate(technique.laces, start=1):
        steps = parse_path(lace.path)
        for before, step in itertools.pairwise(steps):
            if before.row is None or step.row is None or before.side == step.side:
                continue
            low, high = sorted((before.row, step.row))
            if low < window.to_row and high > window.from_row:
                problems.append(
                    f"window: lace {number} crosses it from {before.eyelet} to {step.eyelet}"
                )
    return problems
