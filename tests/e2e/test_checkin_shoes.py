"""The check-in's "which shoes were you in?", end to end with the adjustable clock.

The runner plans Mon/Wed/Fri at 07:00 Berlin time (see test_dispatcher), the clock jumps to
Wednesday's check-in and the dispatcher's tick sends it.
"""

from __future__ import annotations

import pytest

from bot.app import BotApplication
from bot.content import keys
from bot.content.catalog import Texts
from bot.content.loader import Knowledge
from bot.db.models import Checkin, Shoe
from bot.localapi import LocalBotApi
from bot.telegram_html import parse_html
from tests.conftest import FakeClock
from tests.e2e.conftest import Runner, errors_logged, rows
from tests.e2e.test_dispatcher import WED_CHECKIN, tick
from tests.e2e.test_runs import add_weekly_run

SHOE_QUESTION = "Which shoes were you in?"


def visible(markup: str) -> str:
    return parse_html(markup).text


@pytest.fixture
def t(knowledge: Knowledge) -> Texts:
    return knowledge.catalog.texts("en")


@pytest.fixture(autouse=True)
def no_errors_logged(caplog: pytest.LogCaptureFixture):
    yield
    assert errors_logged(caplog) == []


@pytest.fixture
async def two_shoes(runner: Runner, knowledge: Knowledge) -> dict[str, int]:
    """Pegasus 40 (tight at the front: the default, added first) and Trail shoes (nothing set)."""
    await runner.add_shoe("Pegasus 40", {"fit": "tight"}, tuple(knowledge.gear))
    await runner.add_shoe("Trail shoes", {}, tuple(knowledge.gear))
    return {row["name"]: row["id"] for row in await rows(runner.app, Shoe)}


async def checkin_sent(runner: Runner, app: BotApplication, clock: FakeClock) -> None:
    await add_weekly_run(runner)
    clock.current = WED_CHECKIN
    assert await tick(app) == 1
    assert "How was your run at 07:00?" in runner.last.text


async def the_checkin(app: BotApplication) -> dict[str, object]:
    [checkin] = await rows(app, Checkin)
    return checkin


async def test_a_runner_with_two_shoes_says_which_and_gets_the_tip_for_them(
    runner: Runner,
    app: BotApplication,
    clock: FakeClock,
    two_shoes: dict[str, int],
    t: Texts,
) -> None:
    await checkin_sent(runner, app, clock)
    message = runner.last.message_id
    for label in ("Yes", "Toes", "Within 5 minutes", "None of these"):
        await runner.press(label)
    assert SHOE_QUESTION in runner.last.text
    assert runner.labels == ["⭐ Pegasus 40", "Trail shoes", "Not sure"], "the default first"
    checkin = await the_checkin(app)
    assert (checkin["status"], checkin["numb"]) == ("open", True), "the feet answers count"
    assert checkin["answered_at"] == WED_CHECKIN

    await runner.press("⭐ Pegasus 40")
    done = runner.last
    assert done.message_id == message, "edited in place"
    assert "Thanks, noted." in done.text
    assert visible(t(keys.fix("fix_roomy_tight"), shoe="Pegasus 40")) in done.text
    checkin = await the_checkin(app)
    assert checkin["status"] == "answered"
    assert checkin["shoe_id"] == two_shoes["Pegasus 40"]
    assert checkin["answers"][-1] == ["shoe", f"s{two_shoes['Pegasus 40']}"]
    await runner.press_data(f"c1:{checkin['id']}:4:unsure", message, forge=True)
    assert runner.toasts()[-1] == t("checkin_flow.closed")


async def test_shoes_without_a_fitted_tip_get_the_general_one(
    runner: Runner, app: BotApplication, clock: FakeClock, two_shoes: dict[str, int], t: Texts
) -> None:
    await checkin_sent(runner, app, clock)
    for label in ("Yes", "Toes", "Within 30 minutes", "None of these", "Trail shoes"):
        await runner.press(label)
    assert visible(t(keys.fix("fix_roomy_shoes"))) in runner.last.text
    assert "Trail shoes" not in runner.last.text
    assert visible(t("checkin_flow.gear_invite")) not in runner.last.text, "they have shoes"
    assert (await the_checkin(app))["shoe_id"] == two_shoes["Trail shoes"]


async def test_a_clear_run_asks_too_and_not_sure_stores_no_shoe(
    runner: Runner, app: BotApplication, clock: FakeClock, two_shoes: dict[str, int], t: Texts
) -> None:
    await checkin_sent(runner, app, clock)
    await runner.press("No")
    assert SHOE_QUESTION in runner.last.text
    await runner.press("Not sure")
    assert runner.last.text == visible(t("checkin_flow.thanks_clear"))
    checkin = await the_checkin(app)
    assert (checkin["status"], checkin["numb"], checkin["shoe_id"]) == ("answered", False, None)
    assert checkin["answers"] == [["numb", "no"], ["shoe", "unsure"]]


async def test_the_default_is_first_whichever_shoe_it_is(
    runner: Runner, app: BotApplication, clock: FakeClock, two_shoes: dict[str, int], t: Texts
) -> None:
    await runner.send("/gear")
    await runner.press("Trail shoes")
    await runner.press(t("gear_flow.button_make_default"))
    await checkin_sent(runner, app, clock)
    await runner.press("No")
    assert runner.labels == ["⭐ Trail shoes", "Pegasus 40", "Not sure"]


