"""Checks of the real `knowledge/` directory, run through the real loader and engine.

Run from the repository root: `.venv/bin/pytest tests/content -q`. No mocks: the tests load
the YAML files the bot ships, walk them with `TriageEngine`, and write deliberately broken
copies into `tmp_path` to prove the loader rejects them with a precise message.
"""

from __future__ import annotations

import itertools
import random
import shutil
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import keys
from bot.content.catalog import Texts, placeholders
from bot.content.keys import COMMANDS, UI_TEXTS
from bot.content.loader import RESULT, UNSURE, Knowledge, KnowledgeError, load_knowledge
from bot.content.loader import load_path_tests as load_paths_file
from bot.content.models import Node, PathTest, Tier
from bot.content.paths import gear_problems
from bot.content.triage_engine import GearSettings, Question, Result, TriageEngine
from bot.telegram_html import html_problem, parse_html
from bot.ui import callback_data

KNOWLEDGE_DIR = Path("knowledge")

Step = tuple[str, str]

# Texts the bot's handlers use, with the exact placeholders each one must have.
UI_KEYS = {key: frozenset(names) for key, names in UI_TEXTS.items()}
# Plain-text UI pieces (buttons and callback toasts): Telegram shows them unparsed.
UI_BUTTONS = (
    "start.button_triage",
    "delete.button_yes",
    "delete.button_no",
    "triage_flow.back",
    "triage_flow.cancel",
    "settings.language_auto",
    "export.button",
    *(key for key in UI_TEXTS if key.startswith("gear_flow.button_")),
    "history.button_older",
    "history.button_newer",
    # Drawn into the /history chart, a picture: plain characters only.
    "history.chart_numb",
    "history.chart_clear",
    "history.chart_no_shoe",
    "history.chart_other_shoes",
    "history.chart_deleted_shoe",
)
TOASTS = (
    "triage_flow.finished",
    "triage_flow.invalid_button",
    "triage_flow.already_noted",
    "gear_flow.limit_reached",
    "gear_flow.naming_stopped",
    "gear_flow.made_default",
    "gear_flow.deleted",
    "gear_flow.deleted_new_default",
    "gear_flow.shoe_gone",
    "gear_flow.invalid_button",
    "history.page_gone",
    "history.invalid_button",
)
LONGEST_NAME = "W" * 40
"""The widest shoe name a runner can give, for length checks."""
# Causes a self-care result may name: pressure from gear, swelling and cold.
SELF_CARE_CAUSES = frozenset(
    {"toe_box", "lace_pressure", "tight_socks", "swelling", "cold_feet", "foot_shape"}
    | {"deep_peroneal", "metatarsalgia"}
)
PRESSURE_SPOTS = frozenset({"toes", "ball", "top"})
"""Where numbness can be the pressure pattern; the whole foot only late in long or hot runs."""
DUMMY = "Jo <b> & Co"
"""A placeholder value with markup characters, to prove values are escaped safely."""


# ── Fixtures and helpers ─────────────────────────────────────────────────────


@cache
def _knowledge() -> Knowledge:
    return load_knowledge(KNOWLEDGE_DIR)


@pytest.fixture
def knowledge() -> Knowledge:
    return _knowledge()


@pytest.fixture
def engine(knowledge: Knowledge) -> TriageEngine:
    return TriageEngine(knowledge)


@dataclass(frozen=True)
class Wording:
    """The phrases one language must use where a check looks for them."""

    unsure: str
    emergency_department: str
    non_emergency_line: str
    threshold: str
    not_diagnosis: str
    claims: tuple[str, ...]
    """Phrases that would tell the runner they have a cause."""


LANGUAGES = ("en", "de")
"""Every shipped language: each is complete, so every text check runs on each."""
WORDING = {
    "en": Wording(
        unsure="Not sure",
        emergency_department="emergency department (A&amp;E)",
        non_emergency_line="NHS 111",
        threshold="30 minutes",
        not_diagnosis="ℹ️ This is not a diagnosis",
        claims=("you have", "you've got"),
    ),
    "de": Wording(
        unsure="Weiß nicht",
        emergency_department="Notaufnahme",
        non_emergency_line="116 117",
        threshold="30 Minuten",
        not_diagnosis="ℹ️ Das ist keine Diagnose",
        claims=("du hast", "du leidest"),
    ),
}
"""What each language must say in its own words where the checks look for a phrase."""


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def texts(knowledge: Knowledge, language: str) -> Texts:
    return knowledge.catalog.texts(language)


@pytest.fixture
def messages(knowledge: Knowledge, language: str) -> dict[str, str]:
    return dict(knowledge.catalog.languages[language])


def _path_tests() -> tuple[PathTest, ...]:
    return load_paths_file(KNOWLEDGE_DIR).paths


def _gear_profiles(knowledge: Knowledge) -> Iterator[dict[str, str]]:
    """Yield every single gear answer, every pair of answers, and some whole shoes."""
    answers = [(s.id, o) for s in knowledge.gear.values() for o in s.options]
    for setting, option in answers:
        yield {setting: option}
    for (first, a), (second, b) in itertools.combinations(answers, 2):
        if first != second:
            yield {first: a, second: b}
    rng = random.Random(20261123)
    for _ in range(200):
        yield {s.id: rng.choice(s.options) for s in knowledge.gear.values()}


def _steps(answers: tuple[str, ...]) -> list[Step]:
    return [(node, answer) for node, answer in (s.split(".") for s in answers)]


