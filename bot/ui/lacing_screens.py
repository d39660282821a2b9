"""Lacing diagrams on screen: "Show me how" buttons, and each picture's spec and caption.

The buttons go under the lacing fixes of a result, a tip or a check-in's thanks; the spec and
caption are in the runner's language (`knowledge/lacing.yaml`).
"""

from __future__ import annotations

from collections.abc import Iterable

from telegram import InlineKeyboardButton

from bot.content import keys
from bot.content.catalog import Texts
from bot.content.lacing import parse_path
from bot.content.loader import Knowledge
from bot.content.models import LacingTechnique
from bot.ui import callback_data
from bot.ui.lacing_diagram import DiagramLabels, LacingSpec

MAX_BUTTONS = 3
"""At most this many "Show me how" buttons under one message, to keep keyboards small."""


def techniques_for_fixes(knowledge: Knowledge, fix_ids: Iterable[str]) -> tuple[str, ...]:
    """Return the diagrams the fixes shown call for, each once, in the order of the fixes."""
    found = (knowledge.fix_diagrams.get(fix_id) for fix_id in fix_ids)
    return tuple(dict.fromkeys(t for t in found if t is not None))[:MAX_BUTTONS]


def show_me_rows(t: Texts, technique_ids: Iterable[str]) -> list[list[InlineKeyboardButton]]:
    """Return one "Show me how" button row per technique."""
    return [
        [
            InlineKeyboardButton(
                t.markup("lacing_flow.button", name=t(keys.lacing_name(technique_id))),
                callback_data=callback_data.lacing(technique_id),
            )
        ]
        for technique_id in technique_ids
    ]


def caption(t: Texts, technique: LacingTechnique) -> str:
    """Return the caption sent under a technique's diagram (Telegram HTML)."""
    return t(keys.lacing_caption(technique.id))


def diagram_spec(t: Texts, technique: LacingTechnique) -> LacingSpec:
    """Return the plain spec the picture worker draws a technique's diagram from."""
    window = technique.window
    two_laces = len(technique.laces) > 1
    return LacingSpec(
        rows=technique.rows,
        laces=tuple(parse_path(lace.path) for lace in technique.laces),
        unlaced=tuple((eyelet[0], int(eyelet[1:])) for eyelet in technique.unlaced),
        window=None if window is None else (window.from_row, window.to_row),
        labels=DiagramLabels(
            title=t(keys.lacing_name(technique.id)),
            toes=t("lacing_flow.toes"),
            ankle=t("lacing_flow.ankle"),
            inside=t("lacing_flow.inside"),
            unlaced=t("lacing_flow.unlaced"),
            window=None if window is None else t(keys.lacing_window(technique.id)),
            laces=tuple(
                t(keys.lacing_lace(technique.id, number))
                for number in range(1, len(technique.laces) + 1)
            )
            if two_laces
            else (),
        ),
    )
