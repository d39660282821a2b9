"""The whole story in the browser, step by step, as a new runner would try it.

Open the page, /start, a check finished by pressing buttons, a shoe set up (and a second one
named), a run planned, the clock moved to the run's tip and then to its check-in, answered
down to "which shoes were you in?". Each step's screenshot lands in build/screenshots/:
01-start.png, 02-triage-question.png, 03-triage-result.png, 04-gear-shoe.png, 05-runs.png,
06-tip.png, 07-checkin-which-shoes.png and 08-checkin-done.png.
"""

from __future__ import annotations

import re

from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import require_chromium, screenshot
from tests.browser.test_playground_page import SELF_CARE_PATH, SHOE, answer, bot_messages, send

require_chromium()


def buttons(message: Locator) -> Locator:
    return message.get_by_test_id("inline-button")


async def tap(page: Page, label: str) -> None:
    """Press the inline button labelled `label` on the bot's latest message."""
    await buttons(bot_messages(page).last).filter(has_text=label).first.click()


async def test_a_new_runner_tries_everything_in_order(page: Page) -> None:
    next_run = page.get_by_test_id("clock-next-run")
    await expect(page.get_by_test_id("empty-chat")).to_be_visible()
    await expect(next_run).to_be_disabled()

    # 1. /start: the welcome, formatted, with its button into the check.
    await send(page, "/start")
    welcome = bot_messages(page).last
    await expect(welcome).to_contain_text("Hi Alex!")
    await expect(welcome.locator("b").first).to_have_text("Numb Feet Bot")
    await screenshot(page, "01-start.png")

    # 2–3. The check, button by button, edited in place; the emergency screen comes first.
    await buttons(welcome).click()
    question = bot_messages(page).last
    await expect(question).to_contain_text("Tap the one that fits")
    await expect(buttons(question)).to_contain_text(["None of these"])
    await screenshot(page, "02-triage-question.png")
    for step, answer_id in enumerate(SELF_CARE_PATH):
        await answer(page, step, answer_id)
    result = bot_messages(page).last
    await expect(result).to_contain_text("Send /triage to check again")
    await expect(result).to_contain_text("/gear")  # no shoe yet: the invitation
    await expect(result.get_by_test_id("edited-marker")).to_have_text("edited")
    # The only buttons left show the lacing fixes' diagrams (tests/browser/test_lacing_page.py).
    await expect(buttons(result)).to_have_count(3)
    for button in await buttons(result).all():
        await expect(button).to_have_attribute("data-callback-data", re.compile(r"^l1:"))
    await result.evaluate("message => message.scrollIntoView({block: 'start'})")
    await screenshot(page, "03-triage-result.png")

    # 4. /gear: a shoe named by typing, set up by buttons; a second one only named.
    await send(page, "/gear")
    await tap(page, "Add a shoe")
    await expect(bot_messages(page).last).to_contain_text("Send me a name for it")
    await send(page, "Pegasus 40")
    set_up = bot_messages(page).last
    await expect(set_up).to_contain_text("Added Pegasus 40 as your default shoe")
    for setting, option in SHOE.items():
        button = set_up.locator(
            f'[data-testid="inline-button"][data-callback-data$=":{setting}:w:{option}"]'
        )
        await button.click()
        await expect(button).to_have_count(0)
    await expect(set_up).to_contain_text("Your default shoe. Check results refer to it.")
    await set_up.evaluate("message => message.scrollIntoView({block: 'start'})")
    await screenshot(page, "04-gear-shoe.png")
    await send(page, "/gear")
    await tap(page, "Add a shoe")
    await send(page, "Trail shoes")
    await expect(bot_messages(page).last).to_contain_text("Added Trail shoes")
    await tap(page, "Finish later")
    await expect(bot_messages(page).last).to_contain_text("Not your default shoe")

    # 5. /runs: a run tomorrow at 07:00, the time zone asked first.
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
    await screenshot(page, "05-runs.png")

    # 6. "Next run" moves the clock to the tip; the dispatcher sends it at once.
    await next_run.click()
    await expect(bot_messages(page).last).to_contain_text("Your run at 07:00 is coming up")
    await expect(buttons(bot_messages(page).last)).to_contain_text(
        ["Skip this run", "Pause reminders"]
    )
    await screenshot(page, "06-tip.png")

    # 7. And to the check-in, answered by buttons in one message, down to the shoes.
    await next_run.click()
    checkin = bot_messages(page).last
    await expect(checkin).to_contain_text("How was your run at 07:00?")
    checkin_id = await checkin.get_attribute("data-message-id")
    for label in ("Yes", "Toes", "Within 5 minutes", "None of these"):
        await tap(page, label)
    await expect(checkin).to_contain_text("Which shoes were you in?")
    await expect(buttons(checkin)).to_have_text(["⭐ Pegasus 40", "Trail shoes", "Not sure"])
    await screenshot(page, "07-checkin-which-shoes.png")

    # 8. The thanks, with the tip worded for the pair worn: snug, with thick socks.
    await tap(page, "Pegasus 40")
    await expect(checkin).to_contain_text("Thanks, noted.")
    await expect(checkin).to_contain_text(
        "Your Pegasus 40 leave your toes little room, and you wear thick socks"
    )
    await expect(buttons(checkin)).to_have_count(0)
    assert await bot_messages(page).last.get_attribute("data-message-id") == checkin_id
    await expect(next_run).to_be_disabled()
    await screenshot(page, "08-checkin-done.png")
