"""A lacing diagram in the playground: "Show me how" under a result's lacing fix.

Saves build/screenshots/lacing-diagram.png.
"""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.browser.conftest import require_chromium, screenshot
from tests.browser.test_playground_page import SELF_CARE_PATH, answer, bot_messages, send

require_chromium()


async def test_show_me_how_shows_the_lacing_diagram(page: Page) -> None:
    await send(page, "/triage")
    for step, answer_id in enumerate(SELF_CARE_PATH):
        await answer(page, step, answer_id)
    result = bot_messages(page).last
    await expect(result).to_contain_text("Likely causes")
    # Numb on top of the foot: the window lacing fix comes with its diagram.
    show_me = result.locator('[data-testid="inline-button"][data-callback-data="l1:window"]')
    await expect(show_me).to_have_text("📐 Show me how: Window lacing")

    await show_me.click()
    photo = page.get_by_test_id("photo")
    await expect(photo).to_be_visible()
    assert await photo.evaluate("image => image.naturalWidth") >= 600
    await expect(bot_messages(page).last).to_contain_text("Window (gap) lacing")
    await photo.scroll_into_view_if_needed()
    await screenshot(page, "lacing-diagram.png")