def _finish(engine: TriageEngine, path: list[Step], gear: GearSettings | None = None) -> Result:
    view = engine.walk(path, gear)
    assert isinstance(view, Result), f"{path} ends at a question, not a result"
    return view


def _red_flag_nodes(knowledge: Knowledge) -> list[Node]:
    return [n for n in knowledge.tree.nodes if any(a.red_flag for a in n.answers)]


def _reachable(knowledge: Knowledge) -> dict[str, set[str]]:
    """Map each node to the nodes reachable from it (itself included); the graph is acyclic."""
    memo: dict[str, set[str]] = {}

    def visit(node_id: str) -> set[str]:
        if node_id not in memo:
            found = {node_id}
            for answer in knowledge.nodes[node_id].answers:
                if answer.next is not None and answer.next != RESULT:
                    found |= visit(answer.next)
            memo[node_id] = found
        return memo[node_id]

    for node_id in knowledge.nodes:
        visit(node_id)
    return memo


def _shortest_path(knowledge: Knowledge, target: str) -> list[Step]:
    root = knowledge.tree.root
    came_from: dict[str, Step | None] = {root: None}
    queue = deque([root])
    while queue:
        node_id = queue.popleft()
        for answer in knowledge.nodes[node_id].answers:
            nxt = answer.next
            if nxt is not None and nxt != RESULT and nxt not in came_from:
                came_from[nxt] = (node_id, answer.id)
                queue.append(nxt)
    assert target in came_from, f"{target} is unreachable"
    path: list[Step] = []
    step = came_from[target]
    while step is not None:
        path.append(step)
        step = came_from[step[0]]
    return path[::-1]


def _path_to(knowledge: Knowledge, target: str, choose: Callable[[list[str]], str]) -> list[Step]:
    """Walk from the root to `target`; `choose` picks among the answers still leading there."""
    reach = _reachable(knowledge)
    path: list[Step] = []
    node_id = knowledge.tree.root
    while node_id != target:
        options = [
            a.id
            for a in knowledge.nodes[node_id].answers
            if a.next is not None and a.next != RESULT and target in reach[a.next]
        ]
        answer_id = choose(options)
        path.append((node_id, answer_id))
        node_id = next(a.next for a in knowledge.nodes[node_id].answers if a.id == answer_id)
    return path


def _prefer_unsure(options: list[str]) -> str:
    return UNSURE if UNSURE in options else options[0]


def _all_floorless_walks(knowledge: Knowledge) -> Iterator[list[Step]]:
    """Yield every complete walk that takes no red flag and whose answers raise no floor."""

    def walk(node_id: str, path: list[Step]) -> Iterator[list[Step]]:
        for answer in knowledge.nodes[node_id].answers:
            if answer.stop is not None or answer.at_least is not None:
                continue
            step = [*path, (node_id, answer.id)]
            if answer.next == RESULT:
                yield step
            else:
                assert answer.next is not None
                yield from walk(answer.next, step)

    yield from walk(knowledge.tree.root, [])


# ── The real knowledge loads and the path tests pass ─────────────────────────


def test_real_knowledge_loads(knowledge: Knowledge) -> None:
    assert knowledge.tree.root == "q_red_flags"
    assert knowledge.tree.max_causes == 3


@pytest.mark.parametrize("path_test", _path_tests(), ids=lambda p: p.name)
def test_path(knowledge: Knowledge, engine: TriageEngine, path_test: PathTest) -> None:
    assert gear_problems(knowledge, path_test) == []
    result = _finish(engine, _steps(path_test.answers), path_test.gear)
    assert result.tier is path_test.expect.tier
    assert result.stop == path_test.expect.stop
    assert path_test.expect.causes is not None, "every path states its causes"
    assert result.causes == path_test.expect.causes
    if path_test.gear:
        assert path_test.expect.fixes is not None, "every path with gear states its fixes"
        assert tuple(f for fixes in result.fixes for f in fixes) == path_test.expect.fixes


def test_paths_cover_every_stop_tier_cause_and_variant(
    knowledge: Knowledge, engine: TriageEngine
) -> None:
    results = [_finish(engine, _steps(p.answers), p.gear) for p in _path_tests()]
    assert {r.stop for r in results if r.stop} == set(knowledge.stops)
    assert {r.tier for r in results} == set(Tier)
    assert {c for r in results for c in r.causes} == set(knowledge.causes)
    shown = {f for r in results for fixes in r.fixes for f in fixes}
    assert knowledge.fix_variants <= shown


def test_path_count_is_in_range() -> None:
    without_gear = [p for p in _path_tests() if not p.gear]
    with_gear = [p for p in _path_tests() if p.gear]
    assert 25 <= len(without_gear) <= 60
    assert 10 <= len(with_gear) <= 20


def test_every_path_with_gear_repeats_a_path_without() -> None:
    """Gear paths reuse the answers of a plain path, so the two results can be compared."""
    plain = {p.answers: p for p in _path_tests() if not p.gear}
    for path in _path_tests():
        if path.gear:
            assert path.answers in plain, path.name
            assert path.expect.tier is plain[path.answers].expect.tier, path.name
            assert path.expect.stop == plain[path.answers].expect.stop, path.name


# ── Gear fits causes and fixes, and never touches the tier or a red flag ─────


