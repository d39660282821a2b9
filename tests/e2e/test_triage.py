"""The /triage flow end to end: every path test walked by pressing the real buttons."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.app import BotApplication
from bot.config import PROJECT_ROOT, Settings
from bot.content import keys
from bot.content.loader import Knowledge, load_path_tests
from bot.content.models import PathTest, Tier
from bot.db.models import SymptomReport, TriageSession
from bot.localapi import LocalBotApi
from bot.telegram_html import parse_html
from bot.ui import callback_data, lacing_screens
from tests.conftest import FakeClock
from tests.e2e.conftest import Runner, rows, start_app, stop_app

PATHS = load_path_tests(PROJECT_ROOT / "knowledge").paths


def visible(markup: str) -> str:
    return parse_html(markup).text


SHOE = "Pegasus 40 <Trail & Road>"
"""A shoe name with markup characters: it must reach the runner escaped, never as markup."""


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
async def test_every_path_test_by_pressing_buttons(
    path: PathTest, runner: Runner, app: BotApplication, knowledge: Knowledge
) -> None:
    t = knowledge.catalog.texts("en")
    if path.gear:
        await runner.add_shoe(SHOE, path.gear, tuple(knowledge.gear))
    await runner.send("/triage")
    triage_message = runner.last.message_id
    assert visible(t("disclaimer.not_emergency")) in runner.last.text, "before any question"
    for step in path.answers:
        node, answer = step.split(".")
        assert visible(t(keys.question(node))) in runner.last.text
        await runner.choose(answer)
    result = runner.last
    assert result.message_id == triage_message, "the flow edits one message in place"
    assert visible(t(keys.tier_heading(path.expect.tier))) in result.text
    # The only buttons left: "Show me how" for the lacing fixes shown, at most three.
    diagrams = {
        callback_data.lacing(technique)
        for fix, technique in knowledge.fix_diagrams.items()
        if visible(t(keys.fix(fix), shoe=SHOE)) in result.text
    }
    pressable = {data for _, data in runner.api.buttons(result)}
    assert pressable <= diagrams
    assert len(pressable) == min(len(diagrams), lacing_screens.MAX_BUTTONS)
    if path.expect.stop is not None:
        # The one instruction comes straight after the heading, and nothing softer follows.
        action = knowledge.stops[path.expect.stop].action
        heading = visible(t(keys.tier_heading(Tier.EMERGENCY)))
        assert result.text.startswith(f"{heading}\n\n{visible(t(keys.action(action)))}")
        assert result.text.endswith(visible(t(keys.outcome(path.expect.stop))))
        assert t("triage_flow.causes_heading") not in result.text
    else:
        assert visible(t("disclaimer.not_diagnosis")) in result.text
    for cause in path.expect.causes or ():
        assert visible(t(keys.cause_name(cause))) in result.text
    urgent = path.expect.tier is Tier.URGENT
    for fix in path.expect.fixes or ():
        shown = visible(t(keys.fix(fix), shoe=SHOE)) in result.text
        assert shown != urgent, "fixes are shown, except after get-advice-today"
    if set(path.expect.fixes or ()) & knowledge.fix_variants and not urgent:
        assert SHOE in result.text, "the fixes name the runner's own shoe"
    gear_matters = bool(set(path.expect.causes or ()) & knowledge.gear_causes)
    invited = visible(t("triage_flow.gear_invite")) in result.text
    wanted = gear_matters and not path.gear and path.expect.tier.rank < Tier.URGENT.rank
    assert invited == wanted, "invite to /gear only without a shoe, and not after urgent"
    assert (visible(t("triage_flow.again")) in result.text) == (
        path.expect.tier.rank < Tier.URGENT.rank
    )
    [report] = await rows(app, SymptomReport)
    assert report["tier"] == path.expect.tier.value
    assert report["stop_outcome"] == path.expect.stop
    assert report["answers"] == [s.split(".") for s in path.answers]
    if path.expect.causes is not None:
        assert report["causes"] == list(path.expect.causes)
    assert len(result.text) <= 4096


async def test_back_returns_to_the_previous_question(runner: Runner, app: BotApplication) -> None:
    await runner.send("/triage")
    first = runner.last.text
    await runner.choose("none")
    second = runner.last.text
    assert second != first
    await runner.choose("-back")
    assert runner.last.text == first
    await runner.choose("none")
    assert runner.last.text == second
    [session] = await rows(app, TriageSession)
    assert session["path"] == [["q_red_flags", "none"]]


async def test_first_question_has_no_back_but_has_unsure_and_cancel(runner: Runner) -> None:
    await runner.send("/triage")
    actions = [data.rsplit(":", 1)[1] for _, data in runner.api.buttons(runner.last)]
    assert "-back" not in actions
    assert {"unsure", "-cancel"} <= set(actions)


async def test_cancel_button_closes_the_session(
    runner: Runner, app: BotApplication, knowledge: Knowledge
) -> None:
    await runner.send("/triage")
    await runner.choose("none")
    await runner.choose("-cancel")
    assert runner.last.text == visible(knowledge.catalog.texts("en")("triage_flow.cancelled"))
    [session] = await rows(app, TriageSession)
    assert session["status"] == "cancelled"
    assert await rows(app, SymptomReport) == []


async def test_red_flag_stops_at_once_with_no_causes(
    runner: Runner, app: BotApplication, knowledge: Knowledge
) -> None:
    root = knowledge.nodes[knowledge.tree.root]
    red_flag = next(a for a in root.answers if a.red_flag)
    t = knowledge.catalog.texts("en")
    await runner.send("/triage")
    await runner.choose(red_flag.id)
    assert visible(t(keys.tier_heading(Tier.EMERGENCY))) in runner.last.text
    assert t("triage_flow.causes_heading") not in runner.last.text
    [report] = await rows(app, SymptomReport)
    assert report["red_flag"] is True


async def test_a_restart_mid_flow_resumes_where_it_was(
    settings: Settings, knowledge: Knowledge, api: LocalBotApi, clock: FakeClock
) -> None:
    first = await start_app(settings, knowledge, api, clock)
    runner = Runner(first, api, 42, first_name="Bo")
    await runner.send("/triage")
    await runner.choose("none")
    question_two = runner.last.text
    await stop_app(first)

    second = await start_app(settings, knowledge, api, clock)
    runner.app = second
    assert runner.last.text == question_two
    await runner.choose(api.buttons(runner.last)[0][1].rsplit(":", 1)[1])
    assert runner.last.text != question_two
    sessions = await rows(second, TriageSession)
    assert len(sessions[0]["path"]) == 2
    await stop_app(second)
    assert api.problems() == []


async def test_changed_content_restarts_an_open_check_politely(
    runner: Runner, app: BotApplication, knowledge: Knowledge
) -> None:
    await runner.send("/triage")
    await runner.choose("none")
    # As if a content release removed the answer this runner gave: the stored path is stale.
    async with app.bot_data.db_engine.begin() as connection:
        await connection.execute(
            update(TriageSession).values(path=[["q_red_flags", "answer_removed_since"]])
        )
    await runner.choose(runner.api.buttons(runner.last)[0][1].rsplit(":", 1)[1])
    t = knowledge.catalog.texts("en")
    assert runner.last.text.startswith(visible(t("triage_flow.restarted")))
    assert visible(t(keys.question(knowledge.tree.root))) in runner.last.text
    [session] = await rows(app, TriageSession)
    assert session["path"] == []
