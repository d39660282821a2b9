"""A runner plans a run in the playground, jumps the clock to it and answers the check-in.

Screenshots land in build/screenshots/ (06-runs.png, 07-tip.png, 08-checkin.png).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        "Chromium is not installed; `make browser-deps` installs it (CI does)",
        allow_module_level=True,
    )

from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_playground_page import bot_messages, send


async def tap(page: Page, label: str) -> None:
    """Press the inline button labelled `label` on the bot's latest message."""
    button = bot_messages(page).last.get_by_test_id("inline-button").filter(has_text=label)
    await button.first.click()


async def test_plan_a_run_jump_to_it_and_answer_the_checkin(page: Page) -> None:
    next_run = page.get_by_test_id("clock-next-run")
    await expect(next_run).to_be_disabled()

    # /runs, then add a one-off run tomorrow at 07:00; the time zone is asked first.
    await send(page, "/runs")
    await expect(bot_messages(page).last).to_contain_text("No runs planned yet")
    await tap(page, "Add a run")
    await expect(bot_messages(page).last).to_contain_text("First, your time zone")
    await tap(page, "Europe/Berlin")
    await expect(bot_messages(page).last).to_contain_text("which days?")
    await tap(page, "Just once")
    await tap(page, "Tomorrow")
    await expect(bot_messages(page).last).to_contain_text("What time do you start?")
    await tap(page, "07:00")
    await tap(page, "30 min")
    await expect(bot_messages(page).last).to_contain_text("New run")
    await tap(page, "Save")
    await expect(bot_messages(page).last).to_contain_text("Times are in Europe/Berlin.")
    await expect(next_run).to_be_enabled()
    await screenshot(page, "06-runs.png")

    # "Next run" jumps the clock to the tip; the dispatcher sends it at once.
    await next_run.click()
    await expect(bot_messages(page).last).to_contain_text("Your run at 07:00 is coming up")
    await expect(bot_messages(page).last.get_by_test_id("inline-button")).to_contain_text(
        ["Skip this run", "Pause reminders"]
    )
    await screenshot(page, "07-tip.png")

    # And again to the check-in, answered with buttons, edited in place.
    await next_run.click()
    checkin = bot_messages(page).last
    await expect(checkin).to_contain_text("How was your run at 07:00?")
    await tap(page, "Yes")
    await expect(bot_messages(page).last).to_contain_text("Where did you feel it?")
    await tap(page, "Toes")
    await tap(page, "Gone within minutes")
    await expect(bot_messages(page).last).to_contain_text("Thanks, noted.")
    await expect(bot_messages(page).last).to_contain_text("Something to try next time")
    await expect(next_run).to_be_disabled()
    await screenshot(page, "08-checkin.png")
