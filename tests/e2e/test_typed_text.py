"""One awaited typed answer per runner, whichever feature asked: the latest question wins."""

from __future__ import annotations

import pytest

from bot.app import BotApplication
from bot.content.catalog import Texts
from bot.content.loader import Knowledge
from bot.db.models import PendingInput, RunnerSettings, RunPlan, Shoe
from bot.telegram_html import parse_html
from tests.conftest import FakeClock
from tests.e2e.conftest import Runner, errors_logged, rows


def visible(markup: str) -> str:
    return parse_html(markup).text


@pytest.fixture
def t(knowledge: Knowledge) -> Texts:
    return knowledge.catalog.texts("en")


@pytest.fixture(autouse=True)
def no_errors_logged(caplog: pytest.LogCaptureFixture):
    yield
    assert errors_logged(caplog) == []


async def awaited(app: BotApplication) -> list[tuple[str, int | None]]:
    return [(row["kind"], row["ref_id"]) for row in await rows(app, PendingInput)]


async def ask_for_a_shoe_name(runner: Runner, t: Texts) -> None:
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))
    assert runner.last.text == visible(t("gear_flow.ask_name", limit=40))


async def ask_for_a_time_zone(runner: Runner) -> None:
    await runner.send("/runs")
    await runner.press("➕ Add a run")
    assert "First, your time zone" in runner.last.text


async def test_a_shoe_name_then_a_time_zone_the_text_answers_the_zone(
    runner: Runner, app: BotApplication, t: Texts
) -> None:
    await ask_for_a_shoe_name(runner, t)
    name_prompt = runner.keyboard_message
    await ask_for_a_time_zone(runner)
    assert await awaited(app) == [("timezone", 1)], "the newer question replaced the name"

    await runner.press(t("gear_flow.button_cancel"), name_prompt)  # the earlier prompt's Cancel
    assert runner.api.chat(runner.user_id).history[name_prompt.message_id].text == visible(
        t("gear_flow.list_empty")
    )
    assert await awaited(app) == [("timezone", 1)], "harmless: the zone is still awaited"

    await runner.send("Europe/Berlin")
    assert "which days?" in runner.last.text
    assert await rows(app, Shoe) == []
    [settings] = await rows(app, RunnerSettings)
    assert settings["timezone"] == "Europe/Berlin"
    assert await awaited(app) == []


async def test_a_time_zone_then_a_shoe_name_the_text_names_the_shoe(
    runner: Runner, app: BotApplication, t: Texts
) -> None:
    await ask_for_a_time_zone(runner)
    await ask_for_a_shoe_name(runner, t)
    await runner.send("Europe/Berlin")
    assert runner.last.text.startswith(visible(t("gear_flow.added_default", name="Europe/Berlin")))
    assert all(row["timezone"] is None for row in await rows(app, RunnerSettings))
    await runner.send("Europe/Berlin")
    assert runner.last.text == visible(t("fallback.free_text")), "nothing is awaited any more"


async def test_a_start_time_is_awaited_like_the_rest(
    runner: Runner, app: BotApplication, t: Texts
) -> None:
    await ask_for_a_time_zone(runner)
    await runner.press("Europe/Berlin")
    await runner.press("📅 Just once")
    await runner.press("Tomorrow")
    [draft] = await rows(app, RunPlan)
    assert await awaited(app) == [("run_time", draft["id"])]
    await ask_for_a_shoe_name(runner, t)
    await runner.send("06:45")
    assert runner.last.text.startswith(visible(t("gear_flow.added_default", name="06:45")))
    [draft] = await rows(app, RunPlan)
    assert draft["start_minute"] is None


async def test_other_screens_leave_another_features_question_alone(
    runner: Runner, app: BotApplication, t: Texts
) -> None:
    await ask_for_a_shoe_name(runner, t)
    await runner.send("/runs")  # /runs stops waiting for a time or zone, not for a name
    await runner.send("Pegasus 40")
    assert [row["name"] for row in await rows(app, Shoe)] == ["Pegasus 40"]
    await ask_for_a_time_zone(runner)
    await runner.send("/gear")  # /gear stops waiting for a name, not for a zone
    await runner.send("Asia/Tokyo")
    assert "which days?" in runner.last.text


@pytest.mark.parametrize(
    ("then", "said"),
    [
        ((), "tz.typing_stopped"),
        (("Europe/Berlin", "📅 Just once", "Tomorrow"), "runs.typing_stopped"),
    ],
)
async def test_cancel_stops_the_question_before_the_open_check(
    runner: Runner, app: BotApplication, t: Texts, then: tuple[str, ...], said: str
) -> None:
    await runner.send("/triage")
    await ask_for_a_time_zone(runner)  # asked after the check started: newer than the check
    for label in then:
        await runner.press(label)
    await runner.send("/cancel")
    assert runner.last.text == visible(t(said))
    assert await awaited(app) == []
    await runner.send("07:00")
    assert runner.last.text.startswith(visible(t("fallback.free_text_in_triage")))
    await runner.send("/cancel")
    assert runner.last.text == visible(t("cancel.done")), "then the check"


async def test_a_time_typed_after_half_an_hour_is_ordinary_text(
    runner: Runner, app: BotApplication, clock: FakeClock, t: Texts
) -> None:
    await ask_for_a_time_zone(runner)
    clock.advance(minutes=31)
    await runner.send("Europe/Berlin")
    assert runner.last.text == visible(t("fallback.free_text"))
    assert await awaited(app) == []
