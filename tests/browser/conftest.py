"""Browser harness: the playground in-process on a free port, and headless Debian Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright

from bot.config import PROJECT_ROOT, Settings
from bot.content.loader import Knowledge
from bot.playground import running_playground

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium() -> None:
    """Skip the calling test module without Chromium; under CI=true its absence fails the run."""
    if CHROMIUM.exists():
        return
    reason = "Chromium is not installed; `make browser-deps` installs it"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI runs that first, so this is a failure", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


SCREENSHOTS = PROJECT_ROOT / "build" / "screenshots"
VIEWPORT = {"width": 1100, "height": 760}


@pytest.fixture
async def playground(
    tmp_path: Path, migrated_template: Path, knowledge: Knowledge
) -> AsyncIterator[str]:
    """The playground on a free loopback port with a fresh database; yields the page URL."""
    database = tmp_path / "playground.db"
    shutil.copy(migrated_template, database)
    settings = Settings(
        playground_database_url=f"sqlite:///{database}",
        _env_file=None,  # type: ignore[call-arg]
    )
    async with running_playground(settings, knowledge=knowledge, port=0) as url:
        yield url


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


@pytest.fixture
async def page(browser: Browser, playground: str) -> AsyncIterator[Page]:
    """The chat page, loaded; JavaScript errors fail the test."""
    context = await browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="UTC")
    page = await context.new_page()
    page.set_default_timeout(10_000)
    errors: list[Any] = []
    page.on("pageerror", lambda error: errors.append(error))
    await page.goto(playground)
    await page.wait_for_selector("body[data-ready=true]")
    yield page
    await context.close()
    assert errors == []


_TAKEN: set[str] = set()


async def screenshot(page: Page, name: str) -> None:
    """Save the page under build/screenshots/ for a person to look at; each name once."""
    assert name not in _TAKEN, f"two steps would both be {name}"
    _TAKEN.add(name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SCREENSHOTS / name)