@pytest.mark.parametrize("path_test", _path_tests(), ids=lambda p: p.name)
def test_gear_never_changes_tier_stop_red_flag_or_reasons(
    knowledge: Knowledge, engine: TriageEngine, path_test: PathTest
) -> None:
    path = _steps(path_test.answers)
    plain = _finish(engine, path)
    suggested = _suggested_causes(knowledge, path) or set(knowledge.tree.fallback_causes)
    for gear in _gear_profiles(knowledge):
        fitted = _finish(engine, path, gear)
        where = f"{path_test.name} with {gear}"
        assert fitted.tier is plain.tier, where
        assert fitted.stop == plain.stop, where
        assert fitted.red_flag == plain.red_flag, where
        assert fitted.reasons == plain.reasons, where
        assert set(fitted.causes) <= suggested, f"gear added a cause: {where}"
        if plain.stop is not None:
            assert fitted == plain, where


@pytest.mark.parametrize("strategy", ["shortest", "random"])
def test_every_red_flag_stops_at_an_emergency_whatever_the_gear(
    knowledge: Knowledge, engine: TriageEngine, strategy: str
) -> None:
    rng = random.Random(20261123)
    profiles = list(_gear_profiles(knowledge))
    checked = 0
    for node in _red_flag_nodes(knowledge):
        if strategy == "shortest":
            prefix = _shortest_path(knowledge, node.id)
        else:
            prefix = _path_to(knowledge, node.id, rng.choice)
        for answer in (a for a in node.answers if a.red_flag):
            for gear in rng.sample(profiles, 25):
                result = _finish(engine, [*prefix, (node.id, answer.id)], gear)
                assert result.tier is Tier.EMERGENCY, (node.id, answer.id, gear)
                assert result.stop == answer.stop
                assert result.red_flag
                assert result.causes == ()
                assert result.fixes == ()
                checked += 1
    assert checked > 0


def test_without_gear_results_are_exactly_as_before(
    knowledge: Knowledge, engine: TriageEngine
) -> None:
    """No shoe, or a shoe with nothing set: the general fixes, the causes as the answers say."""
    for path_test in _path_tests():
        path = _steps(path_test.answers)
        plain = _finish(engine, path)
        assert _finish(engine, path, {}) == plain
        assert plain.fixes == tuple(knowledge.causes[c].fixes for c in plain.causes)
        assert not set(knowledge.fix_variants) & {f for fs in plain.fixes for f in fs}


def test_gear_settings_the_content_no_longer_has_are_ignored(
    knowledge: Knowledge, engine: TriageEngine
) -> None:
    path = _steps(next(p for p in _path_tests() if p.name.startswith("classic")).answers)
    stale = {"fit": "gone_option", "retired_setting": "x"}
    assert _finish(engine, path, stale) == _finish(engine, path)


def test_the_most_specific_variant_wins(knowledge: Knowledge, engine: TriageEngine) -> None:
    classic = _steps(
        next(p for p in _path_tests() if p.name.startswith("classic self-care")).answers
    )
    snug_only = _finish(engine, classic, {"fit": "snug"})
    snug_thick = _finish(engine, classic, {"fit": "snug", "socks": "thick"})
    assert snug_only.fixes[0][0] == "fix_roomy_tight"
    assert snug_thick.fixes[0][0] == "fix_roomy_thick_socks"


def test_gear_matters_only_for_gear_causes(knowledge: Knowledge, engine: TriageEngine) -> None:
    for path_test in _path_tests():
        result = _finish(engine, _steps(path_test.answers))
        assert result.gear_matters == bool(set(result.causes) & knowledge.gear_causes)
    assert "sciatica" not in knowledge.gear_causes
    assert {"toe_box", "lace_pressure", "tight_socks"} <= knowledge.gear_causes


def _suggested_causes(knowledge: Knowledge, path: list[Step]) -> set[str]:
    answers = {(n.id, a.id): a for n in knowledge.tree.nodes for a in n.answers}
    return {cause for step in path for cause in answers[step].suggests}


# ── Red flags always end at an emergency ─────────────────────────────────────


def test_root_is_the_red_flag_screen(knowledge: Knowledge) -> None:
    root = knowledge.nodes[knowledge.tree.root]
    assert sum(a.red_flag for a in root.answers) == len(knowledge.stops)
    assert {a.stop for a in root.answers if a.red_flag} == set(knowledge.stops)


@pytest.mark.parametrize("strategy", ["shortest", "unsure", "random"])
def test_every_red_flag_stops_at_an_emergency(
    knowledge: Knowledge, engine: TriageEngine, strategy: str
) -> None:
    rng = random.Random(20240601)
    checked = 0
    for node in _red_flag_nodes(knowledge):
        if strategy == "shortest":
            prefixes = [_shortest_path(knowledge, node.id)]
        elif strategy == "unsure":
            prefixes = [_path_to(knowledge, node.id, _prefer_unsure)]
        else:
            prefixes = [_path_to(knowledge, node.id, rng.choice) for _ in range(30)]
        for prefix in prefixes:
            question = engine.walk(prefix)
            assert isinstance(question, Question)
            assert question.node_id == node.id
            for answer in node.answers:
                if not answer.red_flag:
                    continue
                result = _finish(engine, [*prefix, (node.id, answer.id)])
                where = f"{node.id}.{answer.id} after {prefix}"
                assert result.tier is Tier.EMERGENCY, where
                assert result.stop == answer.stop, where
                assert result.red_flag, where
                assert result.causes == (), where
                checked += 1
    assert checked > 0