async def test_a_runner_without_shoes_never_sees_the_step(
    runner: Runner, app: BotApplication, clock: FakeClock, t: Texts
) -> None:
    await checkin_sent(runner, app, clock)
    for label in ("Yes", "Toes", "Within 5 minutes", "None of these"):
        await runner.press(label)
    assert SHOE_QUESTION not in runner.last.text
    assert "Thanks, noted." in runner.last.text
    assert visible(t(keys.fix("fix_roomy_shoes"))) in runner.last.text
    assert visible(t("checkin_flow.gear_invite")) in runner.last.text
    checkin = await the_checkin(app)
    assert checkin["status"] == "answered"
    assert checkin["answers"] == [
        ["numb", "yes"],
        ["where", "toes"],
        ["after", "minutes"],
        ["signs"],
    ]
    assert SHOE_QUESTION not in "".join(m.text for m in runner.api.bot_messages(runner.user_id))


async def test_a_shoe_deleted_between_the_question_and_the_press(
    runner: Runner, app: BotApplication, clock: FakeClock, two_shoes: dict[str, int], t: Texts
) -> None:
    await checkin_sent(runner, app, clock)
    for label in ("Yes", "Toes", "Within 5 minutes", "None of these"):
        await runner.press(label)
    checkin_message = runner.keyboard_message
    trail = dict(runner.api.buttons(checkin_message))["Trail shoes"]

    await runner.send("/gear")
    await runner.press("Trail shoes")
    await runner.press(t("gear_flow.button_delete"))
    await runner.press(t("gear_flow.button_delete_yes"))
    await runner.press_data(trail, checkin_message.message_id)
    assert runner.toasts()[-1] == t("checkin_flow.shoe_gone")
    assert [label for label, _ in runner.api.buttons(checkin_message)] == [
        "⭐ Pegasus 40",
        "Not sure",
    ]
    assert (await the_checkin(app))["status"] == "open", "nothing recorded"

    await runner.send("/gear")
    await runner.press("⭐ Pegasus 40")
    await runner.press(t("gear_flow.button_delete"))
    await runner.press(t("gear_flow.button_delete_yes"))
    pegasus = f"c1:{(await the_checkin(app))['id']}:4:s{two_shoes['Pegasus 40']}"
    await runner.press_data(pegasus, checkin_message.message_id, forge=True)
    assert runner.toasts()[-1] == t("checkin_flow.shoe_gone")
    assert [label for label, _ in runner.api.buttons(checkin_message)] == ["Not sure"]
    await runner.press("Not sure", checkin_message)
    assert (
        "Thanks, noted."
        in runner.api.chat(runner.user_id).history[checkin_message.message_id].text
    )
    checkin = await the_checkin(app)
    assert (checkin["status"], checkin["shoe_id"]) == ("answered", None)


async def test_a_worn_shoe_deleted_later_leaves_the_checkin_without_it(
    runner: Runner, app: BotApplication, clock: FakeClock, two_shoes: dict[str, int], t: Texts
) -> None:
    await checkin_sent(runner, app, clock)
    for label in ("No", "Trail shoes"):
        await runner.press(label)
    await runner.send("/gear")
    await runner.press("Trail shoes")
    await runner.press(t("gear_flow.button_delete"))
    await runner.press(t("gear_flow.button_delete_yes"))
    checkin = await the_checkin(app)
    assert (checkin["status"], checkin["numb"], checkin["shoe_id"]) == ("answered", False, None)


async def test_someone_elses_and_forged_shoe_buttons(
    runner: Runner,
    app: BotApplication,
    api: LocalBotApi,
    clock: FakeClock,
    two_shoes: dict[str, int],
    knowledge: Knowledge,
    t: Texts,
) -> None:
    other = Runner(app, api, 7_000_000_002, first_name="Bo", language_code="en")
    await other.add_shoe("Bo's racers", {}, tuple(knowledge.gear))
    [theirs] = [row["id"] for row in await rows(app, Shoe) if row["name"] == "Bo's racers"]
    await checkin_sent(runner, app, clock)
    await runner.press("No")
    checkin_id = (await the_checkin(app))["id"]
    await runner.press_data(f"c1:{checkin_id}:1:s{theirs}", forge=True)
    assert runner.toasts()[-1] == t("checkin_flow.shoe_gone")
    assert runner.labels == ["⭐ Pegasus 40", "Trail shoes", "Not sure"]
    for forged in ("s0", f"s0{two_shoes['Pegasus 40']}", "sx", "s" + "9" * 16):
        await runner.press_data(f"c1:{checkin_id}:1:{forged}", forge=True)
        assert runner.toasts()[-1] in (
            t("checkin_flow.invalid_button"),
            t("triage_flow.invalid_button"),
        )
    await runner.press_data(f"c1:{checkin_id}:0:s{two_shoes['Pegasus 40']}", forge=True)
    assert runner.toasts()[-1] == t("checkin_flow.already_noted"), "an earlier step's number"
    checkin = await the_checkin(app)
    assert (checkin["status"], checkin["shoe_id"]) == ("open", None)


async def test_numbness_hours_later_escalates_before_the_shoe_question_is_answered(
    runner: Runner, app: BotApplication, clock: FakeClock, two_shoes: dict[str, int], t: Texts
) -> None:
    await checkin_sent(runner, app, clock)
    checkin_message = runner.last
    for label in ("Yes", "Sole or heel", "Still numb now", "None of these"):
        await runner.press(label, checkin_message)
    assert (
        SHOE_QUESTION in runner.api.chat(runner.user_id).history[checkin_message.message_id].text
    )
    assert t("escalation.persistent") in runner.last.text, "sent at once, not held back"
    checkin = await the_checkin(app)
    assert (checkin["status"], checkin["numb"]) == ("open", True)
    await runner.press("⭐ Pegasus 40", checkin_message)
    escalations = [
        m for m in runner.api.bot_messages(runner.user_id) if "Book a check-up" in m.text
    ]
    assert len(escalations) == 1
