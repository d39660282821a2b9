"""The gear use cases without Telegram: pure name rules, then flows on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.content.loader import Knowledge
from bot.content.triage_engine import Result, TriageEngine
from bot.db.uow import unit_of_work
from bot.services import gear, triage, typed_text
from bot.services.context import Context
from bot.services.gear import NameProblem, clean_name

NOW = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
RUNNER = 7_000_000_001

# ── Names (pure) ─────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("typed", "name", "problem"),
    [
        ("Pegasus 40", "Pegasus 40", None),
        ("  trail   shoes \t", "trail shoes", None),
        ("👟", "👟", None),
        ("👩🏽‍🦰 Jo’s pair", "👩🏽‍🦰 Jo’s pair", None),
        ("x" * 40, "x" * 40, None),
        ("  " + "x" * 40 + "  ", "x" * 40, None),
        ("x" * 41, "x" * 41, NameProblem.TOO_LONG),
        ("", "", NameProblem.EMPTY),
        ("   ", "", NameProblem.EMPTY),
        ("\u200b\u2060", "\u200b\u2060", NameProblem.EMPTY),
        ("Pegasus\n40", "Pegasus\n40", NameProblem.SPECIAL),
        ("Peg\x00asus", "Peg\x00asus", NameProblem.SPECIAL),
        ("abc\u202edef", "abc\u202edef", NameProblem.SPECIAL),
    ],
)
def test_clean_name(typed: str, name: str, problem: NameProblem | None) -> None:
    assert clean_name(typed) == (name, problem)


# ── Flows on a real database ─────────────────────────────────────────────────


@pytest.fixture
def rules(knowledge: Knowledge) -> gear.GearRules:
    return knowledge.gear


TypeText = Callable[..., Awaitable[typed_text.TypedReply]]
"""Types a message as the runner, in a unit of work of its own (optionally at a given time)."""


@pytest.fixture
def type_text(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], knowledge: Knowledge
) -> TypeText:
    engine = TriageEngine(knowledge)

    async def typed(text: str, now: datetime = NOW) -> typed_text.TypedReply:
        async with unit_of_work(rollback_sessionmaker) as repos:
            ctx = Context(knowledge, "UTC", now)
            return await typed_text.receive(repos, engine, ctx, RUNNER, "en", text)

    return typed


async def _add(
    sessionmaker: async_sessionmaker[AsyncSession],
    rules: gear.GearRules,
    type_text: TypeText,
    name: str,
    now: datetime = NOW,
) -> typed_text.TypedReply:
    async with unit_of_work(sessionmaker) as repos:
        prompt = await gear.ask_for_name(repos, rules, RUNNER, "en", None, now)
        assert prompt == gear.NamePrompt()
    return await type_text(name, now)


async def test_the_first_shoe_is_the_default_and_the_set_up_walks_every_setting(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
    rules: gear.GearRules,
    type_text: TypeText,
) -> None:
    named = await _add(rollback_sessionmaker, rules, type_text, "Pegasus 40")
    assert isinstance(named, gear.Named)
    assert named.added
    question = named.next
    assert isinstance(question, gear.SettingQuestion)
    assert question.shoe.is_default
    asked = []
    view: gear.GearView = question
    while isinstance(view, gear.SettingQuestion):
        asked.append(view.setting.id)
        assert view.number == len(asked)
        assert view.previous == (asked[-2] if len(asked) > 1 else None)
        option = view.setting.options[-1]
        async with unit_of_work(rollback_sessionmaker) as repos:
            view = await gear.choose(
                repos, rules, RUNNER, view.shoe.id, view.setting.id, option, True, NOW
            )
    assert asked == list(rules)
    assert isinstance(view, gear.ShoeCard)
    assert view.shoe.settings == {s.id: s.options[-1] for s in rules.values()}


async def test_second_shoe_is_not_the_default_and_names_clash_ignoring_case(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
    rules: gear.GearRules,
    type_text: TypeText,
) -> None:
    await _add(rollback_sessionmaker, rules, type_text, "Pegasus 40")
    clash = await _add(rollback_sessionmaker, rules, type_text, "pegasus   40")
    assert clash == gear.NamePrompt(None, NameProblem.TAKEN, "pegasus 40")
    second = await type_text("Trail")
    assert isinstance(second, gear.Named)
    assert isinstance(second.next, gear.SettingQuestion)
    assert not second.next.shoe.is_default


async def test_no_name_is_awaited_without_asking(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
    rules: gear.GearRules,
    type_text: TypeText,
) -> None:
    assert await type_text("Pegasus") is None


async def test_a_name_typed_after_an_hour_is_not_taken(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
    rules: gear.GearRules,
    type_text: TypeText,
) -> None:
    late = NOW + gear.NAMING_EXPIRES_AFTER + timedelta(seconds=1)
    async with unit_of_work(rollback_sessionmaker) as repos:
        await gear.ask_for_name(repos, rules, RUNNER, "en", None, NOW)
    assert await type_text("Pegasus", late) is None
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await repos.pending.get(RUNNER) is None, "the stale wait was cleared"


async def test_not_sure_removes_an_answer_and_outdated_options_read_as_not_set(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
    rules: gear.GearRules,
    type_text: TypeText,
) -> None:
    named = await _add(rollback_sessionmaker, rules, type_text, "Pegasus 40")
    assert isinstance(named, gear.Named)
    shoe_id = named.next.shoe.id
    async with unit_of_work(rollback_sessionmaker) as repos:
        await gear.choose(repos, rules, RUNNER, shoe_id, "fit", "snug", False, NOW)
        stored = await repos.shoes.get(RUNNER, shoe_id)
        assert stored is not None
        stored.settings = {**stored.settings, "socks": "woolly", "retired": "x"}
    async with unit_of_work(rollback_sessionmaker) as repos:
        card = await gear.open_shoe(repos, rules, RUNNER, shoe_id)
        assert isinstance(card, gear.ShoeCard)
        assert card.shoe.settings == {"fit": "snug"}
        card = await gear.choose(repos, rules, RUNNER, shoe_id, "fit", None, False, NOW)
        assert isinstance(card, gear.ShoeCard)
        assert card.shoe.settings == {}


async def test_invalid_settings_and_options_are_refused(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
    rules: gear.GearRules,
    type_text: TypeText,
) -> None:
    named = await _add(rollback_sessionmaker, rules, type_text, "Pegasus 40")
    assert isinstance(named, gear.Named)
    shoe_id = named.next.shoe.id
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await gear.ask(repos, rules, RUNNER, shoe_id, "colour", True) is (
            gear.Refusal.INVALID
        )
        refused = await gear.choose(repos, rules, RUNNER, shoe_id, "fit", "huge", True, NOW)
        assert refused is gear.Refusal.INVALID
        refused = await gear.choose(repos, rules, RUNNER, shoe_id, "fit", "window", True, NOW)
        assert refused is gear.Refusal.INVALID


async def test_missing_shoes_give_the_list(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], rules: gear.GearRules
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.users.seen(RUNNER, None, NOW)
        gone = gear.GearList((), shoe_gone=True)
        assert await gear.open_shoe(repos, rules, RUNNER, 404) == gone
        assert await gear.ask(repos, rules, RUNNER, 404, "fit", False) == gone
        assert await gear.choose(repos, rules, RUNNER, 404, "fit", "snug", False, NOW) == gone
        assert await gear.make_default(repos, rules, RUNNER, 404, NOW) == gone
        assert await gear.ask_to_delete(repos, rules, RUNNER, 404) == gone
        assert await gear.delete(repos, rules, RUNNER, 404, NOW) == gone
        assert await gear.ask_for_name(repos, rules, RUNNER, None, 404, NOW) == gone


async def test_delete_promotes_the_oldest_remaining_shoe(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
    rules: gear.GearRules,
    type_text: TypeText,
) -> None:
    for name in ("A", "B", "C"):
        await _add(rollback_sessionmaker, rules, type_text, name)
    async with unit_of_work(rollback_sessionmaker) as repos:
        _, b, c = await repos.shoes.for_user(RUNNER)
        card = await gear.make_default(repos, rules, RUNNER, c.id, NOW)
        assert isinstance(card, gear.ShoeCard)
        assert card.made_default
    async with unit_of_work(rollback_sessionmaker) as repos:
        listed = await gear.delete(repos, rules, RUNNER, c.id, NOW)
    assert listed.deleted == "C"
    assert listed.new_default == "A"
    assert [(s.name, s.is_default) for s in listed.shoes] == [("A", True), ("B", False)]
    async with unit_of_work(rollback_sessionmaker) as repos:
        listed = await gear.delete(repos, rules, RUNNER, b.id, NOW)
    assert (listed.deleted, listed.new_default) == ("B", None)


async def test_at_most_max_shoes(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
    rules: gear.GearRules,
    type_text: TypeText,
) -> None:
    for number in range(gear.MAX_SHOES):
        assert isinstance(
            await _add(rollback_sessionmaker, rules, type_text, f"Pair {number}"), gear.Named
        )
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await gear.ask_for_name(repos, rules, RUNNER, None, None, NOW) is (
            gear.Refusal.LIMIT
        )
        shoe = (await repos.shoes.for_user(RUNNER))[0]
        renaming = await gear.ask_for_name(repos, rules, RUNNER, None, shoe.id, NOW)
        assert isinstance(renaming, gear.NamePrompt), "renaming is fine at the limit"


async def test_a_triage_result_is_fitted_to_the_default_shoe(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
    rules: gear.GearRules,
    knowledge: Knowledge,
    type_text: TypeText,
) -> None:
    engine = TriageEngine(knowledge)
    named = await _add(rollback_sessionmaker, rules, type_text, "Pegasus 40")
    assert isinstance(named, gear.Named)
    async with unit_of_work(rollback_sessionmaker) as repos:
        shoe_id = named.next.shoe.id
        await gear.choose(repos, rules, RUNNER, shoe_id, "lacing", "criss_cross", False, NOW)
        await gear.choose(repos, rules, RUNNER, shoe_id, "lacing_tightness", "firm", False, NOW)
        view = await triage.start(repos, engine, RUNNER, "en", NOW)
    answers = ["none", "none", "top", "both", "early", "minutes", "none", "no", "no", "no", "none"]
    answers.append("once")
    for step, answer in enumerate([*answers, "lacing"]):
        async with unit_of_work(rollback_sessionmaker) as repos:
            view = await triage.answer(
                repos, engine, triage.Press(RUNNER, view.session_id, step), answer, NOW
            )
        assert isinstance(view, triage.TriageView)
    assert isinstance(view.view, Result)
    assert view.shoe_name == "Pegasus 40"
    assert not view.invite_to_gear
    assert view.view.fixes[0] == ("fix_relace_window", "fix_heel_lock")
    async with unit_of_work(rollback_sessionmaker) as repos:
        [report] = await repos.reports.for_user(RUNNER)
    assert report.causes == list(view.view.causes)


async def test_starting_a_triage_stops_waiting_for_a_name(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
    rules: gear.GearRules,
    knowledge: Knowledge,
    type_text: TypeText,
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await gear.ask_for_name(repos, rules, RUNNER, "en", None, NOW)
        await triage.start(repos, TriageEngine(knowledge), RUNNER, "en", NOW)
    view = await type_text("Pegasus")
    assert isinstance(view, triage.TriageView), "the text repeats the check's question"