def test_unsure_path_to_a_late_red_flag_uses_the_step_by_step_check(knowledge: Knowledge) -> None:
    path = _path_to(knowledge, "q_circ_change", _prefer_unsure)
    assert path[0] == ("q_red_flags", UNSURE)
    assert [n for n, _ in path[1:9]] == [
        "q_rf_stroke",
        "q_rf_cauda",
        "q_rf_limb",
        "q_rf_injury",
        "q_rf_leg_injury",
        "q_rf_compartment",
        "q_rf_spreading",
        "q_rf_breathless",
    ]


def test_emergency_outcomes_have_no_causes(knowledge: Knowledge) -> None:
    for stop in knowledge.stops.values():
        assert stop.tier is Tier.EMERGENCY
        assert stop.causes == ()


def test_unsure_on_a_safety_check_raises_to_urgent(knowledge: Knowledge) -> None:
    for node in _red_flag_nodes(knowledge):
        if node.id == knowledge.tree.root:
            continue
        unsure = next(a for a in node.answers if a.id == UNSURE)
        assert unsure.at_least is not None, node.id
        assert unsure.at_least.tier is Tier.URGENT, node.id


def test_self_care_only_for_the_pressure_pattern(
    knowledge: Knowledge, engine: TriageEngine
) -> None:
    """Self-care is the pressure pattern, clearing within the threshold; nothing else is."""
    self_care = 0
    for path in _all_floorless_walks(knowledge):
        result = _finish(engine, path)
        answers = dict(path)
        pressure = answers["q_where"] in PRESSURE_SPOTS or (
            answers["q_where"] == "whole" and answers["q_when"] == "late"
        )
        assert (result.tier is Tier.SELF_CARE) == pressure, path
        if result.tier is Tier.SELF_CARE:
            self_care += 1
            assert set(result.causes) <= SELF_CARE_CAUSES, path
            duration = knowledge.nodes["q_duration"].answers
            clears = next(a.clears_within for a in duration if a.id == answers["q_duration"])
            assert clears is not None, path
            assert clears <= knowledge.tree.clear_minutes, path
    assert self_care > 1000


# ── Shape of the questions ───────────────────────────────────────────────────


def test_every_question_has_a_not_sure_answer(knowledge: Knowledge, texts: Texts) -> None:
    for node in knowledge.tree.nodes:
        assert UNSURE in [a.id for a in node.answers], node.id
        assert texts(f"triage.{node.id}.{UNSURE}") == WORDING[texts.language].unsure


def test_callback_data_fits_in_64_bytes(knowledge: Knowledge) -> None:
    for node in knowledge.tree.nodes:
        for answer in node.answers:
            data = f"t1:9999999999:99:{answer.id}"
            assert len(data.encode()) <= 64, data
    for setting in knowledge.gear.values():
        for option in setting.options:
            data = callback_data.gear_set(999_999_999_999, setting.id, True, option)
            assert len(data.encode()) <= 64, data
            assert callback_data.decode_gear(data) == callback_data.SettingPress(
                999_999_999_999, setting.id, wizard=True, store=True, option=option
            )


def test_button_labels_are_short_plain_text(knowledge: Knowledge, texts: Texts) -> None:
    for node in knowledge.tree.nodes:
        for answer in node.answers:
            label = texts(f"triage.{node.id}.{answer.id}")
            assert len(label) <= 30, (node.id, answer.id, label)
            assert not set("<>&{}") & set(label), (node.id, answer.id, label)
    for setting in knowledge.gear.values():
        for option in setting.options:
            label = texts(keys.gear_option(setting.id, option))
            assert len(label) <= 30, (setting.id, option, label)
            assert not set("<>&{}") & set(label), (setting.id, option, label)
        label = texts(keys.gear_label(setting.id))
        assert len(label) <= 20, setting.id
        assert not set("<>&{}") & set(label), setting.id
    for key in UI_BUTTONS:
        label = texts.markup(
            key, language="Português (Brasil)", name=LONGEST_NAME, setting="Tightness"
        )
        assert len(label) <= 64, key
        assert not set("<>&") & set(label), key


# ── Texts ────────────────────────────────────────────────────────────────────


def test_ui_texts_exist_with_their_placeholders(messages: dict[str, str]) -> None:
    for key, names in UI_KEYS.items():
        assert key in messages, key
        assert placeholders(messages[key]) == names, key


def test_data_texts_have_no_placeholders(knowledge: Knowledge, messages: dict[str, str]) -> None:
    variants = {keys.fix(v) for v in knowledge.fix_variants}
    for key, text in messages.items():
        if key in variants:
            assert placeholders(text) == {"shoe"}, key
            assert "<b>{shoe}</b>" in text, f"{key}: the shoe's name stands out in bold"
        elif key not in UI_KEYS:
            assert placeholders(text) == frozenset(), key


def test_every_text_renders_as_valid_telegram_html(messages: dict[str, str], texts: Texts) -> None:
    for key, text in messages.items():
        rendered = texts(key, **dict.fromkeys(placeholders(text), DUMMY))
        assert html_problem(rendered) is None, (key, html_problem(rendered))
        assert len(parse_html(rendered).text) <= 4096, key


