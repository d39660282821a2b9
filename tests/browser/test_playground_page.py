"""The playground page in headless Chromium: what it offers besides the story's steps.

test_story_page.py walks the whole story (screenshots 01 to 08); these tests cover the command
menu, several runners, the clock, fixes fitted to a shoe, alerts, a failed refresh and media
(screenshots 09-second-runner.png, 10-clock.png, 11-gear-result.png, 12-media.png).
"""

from __future__ import annotations

import asyncio
import json
import re
import struct
import zlib

import aiohttp
from playwright.async_api import Page, Route, expect
from telegram import Bot, ReplyKeyboardMarkup

from bot.content.keys import COMMANDS
from bot.playground.run import PLAYGROUND_TOKEN
from bot.playground.server import FIRST_RUNNER_ID
from tests.browser.conftest import require_chromium, screenshot
from tests.e2e.test_lacing import SELF_CARE_TOP_OF_FOOT

require_chromium()

SELF_CARE_PATH = SELF_CARE_TOP_OF_FOOT
"""The classic self-care path through knowledge/triage.yaml, one answer id per question."""


def bot_messages(page: Page):  # type: ignore[no-untyped-def]
    return page.locator('[data-testid="message"][data-side="bot"]')


async def send(page: Page, text: str) -> None:
    """Type a message and press Enter, as a person would."""
    await page.get_by_test_id("message-input").fill(text)
    await page.get_by_test_id("message-input").press("Enter")


async def answer(page: Page, step: int, answer_id: str) -> None:
    """Press the triage button for question `step` and wait for the next screen."""
    button = page.locator(
        f'[data-testid="inline-button"][data-callback-data$=":{step}:{answer_id}"]'
    )
    await button.click()
    await expect(button).to_have_count(0)


async def test_a_runner_tries_the_bot_in_the_browser(page: Page) -> None:
    # The page looks like a Telegram chat with the bot, and says it is not Telegram.
    await expect(page.get_by_test_id("bot-name")).to_have_text("Numb Feet Bot")
    await expect(page.get_by_test_id("sandbox-badge")).to_have_text("Local sandbox — not Telegram")
    await expect(page.get_by_test_id("empty-chat")).to_be_visible()

    # /start: the welcome (the story test looks at it and at a whole check closely).
    await send(page, "/start")
    await expect(bot_messages(page).last).to_contain_text("Hi Alex!")
    user_message = page.locator('[data-testid="message"][data-side="user"]').last
    await expect(user_message).to_have_text(re.compile(r"^/start"))

    # The "/" menu lists the published commands with descriptions; choosing one sends it.
    await page.get_by_test_id("menu-button").click()
    menu = page.get_by_test_id("command-menu")
    await expect(menu).to_be_visible()
    await expect(menu.get_by_test_id("command-item")).to_have_count(len(COMMANDS))
    await expect(menu).to_contain_text("Check your numb or tingling feet")
    await menu.locator('[data-command="help"]').click()
    await expect(menu).to_be_hidden()
    await expect(bot_messages(page).last).to_contain_text("/triage")

    # A /command in the bot's text can be tapped, as in Telegram; it starts a check.
    await bot_messages(page).last.locator('.tg-command[data-command="/triage"]').first.click()
    # An abandoned check's button gets a toast, and its buttons go away.
    await expect(bot_messages(page).last).to_contain_text("Tap the one that fits")
    old_id = await bot_messages(page).last.get_attribute("data-message-id")
    old_check = page.locator(f'[data-testid="message"][data-message-id="{old_id}"]')
    await send(page, "/triage")
    await expect(bot_messages(page)).to_have_count(4)
    await old_check.locator('[data-callback-data$=":0:none"]').click()
    await expect(page.get_by_test_id("toast")).to_have_text(
        "This check is over. Send /triage to start a new one."
    )
    await expect(old_check.get_by_test_id("inline-button")).to_have_count(0)

    # A second runner has a chat of their own.
    await page.get_by_test_id("new-runner-button").click()
    await page.get_by_test_id("new-runner-name").fill("Maria")
    await page.get_by_test_id("new-runner-language").fill("en")
    await page.get_by_test_id("new-runner-create").click()
    await expect(page.get_by_test_id("runner-select")).to_contain_text("Maria")
    await expect(page.get_by_test_id("empty-chat")).to_be_visible()
    await send(page, "/start")
    await expect(bot_messages(page).last).to_contain_text("Hi Maria!")
    await expect(bot_messages(page)).to_have_count(1)
    await screenshot(page, "09-second-runner.png")

    # Switching back shows the first runner's chat as it was.
    select = page.get_by_test_id("runner-select")
    maria = await select.input_value()
    await select.select_option(str(FIRST_RUNNER_ID))
    await expect(bot_messages(page).first).to_contain_text("Hi Alex!")
    await expect(bot_messages(page)).to_have_count(4)
    await select.select_option(maria)
    await expect(bot_messages(page).first).to_contain_text("Hi Maria!")

    # The clock moves forward; "Next run" waits until this runner plans a run.
    clock = page.get_by_test_id("clock-now")
    before = await clock.get_attribute("datetime")
    await page.get_by_test_id("clock-1h").click()
    await expect(clock).not_to_have_attribute("datetime", before or "")
    await page.get_by_test_id("clock-next-day").click()
    next_run = page.get_by_test_id("clock-next-run")
    await expect(next_run).to_be_disabled()
    await expect(next_run).to_have_attribute("title", "No reminder planned for this runner")
    await send(page, "/help")
    await expect(page.get_by_test_id("date-chip")).to_have_count(2)
    after = await clock.get_attribute("datetime")
    assert before is not None
    assert after is not None
    assert after[:10] > before[:10], "the next day"
    await screenshot(page, "10-clock.png")


