"""/history end to end: the list, its pages, the chart as a photo with its before/after line.

The shoe and its change go through /gear as a runner does them; the check-ins are written to
the database directly (the check-in flow has tests of its own), at times around the change.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from bot.app import BotApplication
from bot.content.loader import Knowledge
from bot.db.models import Checkin, Shoe
from tests.conftest import FakeClock
from tests.e2e.conftest import Runner, errors_logged, rows

START = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
CHANGE = datetime(2026, 10, 20, 18, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_errors_logged(caplog: pytest.LogCaptureFixture):
    yield
    assert errors_logged(caplog) == []


async def seed_checkins(app: BotApplication, user_id: int, runs: list[tuple[datetime, bool]]):
    """Store answered check-ins in the runner's only shoe: (run start, numb) each."""
    [shoe] = await rows(app, Shoe)
    values = [
        {
            "user_id": user_id,
            "run_at": run_at,
            "status": "answered",
            "answers": [["numb", "yes"], ["where", "top"]] if numb else [["numb", "no"]],
            "numb": numb,
            "shoe_id": shoe["id"],
            "created_at": run_at,
            "answered_at": run_at + timedelta(hours=1),
        }
        for run_at, numb in runs
    ]
    async with app.bot_data.db_engine.begin() as connection:
        await connection.execute(insert(Checkin), values)


async def pegasus_laced_anew(runner: Runner, knowledge: Knowledge, clock: FakeClock) -> None:
    """Pegasus 40, criss-cross laced, 4 runs (3 numb); window lacing; 5 runs (1 numb)."""
    clock.current = START
    await runner.add_shoe("Pegasus 40", {"lacing": "criss_cross"}, tuple(knowledge.gear))
    before = [(START + timedelta(days=2 * n + 1), n < 3) for n in range(4)]
    await seed_checkins(runner.app, runner.user_id, before)
    clock.current = CHANGE
    await runner.send("/gear")
    await runner.press("⭐ Pegasus 40")
    await runner.press("✏️ Lacing")
    await runner.choose_gear("lacing", "window")
    after = [(CHANGE + timedelta(days=3 * n + 1), n == 2) for n in range(5)]
    await seed_checkins(runner.app, runner.user_id, after)
    clock.current = NOW


async def test_history_sends_the_list_then_the_chart_with_the_change(
    runner: Runner, knowledge: Knowledge, clock: FakeClock
) -> None:
    await pegasus_laced_anew(runner, knowledge, clock)
    await runner.send("/history")

    listing, chart = runner.api.bot_messages(runner.user_id)[-2:]
    assert listing.text.splitlines()[:3] == [
        "📋 Your check-ins and checks",
        "",
        "2 Nov · ✅ no numbness · in Pegasus 40",
    ]
    assert "27 Oct · 😣 numb · Top of foot · in Pegasus 40" in listing.text
    assert [label for label, _ in runner.api.buttons(listing)] == ["‹ Older"]
    assert chart.media is not None
    assert chart.media.kind == "photo"
    assert chart.media.file.content is not None
    assert chart.media.file.content.startswith(b"\x89PNG")
    assert chart.media.file.mime_type == "image/png"  # uploaded under a .png name
    assert chart.text.startswith("📈 9 runs in the last 12 weeks")
    assert (
        "Pegasus 40 since Lacing: Window (gap) on 20 Oct: 1 of 5 runs numb; before: 3 of 4"
        in chart.text.splitlines()
    )


async def test_older_pages_edit_the_list_in_place(
    runner: Runner, knowledge: Knowledge, clock: FakeClock
) -> None:
    await pegasus_laced_anew(runner, knowledge, clock)
    await runner.send("/history")
    listing = runner.keyboard_message

    await runner.press("‹ Older", listing)
    edited = runner.api.bot_messages(runner.user_id)[-2]
    assert edited.message_id == listing.message_id
    assert edited.text.splitlines()[0] == "📋 Your check-ins and checks · page 2"
    assert edited.text.splitlines()[-1] == "2 Oct · 😣 numb · Top of foot · in Pegasus 40"
    assert [label for label, _ in runner.api.buttons(edited)] == ["Newer ›"]

    await runner.press_data("h1:40", listing.message_id, forge=True)
    assert runner.toasts()[-1] == knowledge.catalog.texts("en")("history.page_gone")
    await runner.press_data("h1:x", listing.message_id, forge=True)
    assert runner.toasts()[-1] == knowledge.catalog.texts("en")("history.invalid_button")


async def test_too_few_check_ins_get_no_chart(runner: Runner, clock: FakeClock) -> None:
    clock.current = NOW
    await runner.send("/history")
    empty, needed = runner.api.bot_messages(runner.user_id)[-2:]
    assert "Nothing here yet." in empty.text
    assert needed.media is None
    assert "so far there are 0" in needed.text


async def test_a_deleted_shoes_runs_stay_in_the_history(
    runner: Runner, knowledge: Knowledge, clock: FakeClock
) -> None:
    await pegasus_laced_anew(runner, knowledge, clock)
    await runner.send("/gear")
    await runner.press("⭐ Pegasus 40")
    await runner.press("🗑")
    await runner.press("🗑")
    assert await rows(runner.app, Shoe) == []
    await runner.send("/history")
    listing, chart = runner.api.bot_messages(runner.user_id)[-2:]
    assert "2 Nov · ✅ no numbness · in a deleted shoe" in listing.text
    assert chart.media is not None
    assert chart.text.startswith("📈 9 runs in the last 12 weeks")
    assert "since" not in chart.text  # a deleted shoe's changes have no name to show