def test_composed_texts_render_as_valid_telegram_html(knowledge: Knowledge, texts: Texts) -> None:
    not_emergency = texts("disclaimer.not_emergency")
    commands = "\n".join(
        texts("help.command_line", command=c, description=texts(f"command.{c}")) for c in COMMANDS
    )
    composed = [
        texts.markup("help.text", commands=commands, not_emergency=not_emergency),
        texts.markup("start.welcome", name="Jo &amp; Co", not_emergency=not_emergency),
    ]
    for number, cause in enumerate(knowledge.causes.values(), start=1):
        fixes = "\n".join(
            texts.markup("triage_flow.fix", fix=texts(f"fix.{f}")) for f in cause.fixes
        )
        composed.append(
            texts.markup(
                "triage_flow.cause",
                number=str(number),
                name=texts(f"cause.{cause.id}.name"),
                why=texts(f"cause.{cause.id}.why"),
                fixes=fixes,
            )
        )
    for variant in knowledge.fix_variants:
        composed.append(texts(f"fix.{variant}", shoe=DUMMY))
    for text in composed:
        assert html_problem(text) is None, text
        assert len(parse_html(text).text) <= 4096


def test_commands_and_toasts_are_short_plain_text(texts: Texts) -> None:
    for command in COMMANDS:
        text = texts(f"command.{command}")
        assert 3 <= len(text) <= 60, command
        assert not set("<>&") & set(text), command
    for key in TOASTS:
        toast = texts.markup(
            key, limit="10", name=LONGEST_NAME, default=LONGEST_NAME, language="English"
        )
        assert len(toast) <= 200, key
        assert not set("<>&") & set(texts(key)), key


def test_export_csv_words_are_plain_text(knowledge: Knowledge, texts: Texts) -> None:
    csv_words = [
        *(key for key in UI_TEXTS if key.startswith(("export.column_", "export.status_"))),
        "export.deleted_shoe",
        *(keys.export_column(step.id) for step in knowledge.checkin.steps),
    ]
    assert len(csv_words) > 10
    for key in csv_words:
        word = texts(key, zone="America/Argentina/Buenos_Aires")
        assert len(word) <= 64, key
        assert not set("<>&") & set(word), key


def test_tier_texts(texts: Texts) -> None:
    emoji = {"emergency": "🚨", "urgent": "⚠️", "see_doctor": "🩺", "self_care": "✅"}
    for tier in Tier:
        heading = texts(f"tier.{tier.value}.heading")
        assert heading.startswith("<b>"), tier
        assert heading.endswith("</b>"), tier
        assert emoji[tier.value] in heading, tier
    for action in ("call_now", "go_now"):
        text = texts(f"action.{action}")
        assert all(number in text for number in ("999", "112", "911")), action
        assert text.startswith("<b>"), "what to do now is the first thing read"
    wording = WORDING[texts.language]
    assert wording.emergency_department in texts("action.go_now")
    assert wording.non_emergency_line in texts("tier.urgent.instruction")
    assert "NHS 111" in texts("tier.urgent.instruction")
    assert wording.threshold in texts("tier.self_care.instruction")


def test_cause_texts_never_claim_the_runner_has_it(
    knowledge: Knowledge, messages: dict[str, str], language: str
) -> None:
    for cause_id in knowledge.causes:
        for part in ("name", "why"):
            text = messages[f"cause.{cause_id}.{part}"].lower()
            for claim in WORDING[language].claims:
                assert claim not in text, cause_id


def test_disclaimers(texts: Texts) -> None:
    assert texts("disclaimer.not_diagnosis").startswith(WORDING[texts.language].not_diagnosis)
    not_emergency = texts("disclaimer.not_emergency")
    assert all(number in not_emergency for number in ("999", "112", "911"))
    assert "\n" not in not_emergency


# ── The loader rejects broken content, naming the file and the node ─────────


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


