"""The commands every Telegram user expects, through the real Application."""

from __future__ import annotations

import pytest

from bot.app import BotApplication
from bot.config import Settings
from bot.content.keys import COMMANDS
from bot.content.loader import Knowledge
from bot.db.models import HealthNote, User
from bot.localapi import LocalBotApi
from tests.conftest import FakeClock
from tests.e2e.conftest import Runner, rows, start_app, stop_app


async def test_command_menu_published_at_start(api: LocalBotApi, app: BotApplication) -> None:
    published = [command for command, _ in api.commands()]
    assert published == list(COMMANDS)


async def test_start_greets_and_stores_the_runner(
    runner: Runner, app: BotApplication, knowledge: Knowledge
) -> None:
    await runner.send("/start")
    t = knowledge.catalog.texts("en")
    assert "Ana" in runner.last.text
    assert t("disclaimer.not_emergency").split("<")[0][:20] in runner.last.text
    assert runner.labels == [t("start.button_triage")]
    [user] = await rows(app, User)
    assert user["id"] == runner.user_id
    assert user["language_code"] == "en"


async def test_start_button_opens_the_check(runner: Runner) -> None:
    await runner.send("/start")
    welcome = runner.last.message_id
    await runner.press(runner.labels[0])
    assert runner.last.message_id != welcome
    assert any(data.endswith(":unsure") for _, data in runner.api.buttons(runner.last))


async def test_start_deep_link_goes_straight_into_triage(runner: Runner) -> None:
    await runner.send("/start triage")
    assert any(data.startswith("t1:") for _, data in runner.api.buttons(runner.last))


async def test_start_with_an_unknown_payload_is_a_normal_start(runner: Runner) -> None:
    await runner.send("/start ../../etc/passwd")
    assert "Ana" in runner.last.text


async def test_help_lists_every_command(runner: Runner) -> None:
    await runner.send("/help")
    for command in COMMANDS:
        assert f"/{command}" in runner.last.text


async def test_help_ignores_junk_arguments(runner: Runner) -> None:
    await runner.send("/help me please <script>")
    assert "/triage" in runner.last.text


async def test_privacy_says_what_is_stored_and_how_to_delete(
    runner: Runner, knowledge: Knowledge
) -> None:
    t = knowledge.catalog.texts("en")
    await runner.send("/privacy")
    assert "/delete_me" in runner.last.text
    assert _visible(t("privacy.no_notes")) in runner.last.text


DIABETES_CHECK = [
    *("none", "none", "toes", "both", "early", "minutes", "none", "no", "no"),
    *("yes", "no", "nerve", "once", "none"),
]
"""A check that says diabetes (no wound) and a known nerve problem."""


async def test_health_notes_from_a_check_are_listed_then_deleted(
    runner: Runner, app: BotApplication, knowledge: Knowledge
) -> None:
    t = knowledge.catalog.texts("en")
    await runner.send("/triage")
    for answer in DIABETES_CHECK:
        await runner.choose(answer)
    assert "Book a check-up" in runner.last.text
    await runner.send("/privacy")
    notes = "diabetes, a nerve problem in the legs or feet"
    assert _visible(t("privacy.your_notes", notes=notes)) in runner.last.text
    await runner.send("/triage")
    for answer in [*DIABETES_CHECK[:9], "no", "none", "once", "none"]:
        await runner.choose(answer)
    await runner.send("/privacy")
    assert _visible(t("privacy.no_notes")) in runner.last.text, "a new answer replaces a note"
    await runner.send("/triage")
    for answer in DIABETES_CHECK:
        await runner.choose(answer)
    assert len(await rows(app, HealthNote)) == 2
    await runner.send("/delete_me")
    await runner.press(runner.labels[0])
    assert await rows(app, HealthNote) == []


async def test_settings_language_choice(runner: Runner, knowledge: Knowledge) -> None:
    await runner.send("/settings")
    labels = runner.labels
    assert labels[0].startswith("✓")  # automatic is the default
    await runner.press("English")
    assert "✓ English" in runner.labels
    t = knowledge.catalog.texts("en")
    assert runner.toasts()[-1] == t("settings.saved", language="English")
    await runner.press(labels[0].removeprefix("✓ "))
    assert runner.labels[0].startswith("✓")


async def test_delete_me_asks_then_deletes_everything(runner: Runner, app: BotApplication) -> None:
    await runner.send("/triage")
    await runner.send("/delete_me")
    await runner.press(runner.labels[1])  # "no" first: nothing happens
    assert len(await rows(app, User)) == 1
    await runner.send("/delete_me")
    await runner.press(runner.labels[0])
    assert await rows(app, User) == []


async def test_cancel_without_and_with_an_open_check(runner: Runner, knowledge: Knowledge) -> None:
    t = knowledge.catalog.texts("en")
    await runner.send("/cancel")
    assert runner.last.text == _visible(t("cancel.nothing"))
    await runner.send("/triage")
    await runner.send("/cancel")
    assert runner.last.text == _visible(t("cancel.done"))


def _visible(markup: str) -> str:
    from bot.telegram_html import parse_html

    return parse_html(markup).text


async def test_a_failed_command_menu_does_not_stop_the_bot(
    settings: Settings,
    knowledge: Knowledge,
    api: LocalBotApi,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api.faults.fail_next(
        "setMyCommands", status=500, description="Internal Server Error", times=10
    )
    app = await start_app(settings, knowledge, api, FakeClock())
    runner = Runner(app, api, 9)
    await runner.send("/help")
    assert "/triage" in runner.last.text
    await stop_app(app)
    assert any("could not publish the en command menu" in r.getMessage() for r in caplog.records)


async def test_start_help_settings_and_privacy_cover_shoes_runs_and_typing(
    runner: Runner,
) -> None:
    await runner.send("/start")
    assert "/gear" in runner.last.text
    assert "/runs" in runner.last.text
    await runner.send("/help")
    assert "which pair you wore" in runner.last.text
    assert "your next message answers my latest question" in runner.last.text
    assert "/cancel — Stop the current check, or what I asked you to type" in runner.last.text
    await runner.send("/settings")
    assert "/gear" in runner.last.text
    assert "Time zone:" in runner.last.text
    await runner.send("/privacy")
    for stored in ("your shoes", "the one thing I asked you to type", "which of your shoes"):
        assert stored in runner.last.text
    await runner.send("/delete_me")
    assert "anything I'm waiting for you to type" in runner.last.text