SHOE = {
    "fit": "snug",
    "lacing": "criss_cross",
    "lacing_tightness": "firm",
    "socks": "thick",
    "insoles": "stock",
}
"""A shoe set up button by button: snug, criss-cross laced firm, thick socks."""


async def test_a_runner_sets_up_a_shoe_and_the_fixes_fit_it(page: Page) -> None:
    # /gear invites the runner to add a shoe; the name is typed, like in Telegram.
    await send(page, "/gear")
    await expect(bot_messages(page).last).to_contain_text("Tell me about the shoes you run in")
    await bot_messages(page).last.get_by_test_id("inline-button").click()
    await expect(bot_messages(page).last).to_contain_text("Send me a name for it")
    await send(page, "Pegasus 40")
    set_up = bot_messages(page).last
    await expect(set_up).to_contain_text("Added Pegasus 40 as your default shoe")

    # Every question by buttons, in one message edited in place, ending on the shoe's card.
    for number, (setting, option) in enumerate(SHOE.items(), start=1):
        await expect(set_up).to_contain_text(f"question {number} of {len(SHOE)}")
        button = set_up.locator(
            f'[data-testid="inline-button"][data-callback-data$=":{setting}:w:{option}"]'
        )
        await button.click()
        await expect(button).to_have_count(0)
    await expect(set_up).to_contain_text("Your default shoe. Check results refer to it.")
    await expect(set_up).to_contain_text("Tightness: Firm")
    await expect(set_up).to_contain_text("Socks: Thick or cushioned")
    await expect(set_up.get_by_test_id("edited-marker")).to_have_text("edited")

    # A check about the top of the foot now gives fixes for this very shoe.
    await send(page, "/triage")
    await expect(bot_messages(page).last).to_contain_text("Tap the one that fits")
    for step, answer_id in enumerate(SELF_CARE_PATH):
        await answer(page, step, answer_id)
    result = bot_messages(page).last
    await expect(result).to_contain_text("Try window lacing over the sore spot on your Pegasus 40")
    await expect(result.locator("b", has_text="Pegasus 40").first).to_be_visible()
    await result.evaluate("message => message.scrollIntoView({block: 'start'})")
    await screenshot(page, "11-gear-result.png")


async def test_an_alert_answer_opens_a_modal(page: Page) -> None:
    """show_alert answers open a modal; the page takes them from the chat's recent answers.

    The alert is added to every chat the page reads. The page reads on after the alert shows
    (the reply to /help is a change too), so the route goes before the test ends, once its
    running handlers are done: closing the page under a handler fails the handler.
    """
    await send(page, "/start")
    await expect(bot_messages(page)).to_have_count(1)
    alert = {"id": "99", "text": "That button doesn't work any more.", "show_alert": True}

    async def with_alert(route: Route) -> None:
        response = await route.fetch()
        chat = await response.json()
        chat["callback_answers"].append({**alert, "answered_at": 0})
        await route.fulfill(response=response, body=json.dumps(chat))

    await page.route("**/playground/api/runners/*/chat", with_alert)
    await send(page, "/help")
    await expect(page.get_by_test_id("alert")).to_be_visible()
    await expect(page.get_by_test_id("alert-text")).to_have_text(alert["text"])
    await expect(bot_messages(page)).to_have_count(2)
    await page.unroute_all(behavior="wait")
    await page.get_by_test_id("alert-ok").click()
    await expect(page.get_by_test_id("alert")).to_be_hidden()