def _edit(path: Path, change: Callable[[Any], None]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _node(tree: dict[str, Any], node_id: str) -> dict[str, Any]:
    return next(n for n in tree["nodes"] if n["id"] == node_id)


def _answer(tree: dict[str, Any], node_id: str, answer_id: str) -> dict[str, Any]:
    return next(a for a in _node(tree, node_id)["answers"] if a["id"] == answer_id)


def _problems(directory: Path) -> tuple[str, ...]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return caught.value.problems


def test_an_unchanged_copy_loads(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    for name in ("triage.yaml", "outcomes.yaml", "causes.yaml", "gear.yaml", "locales/en.yaml"):
        _edit(directory / name, lambda _: None)  # a YAML round trip must not change meaning
    assert load_knowledge(directory).nodes.keys() == _knowledge().nodes.keys()


def test_rejects_a_dangling_next(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "triage.yaml",
        lambda t: _answer(t, "q_side", "one").update(next="q_nowhere"),
    )
    assert "triage.yaml: node q_side answer one: next q_nowhere is not a node" in _problems(
        directory
    )


def test_rejects_an_unreachable_node(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    orphan = {
        "id": "q_orphan",
        "answers": [{"id": "none", "next": RESULT}, {"id": UNSURE, "next": RESULT}],
    }
    _edit(directory / "triage.yaml", lambda t: t["nodes"].append(orphan))
    assert "triage.yaml: node q_orphan: unreachable from q_red_flags" in _problems(directory)


def test_rejects_a_cycle(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "triage.yaml",
        lambda t: _answer(t, "q_change", "none").update(next="q_where"),
    )
    cycles = [p for p in _problems(directory) if " cycle " in p]
    assert len(cycles) == 1, cycles
    assert cycles[0].startswith("triage.yaml: node q_where: cycle q_where -> q_side -> ")
    assert cycles[0].endswith(" -> q_change -> q_where")


def test_rejects_a_red_flag_that_stops_short_of_an_emergency(tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def demote(outcomes: dict[str, Any]) -> None:
        next(s for s in outcomes["stops"] if s["id"] == "stroke")["tier"] = "urgent"

    _edit(directory / "outcomes.yaml", demote)
    problems = _problems(directory)
    assert (
        "triage.yaml: node q_red_flags answer stroke: a red flag must stop at an emergency outcome"
        in problems
    )
    assert (
        "triage.yaml: node q_rf_stroke answer yes: a red flag must stop at an emergency outcome"
        in problems
    )


def test_rejects_a_red_flag_that_does_not_stop(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "triage.yaml",
        lambda t: _answer(t, "q_back", "saddle").update(stop=None, next="q_colour"),
    )
    problems = _problems(directory)
    assert any(
        p.startswith("triage.yaml: nodes[q_back].answers[saddle]")
        and "a red-flag answer must `stop` the flow" in p
        for p in problems
    ), problems


def test_rejects_a_missing_text(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["triage"]["q_side"].pop("question"),
    )
    assert (
        "locales/en.yaml: triage.q_side.question: missing (for triage.yaml node q_side)"
        in _problems(directory)
    )


def test_rejects_a_stale_text(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["triage"]["q_side"].update(maybe="Maybe"),
    )
    expected = "locales/en.yaml: triage.q_side.maybe: no knowledge entry or screen uses this text"
    assert expected in _problems(directory)


def test_rejects_an_epsom_salt_fix(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["fix"].update(
            fix_socks="Try an Epsom salt bath after long runs."
        ),
    )
    assert "locales/en.yaml: fix.fix_socks: safety rule: must not mention /epsom/" in _problems(
        directory
    )


def test_rejects_soaking_advice(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["fix"].update(fix_warm_start="Soak your feet to warm them."),
    )
    assert r"locales/en.yaml: fix.fix_warm_start: safety rule: must not mention /\bsoak/" in (
        _problems(directory)
    )


def test_rejects_diagnosis_outside_the_disclaimer(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["cause"]["toe_box"].update(why="Our diagnosis: tight shoes."),
    )
    assert (
        "locales/en.yaml: cause.toe_box.why: safety rule: only disclaimer.* texts may speak of "
        "diagnosis" in _problems(directory)
    )


def test_rejects_unhedged_overstriding(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["fix"].update(fix_relace="Stop overstriding on your runs."),
    )
    assert (
        'locales/en.yaml: fix.fix_relace: safety rule: /overstrid/ only as "some runners find"'
        in _problems(directory)
    )


def test_rejects_overstriding_as_a_cause_even_hedged(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["cause"]["toe_box"].update(
            why="Some runners find overstriding makes it worse."
        ),
    )
    assert (
        "locales/en.yaml: cause.toe_box.why: safety rule: /overstrid/ is unproven, not a cause"
        in _problems(directory)
    )


def test_accepts_a_hedged_unproven_claim_outside_causes(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["fix"].update(
            fix_relace="Some runners find that relaxing instead of clenching their toes helps."
        ),
    )
    assert load_knowledge(directory).catalog.languages["en"]["fix.fix_relace"].startswith("Some")


# ── Every shipped language is complete and held to its own safety rules ─────


def _edit_german(directory: Path, change: Callable[[dict[str, Any]], None]) -> None:
    _edit(directory / "locales" / "de.yaml", lambda loc: change(loc["messages"]))


def test_rejects_a_missing_german_text(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit_german(directory, lambda m: m["triage"]["q_side"].pop("question"))
    assert (
        "locales/de.yaml: triage.q_side.question: missing (for triage.yaml node q_side)"
        in _problems(directory)
    )


def test_rejects_a_german_text_english_does_not_have(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit_german(directory, lambda m: m["runs"].update(weekend="Wochenende"))
    expected = "locales/de.yaml: runs.weekend: no knowledge entry or screen uses this text"
    assert expected in _problems(directory)


def test_rejects_german_placeholders_that_differ(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit_german(directory, lambda m: m["gear_flow"].update(renamed="✅ Umbenannt in {shoe}."))
    assert "locales/de.yaml: gear_flow.renamed: placeholders differ from en.yaml" in _problems(
        directory
    )


def test_rejects_broken_html_in_german(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit_german(directory, lambda m: m["triage_flow"].update(reasons_heading="<b>Warum</i>"))
    assert any(
        p.startswith("locales/de.yaml: triage_flow.reasons_heading: invalid Telegram HTML")
        for p in _problems(directory)
    )


def test_rejects_a_text_longer_than_a_telegram_message(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    text = "<b>Hilfe</b> " * 700 + "{commands} {not_emergency}"
    _edit_german(directory, lambda m: m["help"].update(text=text))
    assert "locales/de.yaml: help.text: 4203 characters, more than Telegram's 4096" in (
        _problems(directory)
    )


def test_rejects_long_or_marked_up_buttons_and_commands(tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def wordy(messages: dict[str, Any]) -> None:
        messages["triage"]["q_side"]["one"] = "Nur an einem einzigen Fuß, immer links"
        messages["gear_option"]["socks"]["thin"] = "<b>Dünn</b>"
        messages["command"]["help"] = (
            "So benutzt du den Bot, mit allen Befehlen und " + "Tipps" * 4
        )

    _edit_german(directory, wordy)
    problems = _problems(directory)
    assert "locales/de.yaml: triage.q_side.one: 38 characters; it must have 1–30" in problems
    assert (
        "locales/de.yaml: gear_option.socks.thin: a button or command is plain text, without <>&{}"
    ) in problems
    assert "locales/de.yaml: command.help: 66 characters; it must have 3–60" in problems


def test_rejects_an_incomplete_list_of_weekday_names(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit_german(directory, lambda m: m["runs"].update(day_names="Mo,Di,Mi,Do,Fr,Sa"))
    assert "locales/de.yaml: runs.day_names: must be 7 names separated by commas" in (
        _problems(directory)
    )


@pytest.mark.parametrize(
    ("advice", "rule"),
    [
        ("Ein Fußbad nach langen Läufen tut gut.", "(fuß|fuss)(bad|bäder|wanne)"),
        ("Probier Bittersalz im Wasser.", "bittersalz"),
        ("Weich die Füße in warmem Wasser ein.", r"(heiß|heiss|warm)\w*\s+wasser"),
        ("Eine Wärmflasche wärmt die Zehen.", "wärmflasche"),
    ],
)
def test_rejects_german_heat_and_soaking_advice(tmp_path: Path, advice: str, rule: str) -> None:
    directory = _copy(tmp_path)
    _edit_german(directory, lambda m: m["fix"].update(fix_warm_start=advice))
    assert f"locales/de.yaml: fix.fix_warm_start: safety rule: must not mention /{rule}/" in (
        _problems(directory)
    )


def test_rejects_a_german_diagnosis_outside_the_disclaimer(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    why = "Diagnose: zu enge Schuhe."
    _edit_german(directory, lambda m: m["cause"]["toe_box"].update(why=why))
    assert (
        "locales/de.yaml: cause.toe_box.why: safety rule: only disclaimer.* texts may speak of "
        "diagnosis" in _problems(directory)
    )


def test_german_unproven_claims_only_hedged_and_never_as_a_cause(tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def claims(messages: dict[str, Any]) -> None:
        messages["fix"]["fix_relace"] = "Lauf nicht auf dem Laufband."
        messages["cause"]["toe_box"]["why"] = "Manche Läufer finden, dass Elektrolyte helfen."

    _edit_german(directory, claims)
    problems = _problems(directory)
    assert (
        'locales/de.yaml: fix.fix_relace: safety rule: /laufband/ only as "manche Läufer finden"'
        in problems
    )
    assert (
        "locales/de.yaml: cause.toe_box.why: safety rule: /elektrolyt/ is unproven, not a cause"
        in problems
    )


def test_accepts_a_hedged_german_unproven_claim(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    hedged = "Manche Läufer finden, dass es hilft, die Zehen nicht zu krallen."
    _edit_german(directory, lambda m: m["fix"].update(fix_relace=hedged))
    assert load_knowledge(directory).catalog.languages["de"]["fix.fix_relace"] == hedged


def test_rejects_a_root_that_is_not_the_red_flag_screen(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "triage.yaml", lambda t: t.update(root="q_where"))
    problems = _problems(directory)
    assert "triage.yaml: node q_where: the root must be the red-flag screen" in problems
    assert "triage.yaml: node q_red_flags: unreachable from q_where" in problems


def test_lists_every_problem_at_once(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "triage.yaml",
        lambda t: _answer(t, "q_side", "one").update(next="q_nowhere"),
    )
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["fix"].update(fix_socks="An Epsom salt bath."),
    )
    problems = _problems(directory)
    assert "triage.yaml: node q_side answer one: next q_nowhere is not a node" in problems
    assert "locales/en.yaml: fix.fix_socks: safety rule: must not mention /epsom/" in problems


def test_rejects_a_stray_brace(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["fallback"].update(free_text="Try /triage {or /help"),
    )
    assert any("fallback.free_text: unbalanced braces" in p for p in _problems(directory))


def test_rejects_a_ui_text_with_other_placeholders(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["start"].update(welcome="Hi {first_name}"),
    )
    assert any("start.welcome: placeholders must be exactly" in p for p in _problems(directory))


def test_rejects_a_missing_ui_text(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "locales" / "en.yaml", lambda loc: loc["messages"]["cancel"].pop("done"))
    assert any(p.startswith("locales/en.yaml: cancel.done: missing") for p in _problems(directory))


def test_rejects_an_unsure_that_stops_at_self_care(tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def stop_unsure_early(tree: dict[str, Any]) -> None:
        unsure = next(a for a in _node(tree, "q_red_flags")["answers"] if a["id"] == "unsure")
        unsure.pop("next")
        unsure["stop"] = "calm"

    _edit(directory / "triage.yaml", stop_unsure_early)
    _edit(
        directory / "outcomes.yaml",
        lambda data: data["stops"].append({"id": "calm", "tier": "self_care", "action": "go_now"}),
    )
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["outcome"].update(calm="All fine."),
    )
    assert any(
        "q_red_flags answer unsure: on a red-flag screen" in p for p in _problems(directory)
    )


def test_a_missing_root_still_reports_everything_else(tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def break_two_things(tree: dict[str, Any]) -> None:
        tree["root"] = "q_nowhere"
        _node(tree, "q_side")["answers"][0]["next"] = "q_gone"

    _edit(directory / "triage.yaml", break_two_things)
    problems = _problems(directory)
    assert "triage.yaml: root q_nowhere: no such node" in problems
    assert any("next q_gone is not a node" in p for p in problems)


def test_rejects_unquoted_yes_as_a_key(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["triage"]["q_side"].update({True: "Yes"}),
    )
    assert any("a key must be text; quote it" in p for p in _problems(directory))


# ── The loader rejects broken gear content ───────────────────────────────────


def _variant(causes: dict[str, Any], fix_id: str, variant_id: str) -> dict[str, Any]:
    fix = next(f for f in causes["fixes"] if f["id"] == fix_id)
    return next(v for v in fix["variants"] if v["id"] == variant_id)


def test_rejects_a_condition_on_an_unknown_setting_or_option(tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def break_conditions(causes: dict[str, Any]) -> None:
        _variant(causes, "fix_relace", "fix_relace_loosen")["when"] = {"heel_drop": ["low"]}
        _variant(causes, "fix_socks", "fix_socks_thinner")["when"] = {"socks": ["woolly"]}

    _edit(directory / "causes.yaml", break_conditions)
    problems = _problems(directory)
    assert (
        "causes.yaml: fix fix_relace variant fix_relace_loosen: unknown gear setting heel_drop"
        in problems
    )
    assert (
        "causes.yaml: fix fix_socks variant fix_socks_thinner: socks has no option woolly in "
        "gear.yaml" in problems
    )


def test_rejects_a_gear_weight_on_an_unknown_option(tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def break_weight(causes: dict[str, Any]) -> None:
        cause = next(c for c in causes["causes"] if c["id"] == "toe_box")
        cause["gear_weights"][0]["when"] = {"fit": ["huge"]}

    _edit(directory / "causes.yaml", break_weight)
    assert "causes.yaml: cause toe_box gear_weights: fit has no option huge in gear.yaml" in (
        _problems(directory)
    )


def test_rejects_a_gear_weight_that_is_not_a_nudge(tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def heavy(causes: dict[str, Any]) -> None:
        cause = next(c for c in causes["causes"] if c["id"] == "toe_box")
        cause["gear_weights"][0]["add"] = 9

    _edit(directory / "causes.yaml", heavy)
    assert any(
        "gear_weights" in p and "less than or equal to 3" in p for p in _problems(directory)
    )


def test_rejects_a_variant_that_can_never_be_chosen(tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def duplicate(causes: dict[str, Any]) -> None:
        fix = next(f for f in causes["fixes"] if f["id"] == "fix_socks")
        fix["variants"].append({"id": "fix_socks_again", "when": {"socks": ["thick"]}})

    _edit(directory / "causes.yaml", duplicate)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["fix"].update(fix_socks_again="Thinner socks in {shoe}."),
    )
    assert (
        "causes.yaml: fix fix_socks variant fix_socks_again: same `when` as an earlier variant, "
        "so it can never be chosen" in _problems(directory)
    )


def test_rejects_a_variant_id_that_clashes_with_a_fix(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "causes.yaml",
        lambda causes: _variant(causes, "fix_socks", "fix_socks_thinner").update(id="fix_relace"),
    )
    assert "causes.yaml: fix fix_relace: defined twice" in _problems(directory)


def test_rejects_a_variant_text_without_the_shoe(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["fix"].update(fix_socks_thinner="Try thinner socks."),
    )
    assert (
        "locales/en.yaml: fix.fix_socks_thinner: placeholders must be exactly ['shoe']"
        in _problems(directory)
    )


def test_rejects_a_placeholder_in_a_general_fix(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["fix"].update(fix_socks="Thinner socks in {shoe}."),
    )
    assert "locales/en.yaml: fix.fix_socks: placeholders must be exactly []" in _problems(
        directory
    )


def test_rejects_a_missing_gear_option_label(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["gear_option"]["lacing"].pop("window"),
    )
    assert (
        "locales/en.yaml: gear_option.lacing.window: missing (for gear.yaml setting lacing)"
        in _problems(directory)
    )


def test_rejects_a_setting_id_too_long_for_callback_data(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "gear.yaml", lambda gear: gear["settings"][1].update(id="lacing_in_full_xy"))
    assert any(
        p.startswith("gear.yaml: settings[lacing_in_full_xy].id: String should match pattern")
        for p in _problems(directory)
    )


def test_rejects_a_duplicate_gear_option(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "gear.yaml", lambda gear: gear["settings"][0]["options"].append("tight"))
    assert "gear.yaml: setting fit option tight: defined twice" in _problems(directory)


def test_a_path_test_with_unknown_gear_is_reported(knowledge: Knowledge) -> None:
    path = _path_tests()[0].model_copy(update={"gear": {"fit": "huge", "colour": "red"}})
    assert gear_problems(knowledge, path) == [
        f"path {path.name!r}: gear fit has no option huge",
        f"path {path.name!r}: unknown gear setting colour",
    ]


def test_gear_conditions_match_every_listed_setting(knowledge: Knowledge) -> None:
    variant = next(
        v for v in knowledge.fixes["fix_relace"].variants if v.id == "fix_relace_window"
    )
    firm_criss_cross: Mapping[str, str] = {"lacing": "criss_cross", "lacing_tightness": "firm"}
    assert variant.matches(firm_criss_cross)
    assert not variant.matches({"lacing": "criss_cross"})
    assert not variant.matches({"lacing": "window", "lacing_tightness": "firm"})
