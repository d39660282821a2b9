"""Lacing diagrams: one picture per lacing fix and tip, drawn in the worker, buttons on screens."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime

import numpy
import pytest
from PIL import Image

from bot import pictures
from bot.config import PROJECT_ROOT
from bot.content.loader import Knowledge, load_knowledge
from bot.services.checkins import CheckinDone
from bot.services.reminders import Outgoing
from bot.ui import callback_data, lacing_screens, schedule_screens
from bot.ui.lacing_diagram import LACE_COLOURS, draw

KNOWLEDGE = load_knowledge(PROJECT_ROOT / "knowledge")
SHOWN = sorted({**KNOWLEDGE.fix_diagrams, **KNOWLEDGE.tip_diagrams}.items())
"""Every fix, fix variant and tip with a diagram, and its technique."""


def lace_pixels(png: bytes, colour: str) -> int:
    """Count the pixels of `colour` (#rrggbb) in a PNG."""
    pixels = numpy.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    wanted = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return int((pixels == wanted).all(axis=2).sum())


@pytest.mark.parametrize(("shown", "technique_id"), SHOWN, ids=[s for s, _ in SHOWN])
def test_each_lacing_fix_and_tip_draws_its_diagram(shown: str, technique_id: str) -> None:
    t = KNOWLEDGE.catalog.texts("en")
    technique = KNOWLEDGE.lacing[technique_id]
    png = draw(lacing_screens.diagram_spec(t, technique))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width >= 600, "readable on a phone"
    assert image.height > image.width, "a shoe seen from above is tall"
    for number in range(len(technique.laces)):
        assert lace_pixels(png, LACE_COLOURS[number]) > 2000, f"lace {number + 1} is drawn"
    assert len(lacing_screens.caption(t, technique)) <= 1024


def test_two_laces_are_drawn_in_two_colours_and_one_lace_in_one() -> None:
    t = KNOWLEDGE.catalog.texts("en")
    two = draw(lacing_screens.diagram_spec(t, KNOWLEDGE.lacing["two_laces"]))
    one = draw(lacing_screens.diagram_spec(t, KNOWLEDGE.lacing["window"]))
    assert lace_pixels(two, LACE_COLOURS[1]) > 2000
    assert lace_pixels(one, LACE_COLOURS[1]) == 0


async def test_the_picture_worker_draws_what_draw_draws() -> None:
    t = KNOWLEDGE.catalog.texts("en")
    spec = lacing_screens.diagram_spec(t, KNOWLEDGE.lacing["heel_lock"])
    try:
        first = await pictures.render(draw, spec)
        pictures.shutdown()
        again = await pictures.render(draw, spec)  # a stopped worker starts anew
    finally:
        pictures.shutdown()
    assert first == again == draw(spec)


def test_the_bot_s_own_process_never_imports_matplotlib() -> None:
    script = (
        "import sys\n"
        "import bot.app, bot.handlers.lacing, bot.ui.lacing_screens, bot.pictures\n"
        "assert not [m for m in sys.modules if m.startswith('matplotlib')], 'matplotlib'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=PROJECT_ROOT)


def test_a_lacing_tip_offers_its_diagram_above_skip_and_pause(knowledge: Knowledge) -> None:
    t = knowledge.catalog.texts("en")
    run_at = datetime(2026, 5, 4, 7, tzinfo=UTC)
    tip = Outgoing(1, run_at, "tip", 7, "en", run_at, "UTC", 3, tip_id="heel_lock")
    keyboard = schedule_screens.tip_message(t, knowledge, tip).keyboard
    assert keyboard is not None
    first, *rest = keyboard.inline_keyboard
    assert [b.callback_data for b in first] == [callback_data.lacing("heel_lock")]
    assert len(rest) == 1, "skip and pause stay"
    plain = Outgoing(1, run_at, "tip", 7, "en", run_at, "UTC", 3, tip_id="thumb_space")
    keyboard = schedule_screens.tip_message(t, knowledge, plain).keyboard
    assert keyboard is not None
    assert all(
        not str(b.callback_data).startswith("l1:") for row in keyboard.inline_keyboard for b in row
    )


@pytest.mark.parametrize(
    ("fix", "technique_id"),
    [("fix_gap_lacing", "window"), ("fix_skip_more", "skip_low"), ("fix_roomy_shoes", None)],
)
def test_a_check_in_s_thanks_offer_the_diagram_of_its_tip(
    knowledge: Knowledge, fix: str, technique_id: str | None
) -> None:
    t = knowledge.catalog.texts("en")
    screen = schedule_screens.checkin_done(t, knowledge, CheckinDone(numb=True, fix=fix, shoe="X"))
    if technique_id is None:
        assert screen.keyboard is None
        return
    assert screen.keyboard is not None
    [[button]] = screen.keyboard.inline_keyboard
    assert button.callback_data == callback_data.lacing(technique_id)


def test_show_me_buttons_are_few_and_each_once(knowledge: Knowledge) -> None:
    fixes = ["fix_gap_lacing", "fix_relace_window", "fix_heel_lock", "fix_drop_top"]
    fixes += ["fix_skip_eyelets", "fix_socks"]
    assert lacing_screens.techniques_for_fixes(knowledge, fixes) == (
        "window",
        "heel_lock",
        "drop_top",
    )
    for technique_id in knowledge.lacing:
        assert len(callback_data.lacing(technique_id).encode()) <= callback_data.MAX_BYTES
        assert callback_data.decode_lacing(callback_data.lacing(technique_id)) == technique_id
