"""/gear end to end: shoes added by typing a name, set up and edited by buttons, bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import BotApplication
from bot.config import Settings
from bot.content import keys
from bot.content.catalog import Texts
from bot.content.loader import Knowledge
from bot.db.models import PendingInput, Shoe, User
from bot.db.uow import unit_of_work
from bot.localapi import LocalBotApi
from bot.services import gear
from bot.telegram_html import parse_html
from tests.conftest import FakeClock
from tests.e2e.conftest import Runner, errors_logged, rows, start_app, stop_app


def visible(markup: str) -> str:
    return parse_html(markup).text


@pytest.fixture
def t(knowledge: Knowledge) -> Texts:
    return knowledge.catalog.texts("en")


@pytest.fixture
def settings_order(knowledge: Knowledge) -> tuple[str, ...]:
    return tuple(knowledge.gear)


@pytest.fixture(autouse=True)
def no_errors_logged(caplog: pytest.LogCaptureFixture):
    yield
    assert errors_logged(caplog) == []


def last_toast(runner: Runner) -> tuple[str | None, bool]:
    query = next(
        q
        for q in reversed(runner.api.answered_callback_queries)
        if q.user_id == runner.user_id and q.answer is not None
    )
    assert query.answer is not None
    return query.answer.text, query.answer.show_alert


def option_label(t: Texts, setting: str, option: str) -> str:
    return t(keys.gear_option(setting, option))


async def shoes(app: BotApplication) -> list[dict[str, object]]:
    return sorted((dict(row) for row in await rows(app, Shoe)), key=lambda row: row["id"])


# ── Adding a shoe: the name by typing, every question by buttons ─────────────


async def test_gear_starts_with_an_invitation_to_add_a_shoe(runner: Runner, t: Texts) -> None:
    await runner.send("/gear")
    assert runner.last.text == visible(t("gear_flow.list_empty"))
    assert runner.labels == [t("gear_flow.button_add")]


async def test_add_a_shoe_and_answer_every_question_by_buttons(
    runner: Runner, app: BotApplication, knowledge: Knowledge, t: Texts
) -> None:
    await runner.send("/gear")
    gear_message = runner.last.message_id
    await runner.press(t("gear_flow.button_add"))
    assert runner.last.message_id == gear_message, "the list is edited into the prompt"
    assert runner.last.text == visible(t("gear_flow.ask_name", limit=40))
    [pending] = await rows(app, PendingInput)
    assert pending["kind"] == "add_shoe"

    await runner.send("  Pegasus   40 ")
    flow = runner.last
    assert flow.text.startswith(visible(t("gear_flow.added_default", name="Pegasus 40")))
    assert visible(t(keys.gear_question("fit"))) in flow.text
    assert "question 1 of 5" in flow.text
    assert await rows(app, PendingInput) == []

    chosen = {
        "fit": "snug",
        "lacing": "criss_cross",
        "lacing_tightness": "firm",
        "socks": "thick",
        "insoles": "stock",
    }
    for number, (setting, option) in enumerate(chosen.items(), start=1):
        assert f"question {number} of 5" in runner.last.text
        assert visible(t(keys.gear_question(setting))) in runner.last.text
        await runner.press(option_label(t, setting, option))
    card = runner.last
    assert card.message_id == flow.message_id, "the set-up is edited in place"
    assert card.text.startswith("👟 Pegasus 40")
    assert visible(t("gear_flow.card_default")) in card.text
    for setting, option in chosen.items():
        line = t.markup(
            "gear_flow.card_line",
            setting=t(keys.gear_label(setting)),
            value=option_label(t, setting, option),
        )
        assert visible(line) in card.text
    [shoe] = await shoes(app)
    assert shoe["name"] == "Pegasus 40"
    assert shoe["is_default"] is True
    assert shoe["settings"] == chosen
    assert set(knowledge.gear) == set(chosen)


async def test_not_sure_stores_nothing_and_back_returns_a_question(
    runner: Runner, app: BotApplication, t: Texts
) -> None:
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))
    await runner.send("trail shoes")
    await runner.choose_gear("fit", "roomy")
    await runner.choose_gear("lacing", None)
    assert "question 3 of 5" in runner.last.text
    await runner.press(t("gear_flow.button_back"))
    assert "question 2 of 5" in runner.last.text
    await runner.press(t("gear_flow.button_back"))
    assert "question 1 of 5" in runner.last.text
    assert f"✓ {option_label(t, 'fit', 'roomy')}" in runner.labels, "the answer is ticked"
    await runner.press(t("gear_flow.button_back"))  # before the first question: the card
    assert visible(t("gear_flow.card_default")) in runner.last.text
    [shoe] = await shoes(app)
    assert shoe["settings"] == {"fit": "roomy"}


async def test_finish_later_shows_the_card_with_settings_not_set(
    runner: Runner, app: BotApplication, t: Texts
) -> None:
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))
    await runner.send("Race flats")
    await runner.press(t("gear_flow.button_finish"))
    not_set = t.markup(
        "gear_flow.card_line", setting=t(keys.gear_label("fit")), value=t("gear_flow.not_set")
    )
    assert visible(not_set) in runner.last.text
    [shoe] = await shoes(app)
    assert shoe["settings"] == {}


async def test_change_one_setting_from_the_card(
    runner: Runner, app: BotApplication, settings_order: tuple[str, ...], t: Texts
) -> None:
    await runner.add_shoe("Pegasus 40", {"lacing_tightness": "firm"}, settings_order)
    await runner.press(
        t.markup("gear_flow.button_setting", setting=t(keys.gear_label("lacing_tightness")))
    )
    assert "question" not in runner.last.text, "editing one setting shows no progress"
    assert f"✓ {option_label(t, 'lacing_tightness', 'firm')}" in runner.labels
    await runner.press(option_label(t, "lacing_tightness", "medium"))
    assert visible(t("gear_flow.card_default")) in runner.last.text  # back on the card
    [shoe] = await shoes(app)
    assert shoe["settings"] == {"lacing_tightness": "medium"}
    await runner.press(t.markup("gear_flow.button_setting", setting=t(keys.gear_label("socks"))))
    await runner.press(t("gear_flow.button_back"))
    assert visible(t("gear_flow.card_default")) in runner.last.text


# ── Several shoes: default, rename, delete ───────────────────────────────────


async def test_second_shoe_then_make_it_the_default(
    runner: Runner, app: BotApplication, settings_order: tuple[str, ...], t: Texts
) -> None:
    await runner.add_shoe("Pegasus 40", {}, settings_order)
    await runner.add_shoe("Trail shoes", {}, settings_order)
    assert runner.last.text.startswith(visible(t("gear_flow.card_heading", name="Trail shoes")))
    assert visible(t("gear_flow.card_not_default")) in runner.last.text
    await runner.press(t("gear_flow.button_make_default"))
    assert last_toast(runner) == (t.markup("gear_flow.made_default", name="Trail shoes"), False)
    assert visible(t("gear_flow.card_default")) in runner.last.text
    assert t("gear_flow.button_make_default") not in runner.labels
    defaults = {row["name"]: row["is_default"] for row in await shoes(app)}
    assert defaults == {"Pegasus 40": False, "Trail shoes": True}
    await runner.press(t("gear_flow.button_list"))
    assert runner.labels == [
        "Pegasus 40",
        t.markup("gear_flow.button_shoe_default", name="Trail shoes"),
        t("gear_flow.button_add"),
    ]
    assert visible(t("gear_flow.list_line_default", name="Trail shoes")) in runner.last.text


async def test_rename_refuses_a_taken_name_then_takes_a_new_one(
    runner: Runner, app: BotApplication, settings_order: tuple[str, ...], t: Texts
) -> None:
    await runner.add_shoe("Pegasus 40", {}, settings_order)
    await runner.add_shoe("Trail shoes", {}, settings_order)
    await runner.press(t("gear_flow.button_rename"))
    assert runner.last.text == visible(t("gear_flow.ask_rename", name="Trail shoes", limit=40))
    await runner.send("PEGASUS 40")
    assert runner.last.text == visible(t("gear_flow.name_taken", name="PEGASUS 40"))
    assert runner.labels == [t("gear_flow.button_cancel")]
    await runner.send("trail SHOES")  # its own name in other letters is fine
    assert runner.last.text.startswith(visible(t("gear_flow.renamed", name="trail SHOES")))
    assert [row["name"] for row in await shoes(app)] == ["Pegasus 40", "trail SHOES"]
    assert await rows(app, PendingInput) == []


async def test_cancel_button_on_a_rename_returns_to_the_card(
    runner: Runner, app: BotApplication, settings_order: tuple[str, ...], t: Texts
) -> None:
    await runner.add_shoe("Pegasus 40", {}, settings_order)
    await runner.press(t("gear_flow.button_rename"))
    await runner.press(t("gear_flow.button_cancel"))
    assert runner.last.text.startswith(visible(t("gear_flow.card_heading", name="Pegasus 40")))
    assert await rows(app, PendingInput) == []
    await runner.send("Not a name any more")
    assert runner.last.text == visible(t("fallback.free_text"))
    assert [row["name"] for row in await shoes(app)] == ["Pegasus 40"]


async def test_delete_asks_first_and_promotes_another_default(
    runner: Runner, app: BotApplication, settings_order: tuple[str, ...], t: Texts
) -> None:
    await runner.add_shoe("Pegasus 40", {}, settings_order)
    await runner.add_shoe("Trail shoes", {}, settings_order)
    await runner.add_shoe("Spikes", {}, settings_order)
    await runner.send("/gear")
    await runner.press(t.markup("gear_flow.button_shoe_default", name="Pegasus 40"))
    await runner.press(t("gear_flow.button_delete"))
    assert runner.last.text == visible(t("gear_flow.delete_confirm", name="Pegasus 40"))
    await runner.press(t("gear_flow.button_delete_no"))
    assert runner.last.text.startswith(visible(t("gear_flow.card_heading", name="Pegasus 40")))
    assert len(await shoes(app)) == 3

    await runner.press(t("gear_flow.button_delete"))
    await runner.press(t("gear_flow.button_delete_yes"))
    toast = t.markup("gear_flow.deleted_new_default", name="Pegasus 40", default="Trail shoes")
    assert last_toast(runner) == (toast, False)
    assert runner.labels == [
        t.markup("gear_flow.button_shoe_default", name="Trail shoes"),
        "Spikes",
        t("gear_flow.button_add"),
    ]
    defaults = {row["name"]: row["is_default"] for row in await shoes(app)}
    assert defaults == {"Trail shoes": True, "Spikes": False}

    await runner.press("Spikes")
    await runner.press(t("gear_flow.button_delete"))
    await runner.press(t("gear_flow.button_delete_yes"))
    assert last_toast(runner) == (t.markup("gear_flow.deleted", name="Spikes"), False)


async def test_deleting_the_last_shoe_shows_the_invitation(
    runner: Runner, app: BotApplication, settings_order: tuple[str, ...], t: Texts
) -> None:
    await runner.add_shoe("Pegasus 40", {}, settings_order)
    await runner.press(t("gear_flow.button_delete"))
    await runner.press(t("gear_flow.button_delete_yes"))
    assert runner.last.text == visible(t("gear_flow.list_empty"))
    assert await shoes(app) == []


# ── Typed names: too long, empty, several lines, /cancel, commands, restarts ─


async def test_a_too_long_name_gets_a_clear_answer_and_another_try(
    runner: Runner, app: BotApplication, t: Texts
) -> None:
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))
    await runner.send("x" * 41)
    assert runner.last.text == visible(t("gear_flow.name_too_long", length=41, limit=40))
    await runner.send("ä" * 4096)
    assert runner.last.text == visible(t("gear_flow.name_too_long", length=4096, limit=40))
    assert runner.labels == [t("gear_flow.button_cancel")]
    await runner.send("y" * 40)
    assert runner.last.text.startswith(visible(t("gear_flow.added_default", name="y" * 40)))
    assert [row["name"] for row in await shoes(app)] == ["y" * 40]


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("\u200b\u200b", "gear_flow.name_empty"),
        ("Pegasus\n40", "gear_flow.name_special"),
        ("Peg\u202easus", "gear_flow.name_special"),
    ],
)
async def test_names_with_nothing_visible_or_special_characters_are_refused(
    runner: Runner, app: BotApplication, t: Texts, typed: str, problem: str
) -> None:
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))
    await runner.send(typed)
    assert runner.last.text == visible(t(problem))
    assert await shoes(app) == []
    assert len(await rows(app, PendingInput)) == 1, "the runner can try again"


async def test_markup_in_a_name_is_shown_as_typed(
    runner: Runner, app: BotApplication, settings_order: tuple[str, ...], t: Texts
) -> None:
    name = "<b>Fast</b> & Light"
    await runner.add_shoe(name, {}, settings_order)
    assert runner.last.text.startswith(f"👟 {name}")
    sent = runner.api.calls_to("editMessageText")[-1].params["text"]
    assert isinstance(sent, str)
    assert "&lt;b&gt;Fast&lt;/b&gt; &amp; Light" in sent
    await runner.press(t("gear_flow.button_list"))
    assert t.markup("gear_flow.button_shoe_default", name=name) in runner.labels
    [shoe] = await shoes(app)
    assert shoe["name"] == name


async def test_cancel_command_while_waiting_for_a_name(
    runner: Runner, app: BotApplication, t: Texts
) -> None:
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))
    await runner.send("/cancel")
    assert runner.last.text == visible(t("gear_flow.naming_stopped"))
    await runner.send("Pegasus 40")
    assert runner.last.text == visible(t("fallback.free_text"))
    assert await shoes(app) == []
    await runner.send("/cancel")
    assert runner.last.text == visible(t("cancel.nothing"))


async def test_cancel_button_while_waiting_for_a_new_name_shows_the_list(
    runner: Runner, app: BotApplication, t: Texts
) -> None:
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))
    prompt = runner.keyboard_message
    await runner.press(t("gear_flow.button_cancel"))
    assert runner.last.text == visible(t("gear_flow.list_empty"))
    await runner.press_data("g1:c", prompt.message_id, forge=True)  # the old Cancel again
    assert runner.last.text == visible(t("gear_flow.list_empty"))
    assert await rows(app, PendingInput) == []


async def test_a_command_while_waiting_is_handled_as_the_command(
    runner: Runner, app: BotApplication, t: Texts
) -> None:
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))
    await runner.send("/help")
    assert "/triage" in runner.last.text
    assert await shoes(app) == []
    await runner.send("/frobnicate")
    assert runner.last.text == visible(t("fallback.unknown_command", command="frobnicate"))
    await runner.send("Pegasus 40")  # still waiting: the name is taken
    assert [row["name"] for row in await shoes(app)] == ["Pegasus 40"]


async def test_starting_a_check_stops_waiting_for_a_name(
    runner: Runner, app: BotApplication, t: Texts
) -> None:
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))
    await runner.send("/triage")
    await runner.send("Pegasus 40")
    assert runner.last.text.startswith(visible(t("fallback.free_text_in_triage")))
    assert await shoes(app) == []
    assert await rows(app, PendingInput) == []


async def test_gear_command_stops_waiting_for_a_name(
    runner: Runner, app: BotApplication, t: Texts
) -> None:
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))
    await runner.send("/gear")
    await runner.send("Pegasus 40")
    assert runner.last.text == visible(t("fallback.free_text"))


async def test_a_name_awaited_survives_a_restart(
    settings: Settings, knowledge: Knowledge, api: LocalBotApi, clock: FakeClock, t: Texts
) -> None:
    first = await start_app(settings, knowledge, api, clock)
    runner = Runner(first, api, 77, first_name="Ola")
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))
    await stop_app(first)

    second = await start_app(settings, knowledge, api, clock)
    runner.app = second
    await runner.send("Pegasus 40")
    assert runner.last.text.startswith(visible(t("gear_flow.added_default", name="Pegasus 40")))
    assert [row["name"] for row in await shoes(second)] == ["Pegasus 40"]
    await stop_app(second)
    assert api.problems() == []


async def test_a_name_typed_long_after_the_question_is_ordinary_text(
    runner: Runner, app: BotApplication, clock: FakeClock, t: Texts
) -> None:
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))
    clock.advance(hours=2)
    await runner.send("hello there")
    assert runner.last.text == visible(t("fallback.free_text"))
    assert await shoes(app) == []
    assert await rows(app, PendingInput) == []


async def test_the_shoe_limit_has_a_clear_message(
    runner: Runner, app: BotApplication, t: Texts
) -> None:
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))  # waiting for a name before the limit...
    now = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
    async with unit_of_work(app.bot_data.sessionmaker) as repos:
        for number in range(gear.MAX_SHOES):
            await repos.shoes.add(
                Shoe(
                    user_id=runner.user_id,
                    name=f"Pair {number}",
                    is_default=number == 0,
                    settings={},
                    created_at=now,
                    updated_at=now,
                )
            )
    await runner.send("One too many")  # ...is refused once the limit is reached
    assert runner.last.text == visible(t("gear_flow.limit_reached", limit=gear.MAX_SHOES))
    assert await rows(app, PendingInput) == []
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))
    assert last_toast(runner) == (t("gear_flow.limit_reached", limit=gear.MAX_SHOES), True)
    assert len(await shoes(app)) == gear.MAX_SHOES
    assert await rows(app, PendingInput) == []


# ── Buttons where text was expected and the other way round, forged and stale ─


async def test_free_text_where_a_button_is_expected_loses_nothing(
    runner: Runner, app: BotApplication, t: Texts
) -> None:
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))
    await runner.send("Pegasus 40")
    await runner.send("snug I think")
    assert runner.last.text == visible(t("fallback.free_text"))
    await runner.choose_gear("fit", "snug")  # the question's buttons still work
    [shoe] = await shoes(app)
    assert shoe["settings"] == {"fit": "snug"}
    assert shoe["name"] == "Pegasus 40"


async def test_a_deleted_shoes_old_buttons_get_a_note_and_the_list(
    runner: Runner, app: BotApplication, settings_order: tuple[str, ...], t: Texts
) -> None:
    await runner.add_shoe("Pegasus 40", {}, settings_order)
    old_card = runner.keyboard_message
    old_buttons = dict(runner.api.buttons(old_card))
    await runner.send("/gear")
    await runner.press(t.markup("gear_flow.button_shoe_default", name="Pegasus 40"))
    await runner.press(t("gear_flow.button_delete"))
    await runner.press(t("gear_flow.button_delete_yes"))
    for label in (t("gear_flow.button_rename"), t("gear_flow.button_delete")):
        await runner.press_data(old_buttons[label], old_card.message_id, forge=True)
        assert last_toast(runner) == (t("gear_flow.shoe_gone"), False)
        assert runner.api.chat(runner.user_id).history[old_card.message_id].text == visible(
            t("gear_flow.list_empty")
        )
    assert await rows(app, PendingInput) == []


@pytest.mark.parametrize(
    "forged",
    [
        "g1:zz",
        "g1:o:abc",
        "g1:s:1:fit:w",
        "g1:q:1:fit:x",
        "g1:o:1234567890123",
        "g1:s:{shoe}:fit:e:enormous",
        "g1:s:{shoe}:colour:e:red",
        "g1:q:{shoe}:colour:w",
        "g1:s:{shoe}:fit:e:snug:extra",
        "g1:l\n",
    ],
)
async def test_forged_gear_buttons_get_an_alert(
    runner: Runner,
    app: BotApplication,
    settings_order: tuple[str, ...],
    t: Texts,
    forged: str,
) -> None:
    await runner.add_shoe("Pegasus 40", {"fit": "thumb"}, settings_order)
    [shoe] = await shoes(app)
    await runner.press_data(forged.format(shoe=shoe["id"]), forge=True)
    assert last_toast(runner) == (t("gear_flow.invalid_button"), True)
    [after] = await shoes(app)
    assert after == shoe


async def test_someone_elses_shoe_is_never_shown_or_changed(
    app: BotApplication, api: LocalBotApi, settings_order: tuple[str, ...], t: Texts
) -> None:
    owner, intruder = Runner(app, api, 1), Runner(app, api, 2)
    await owner.add_shoe("Pegasus 40", {"fit": "snug"}, settings_order)
    [shoe] = await shoes(app)
    await intruder.send("/gear")
    for data in (
        f"g1:o:{shoe['id']}",
        f"g1:s:{shoe['id']}:fit:e:tight",
        f"g1:r:{shoe['id']}",
        f"g1:y:{shoe['id']}",
        f"g1:d:{shoe['id']}",
    ):
        await intruder.press_data(data, forge=True)
        assert last_toast(intruder) == (t("gear_flow.shoe_gone"), False)
        assert "Pegasus" not in intruder.last.text
    assert await shoes(app) == [shoe]
    assert await rows(app, PendingInput) == []


async def test_an_unknown_button_version_gets_the_general_alert(runner: Runner, t: Texts) -> None:
    await runner.send("/gear")
    await runner.press_data("g2:l", forge=True)
    assert last_toast(runner) == (t("triage_flow.invalid_button"), True)


# ── Privacy, deleting everything, and the other screens that mention gear ────


async def test_delete_me_deletes_shoes_and_a_name_awaited(
    runner: Runner, app: BotApplication, settings_order: tuple[str, ...], t: Texts
) -> None:
    await runner.add_shoe("Pegasus 40", {"fit": "snug"}, settings_order)
    await runner.send("/gear")
    await runner.press(t("gear_flow.button_add"))
    assert len(await rows(app, PendingInput)) == 1
    await runner.send("/delete_me")
    await runner.press(t("delete.button_yes"))
    assert await rows(app, User) == []
    assert await shoes(app) == []
    assert await rows(app, PendingInput) == []


async def test_privacy_start_help_and_settings_mention_gear(runner: Runner) -> None:
    await runner.send("/privacy")
    assert "your shoes" in runner.last.text
    await runner.send("/start")
    assert "/gear" in runner.last.text
    await runner.send("/help")
    assert "/gear" in runner.last.text
    await runner.send("/settings")
    assert "/gear" in runner.last.text


# ── Triage results fitted to the default shoe ────────────────────────────────

TOP_OF_FOOT = [
    *("none", "none", "top", "both", "early", "minutes", "none", "no", "no", "no", "none"),
    "once",
]
"""The self-care top-of-the-foot path up to its last question (what changed)."""


async def finish_top_of_foot_check(runner: Runner) -> None:
    await runner.send("/triage")
    for answer in [*TOP_OF_FOOT, "lacing"]:
        await runner.choose(answer)


async def test_a_result_refers_to_the_default_shoe(
    runner: Runner, app: BotApplication, settings_order: tuple[str, ...], t: Texts
) -> None:
    await runner.add_shoe("Old pair", {"lacing": "window"}, settings_order)
    await runner.add_shoe(
        "Pegasus 40", {"lacing": "criss_cross", "lacing_tightness": "firm"}, settings_order
    )
    await runner.press(t("gear_flow.button_make_default"))
    await finish_top_of_foot_check(runner)
    result = runner.last.text
    assert visible(t("fix.fix_relace_window", shoe="Pegasus 40")) in result
    assert "Old pair" not in result
    assert visible(t("triage_flow.gear_invite")) not in result


async def test_a_shoe_with_nothing_set_gives_the_general_fixes(
    runner: Runner, settings_order: tuple[str, ...], t: Texts
) -> None:
    await runner.add_shoe("Pegasus 40", {}, settings_order)
    await finish_top_of_foot_check(runner)
    assert visible(t("fix.fix_relace")) in runner.last.text
    assert "Pegasus" not in runner.last.text
    assert visible(t("triage_flow.gear_invite")) not in runner.last.text


async def test_a_runner_without_shoes_is_invited_to_gear(runner: Runner, t: Texts) -> None:
    await finish_top_of_foot_check(runner)
    assert visible(t("fix.fix_relace")) in runner.last.text
    assert visible(t("triage_flow.gear_invite")) in runner.last.text


async def test_no_invitation_where_gear_does_not_matter(runner: Runner, t: Texts) -> None:
    await runner.send("/triage")
    await runner.choose("stroke")
    assert visible(t("triage_flow.gear_invite")) not in runner.last.text