async def test_a_command_sent_before_the_menu_loads_leaves_it_closed(page: Page) -> None:
    """A command sent before the menu's list arrives leaves the menu closed.

    Typing "/help" opens the command menu, whose list is fetched. The menu used to open when
    the list came, after the message had gone, over the chat and in the way of the next tap.
    """
    await send(page, "/start")
    await expect(bot_messages(page)).to_have_count(1)
    menu = page.get_by_test_id("command-menu")
    list_asked = asyncio.Event()
    release = asyncio.Event()

    async def held(route: Route) -> None:
        list_asked.set()
        await release.wait()
        await route.continue_()

    await page.route("**/playground/api/runners/*/commands", held)
    await send(page, "/help")
    await list_asked.wait()
    await expect(bot_messages(page)).to_have_count(2)
    async with page.expect_response("**/playground/api/runners/*/commands"):
        release.set()
    await page.unroute_all(behavior="wait")
    # The page reads the held list's body and then decides; a timer runs after that.
    await page.evaluate("() => new Promise((done) => setTimeout(done, 200))")
    await expect(menu).to_be_hidden()


async def test_a_failed_refresh_is_tried_again(page: Page, playground: str) -> None:
    """A change whose refresh fails still shows: the page polls again instead of waiting."""
    await send(page, "/start")
    await expect(bot_messages(page)).to_have_count(1)
    # Wait until the page shows the server's latest change and reads nothing more, so the
    # one refresh that can fail below is the one the new message brings.
    latest = f"{playground}/playground/api/changes?since=-1"
    async with aiohttp.ClientSession() as http, http.get(latest) as changes:
        version = (await changes.json())["version"]
    await page.wait_for_function(
        "version => state.version === version && state.refreshing === null", arg=version
    )
    failures: list[str] = []

    async def fail_once(route: Route) -> None:
        if failures:
            await route.continue_()
            return
        failures.append(route.request.url)
        await route.fulfill(status=503, json={"error": "busy"})

    await page.route("**/playground/api/runners/*/chat", fail_once)
    # One Bot API call is one change (PTB's Bot would call getMe first: a change of its own).
    send_message = f"{playground}/bot{PLAYGROUND_TOKEN}/sendMessage"
    message = {"chat_id": FIRST_RUNNER_ID, "text": "One change, and its refresh fails"}
    async with aiohttp.ClientSession() as http, http.post(send_message, json=message) as sent:
        assert sent.status == 200
    await expect(bot_messages(page).last).to_have_text(re.compile("^One change"))
    assert len(failures) == 1
    await page.unroute_all(behavior="wait")


def tiny_png() -> bytes:
    """A real 8×8 orange PNG, so the browser can draw it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xf5\xa6\x23" * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def test_photos_documents_and_reply_keyboards(page: Page, playground: str) -> None:
    """What this bot doesn't send yet still shows as in Telegram: files and reply keyboards."""
    bot = Bot(
        PLAYGROUND_TOKEN, base_url=f"{playground}/bot", base_file_url=f"{playground}/file/bot"
    )
    async with bot:
        await bot.send_photo(FIRST_RUNNER_ID, tiny_png(), caption="Your <b>lacing</b> plan")
        await bot.send_document(
            FIRST_RUNNER_ID, b"%PDF-1.4 plan", filename="plan.pdf", caption="The plan as a file"
        )
        keyboard = ReplyKeyboardMarkup([["Yes", "No"]], one_time_keyboard=True)
        await bot.send_message(FIRST_RUNNER_ID, "Did it help?", reply_markup=keyboard)

    photo = page.get_by_test_id("photo")
    await expect(photo).to_be_visible()
    assert await photo.evaluate("image => image.naturalWidth") == 8
    await expect(bot_messages(page).first).to_contain_text("Your <b>lacing</b> plan")
    document = page.get_by_test_id("document")
    await expect(document).to_contain_text("plan.pdf")
    href = await document.get_attribute("href")
    assert href is not None
    assert href.startswith(f"/file/bot{PLAYGROUND_TOKEN}/")

    reply_keyboard = page.get_by_test_id("reply-keyboard")
    await expect(reply_keyboard.get_by_test_id("reply-button")).to_have_text(["Yes", "No"])
    await reply_keyboard.get_by_text("Yes").click()
    await expect(page.locator('[data-testid="message"][data-side="user"]')).to_have_text(
        re.compile(r"^Yes")
    )
    await expect(reply_keyboard).to_be_hidden()

    # A sticker from the runner shows big and without a bubble; the bot answers it.
    await page.get_by_test_id("sticker-button").click()
    await page.get_by_test_id("sticker-panel").get_by_text("🏃").click()
    await expect(page.get_by_test_id("sticker")).to_contain_text("🏃")
    await expect(bot_messages(page)).to_have_count(5)
    await screenshot(page, "12-media.png")
