"""/history in the playground: the list, and the chart as a photo at a phone's width.

The runner's shoe, its change and twelve weeks of check-ins are written into the playground's
database (the check-in flow is tested elsewhere); the chart is drawn by the picture worker and
shown like any photo. Screenshot: 13-history.png.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.async_api import Page, expect

from bot.playground.server import FIRST_RUNNER_ID
from tests.browser.conftest import require_chromium, screenshot
from tests.browser.test_playground_page import bot_messages, send

require_chromium()


def stored(moment: datetime) -> str:
    """Return a UTC time as SQLAlchemy stores it in SQLite."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def seed(database: Path, now: datetime) -> None:
    """Pegasus 40, window-laced five weeks ago, and two runs a week for twelve weeks."""
    changed = now - timedelta(weeks=5)
    stamp = stored(now - timedelta(weeks=13))
    with sqlite3.connect(database) as db:
        shoe = db.execute(
            "INSERT INTO shoes (user_id, name, is_default, settings, created_at, updated_at)"
            " VALUES (?, 'Pegasus 40', 1, '{\"lacing\": \"window\"}', ?, ?)",
            (FIRST_RUNNER_ID, stamp, stamp),
        ).lastrowid
        db.execute(
            "INSERT INTO gear_changes (user_id, shoe_id, setting, old_value, new_value,"
            " changed_at) VALUES (?, ?, 'lacing', 'criss_cross', 'window', ?)",
            (FIRST_RUNNER_ID, shoe, stored(changed)),
        )
        for n in range(24):
            run_at = now - timedelta(days=3.3 * n + 1)
            numb = n % 3 == 0 if run_at > changed else n % 3 != 0
            worn = shoe if n % 5 else None
            db.execute(
                "INSERT INTO checkins (user_id, run_at, status, answers, numb, shoe_id,"
                " created_at, answered_at) VALUES (?, ?, 'answered', ?, ?, ?, ?, ?)",
                (
                    FIRST_RUNNER_ID,
                    stored(run_at),
                    '[["numb", "yes"], ["where", "toes"]]' if numb else '[["numb", "no"]]',
                    numb,
                    worn,
                    stored(run_at),
                    stored(run_at + timedelta(hours=1)),
                ),
            )


async def test_history_shows_the_chart_in_the_playground(page: Page, tmp_path: Path) -> None:
    await send(page, "/start")
    await expect(bot_messages(page).last).to_contain_text("Hi Alex!")
    seed(tmp_path / "playground.db", datetime.now(UTC))

    await send(page, "/history")
    photo = page.get_by_test_id("photo")
    await expect(photo).to_be_visible(timeout=30_000)
    await expect(photo).to_have_js_property("complete", True)
    assert await photo.evaluate("image => image.naturalWidth") == 960
    chart = bot_messages(page).last
    await expect(chart).to_contain_text("24 runs in the last 12 weeks")
    await expect(chart).to_contain_text("Pegasus 40 since Lacing: Window (gap)")
    await expect(bot_messages(page).nth(-2)).to_contain_text("📋 Your check-ins and checks")
    await photo.scroll_into_view_if_needed()
    await screenshot(page, "13-history.png")
