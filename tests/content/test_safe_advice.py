"""Advice that stays safe on stories it was not written around.

The clinical case suite walks through the real engine and must meet its targets; the content
checks behind it (one threshold, "not sure" errs safe, causes that agree with the answers)
reject broken copies of `knowledge/` with the file and id named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.content.__main__ import main
from bot.content.cases import run_cases, table
from bot.content.loader import Knowledge, KnowledgeError, load_cases, stated_minutes
from bot.content.models import Tier
from bot.content.triage_engine import Result, TriageEngine
from tests.content.test_knowledge import (
    KNOWLEDGE_DIR,
    _answer,
    _copy,
    _edit,
    _node,
    _problems,
)

PRESSURE = [
    ("q_red_flags", "none"),
    ("q_urgent", "none"),
    ("q_where", "top"),
    ("q_side", "one"),
    ("q_when", "early"),
    ("q_duration", "minutes"),
    ("q_pain", "none"),
    ("q_back", "no"),
    ("q_colour", "no"),
    ("q_diabetes", "no"),
    ("q_conditions", "none"),
    ("q_history", "once"),
    ("q_change", "lacing"),
]
"""Numb on top of the foot under new lacing, clearing in minutes: the self-care pattern."""


@pytest.fixture
def engine(knowledge: Knowledge) -> TriageEngine:
    return TriageEngine(knowledge)


def _with(**changes: str) -> list[tuple[str, str]]:
    return [(node, changes.get(node, answer)) for node, answer in PRESSURE]


def _result(engine: TriageEngine, path: list[tuple[str, str]]) -> Result:
    view = engine.walk(path)
    assert isinstance(view, Result)
    return view


# ── The case suite ───────────────────────────────────────────────────────────


def test_every_case_walks_and_the_targets_are_met(knowledge: Knowledge) -> None:
    report = run_cases(TriageEngine(knowledge), load_cases(KNOWLEDGE_DIR))
    assert report.problems == []
    assert report.met, table(report)
    assert len(report.results) >= 60


def test_every_case_cites_a_public_source() -> None:
    cases = load_cases(KNOWLEDGE_DIR).cases
    assert all(case.source.startswith("https://") for case in cases)
    assert len({case.source for case in cases}) >= 20, "written from many pages, not a few"


def test_a_case_that_skips_a_question_is_reported(knowledge: Knowledge, tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def forget(data: dict[str, Any]) -> None:
        case = next(c for c in data["cases"] if c["answers"].get("q_urgent") == "none")
        del case["answers"]["q_urgent"]
        data["cases"][0]["answers"]["q_red_flags"] = "maybe"

    _edit(directory / "tests" / "cases.yaml", forget)
    problems = run_cases(TriageEngine(knowledge), load_cases(directory)).problems
    assert any(p.endswith("gives no answer to q_urgent") for p in problems)
    assert any(p.endswith("q_red_flags has no answer maybe") for p in problems)


def test_too_few_cases_of_a_tier_are_refused(tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def drop_urgent(data: dict[str, Any]) -> None:
        data["cases"] = [c for c in data["cases"] if c["expect"] != "urgent"]

    _edit(directory / "tests" / "cases.yaml", drop_urgent)
    with pytest.raises(KnowledgeError) as caught:
        load_cases(directory)
    assert "cases.yaml: 0 cases expect urgent; the suite needs 12" in caught.value.problems


def test_an_urgent_case_may_not_accept_a_lower_tier(tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def lenient(data: dict[str, Any]) -> None:
        next(c for c in data["cases"] if c["expect"] == "urgent")["acceptable"] = ["see_doctor"]

    _edit(directory / "tests" / "cases.yaml", lenient)
    with pytest.raises(KnowledgeError) as caught:
        load_cases(directory)
    assert any("accepts only more urgent tiers" in p for p in caught.value.problems)


def test_the_table_names_each_miss(knowledge: Knowledge, tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def harsher(data: dict[str, Any]) -> None:
        case = next(c for c in data["cases"] if c["id"] == "lace_pressure_ten_minutes")
        case["expect"] = "urgent"

    _edit(directory / "tests" / "cases.yaml", harsher)
    report = run_cases(TriageEngine(knowledge), load_cases(directory))
    assert not report.met
    assert "- MISS: lace_pressure_ten_minutes expected urgent, got self_care" in table(report)
    assert "| Urgent or emergency stories under-triaged | 1 of" in table(report)


# ── One threshold ────────────────────────────────────────────────────────────


def test_feeling_back_within_30_minutes_is_self_care(engine: TriageEngine) -> None:
    assert _result(engine, _with(q_duration="minutes")).tier is Tier.SELF_CARE
    assert _result(engine, _with(q_duration="mid")).tier is Tier.SELF_CARE
    longer = _result(engine, _with(q_duration="long"))
    assert longer.tier is Tier.SEE_DOCTOR
    assert longer.reasons == ("lasts_long",)


def test_minutes_stated_in_a_text() -> None:
    assert stated_minutes("within 5 to 30 minutes, or 45 min") == [5, 30, 45]
    assert stated_minutes("an hour, half an hour or 2 hours") == [60, 30, 120]
    assert stated_minutes("a few minutes of brisk walking") == []
    assert stated_minutes("innerhalb von 5 bis 30 Minuten, oder 45 Min.") == [5, 30, 45]
    assert stated_minutes("eine Stunde, eine halbe Stunde oder 2 Stunden") == [60, 30, 120]
    assert stated_minutes("ein paar Minuten zügig gehen") == []


def test_a_text_may_not_state_another_threshold(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "en.yaml",
        lambda loc: loc["messages"]["tip"].update(
            stop_and_loosen="If it hasn't cleared within 45 minutes, get it checked."
        ),
    )
    assert (
        "locales/en.yaml: tip.stop_and_loosen: states 45 minutes, a threshold the rules don't "
        "use (they use [5, 30])"
    ) in _problems(directory)


def test_a_german_text_may_not_state_another_threshold(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "locales" / "de.yaml",
        lambda loc: loc["messages"]["tip"].update(
            stop_and_loosen="Wenn es nach 45 Minuten nicht weg ist, lass es untersuchen."
        ),
    )
    assert (
        "locales/de.yaml: tip.stop_and_loosen: states 45 minutes, a threshold the rules don't "
        "use (they use [5, 30])"
    ) in _problems(directory)


def test_a_slow_answer_must_raise_the_floor(tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def slower(tree: dict[str, Any]) -> None:
        _answer(tree, "q_duration", "mid")["clears_within"] = 45
        _answer(tree, "q_duration", "long").pop("at_least")

    _edit(directory / "triage.yaml", slower)
    problems = _problems(directory)
    assert (
        "triage.yaml: node q_duration answer mid: longer than 30 minutes must be at least "
        "see_doctor"
    ) in problems
    assert (
        "triage.yaml: node q_duration answer long: longer than 30 minutes must be at least "
        "see_doctor"
    ) in problems


# ── "Not sure" errs to the safer tier ────────────────────────────────────────


def test_not_sure_raises_as_far_as_any_answer(knowledge: Knowledge) -> None:
    for node in knowledge.tree.nodes:
        floors = [a.at_least.tier.rank for a in node.answers if a.at_least and a.id != "unsure"]
        unsure = next(a for a in node.answers if a.id == "unsure")
        if floors:
            assert unsure.at_least is not None, node.id
            assert unsure.at_least.tier.rank >= max(floors), node.id


def test_a_not_sure_that_raises_less_is_refused(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "triage.yaml", lambda t: _answer(t, "q_pain", "unsure").pop("at_least"))
    assert (
        "triage.yaml: node q_pain answer unsure: it must raise the tier to at least see_doctor, "
        "like another answer to the question, with its own reason"
    ) in _problems(directory)


# ── The new questions ────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("node", "answer", "tier", "reason"),
    [
        ("q_urgent", "injury", Tier.URGENT, "leg_injury"),
        ("q_urgent", "infection", Tier.URGENT, "infection"),
        ("q_urgent", "clot", Tier.URGENT, "clot"),
        ("q_urgent", "spreading", Tier.URGENT, "spreading_days"),
        ("q_urgent", "unsure", Tier.URGENT, "urgent_unsure"),
        ("q_when", "always", Tier.SEE_DOCTOR, "not_only_running"),
        ("q_pain", "balance", Tier.SEE_DOCTOR, "balance"),
        ("q_history", "months", Tier.SELF_CARE, None),
    ],
)
def test_each_new_answer_reaches_its_tier_with_its_reason(
    engine: TriageEngine, node: str, answer: str, tier: Tier, reason: str | None
) -> None:
    path = _with(**{node: answer})
    if node == "q_history" and answer != "once":
        path.insert(-1, ("q_course", "not_tried"))
    result = _result(engine, path)
    assert result.tier is tier
    assert result.reasons == ((reason,) if reason else ())


@pytest.mark.parametrize(
    ("course", "tier"),
    [
        ("better", Tier.SELF_CARE),
        ("not_tried", Tier.SELF_CARE),
        ("despite", Tier.SEE_DOCTOR),
        ("worse", Tier.SEE_DOCTOR),
        ("unsure", Tier.SEE_DOCTOR),
    ],
)
def test_recurring_despite_changes_or_worse_is_at_least_see_doctor(
    engine: TriageEngine, course: str, tier: Tier
) -> None:
    path = _with(q_history="months")
    path.insert(-1, ("q_course", course))
    assert _result(engine, path).tier is tier


@pytest.mark.parametrize("answer", ["leg_injury", "breathless"])
def test_new_red_flags_stop_on_the_first_screen(engine: TriageEngine, answer: str) -> None:
    result = _result(engine, [("q_red_flags", answer)])
    assert result.tier is Tier.EMERGENCY
    assert result.causes == ()


def test_whole_foot_is_self_care_only_late_in_long_or_hot_runs(engine: TriageEngine) -> None:
    late = _result(engine, _with(q_where="whole", q_when="late", q_change="mileage"))
    assert late.tier is Tier.SELF_CARE
    assert late.causes[0] == "swelling"
    early = _result(engine, _with(q_where="whole"))
    assert early.tier is Tier.SEE_DOCTOR
    assert early.reasons == ("whole_foot",)


def test_health_notes_follow_the_answers(engine: TriageEngine) -> None:
    diabetes = _with(q_diabetes="yes", q_conditions="nerve")
    diabetes.insert(10, ("q_diab_foot", "no"))
    assert dict(_result(engine, diabetes).health) == {
        "diabetes": True,
        "circulation": False,
        "nerve": True,
    }
    assert dict(_result(engine, _with()).health) == {
        "diabetes": False,
        "circulation": False,
        "nerve": False,
    }
    unsure = _result(engine, _with(q_diabetes="unsure", q_conditions="unsure"))
    assert unsure.health == (), "not sure changes no note"


# ── Causes that agree with the answers ───────────────────────────────────────


def test_a_cause_that_clears_off_pressure_is_not_shown_to_someone_still_numb(
    engine: TriageEngine,
) -> None:
    quick = _result(engine, _with())
    assert "lace_pressure" in quick.causes
    still_numb = _result(engine, _with(q_duration="long"))
    assert "lace_pressure" not in still_numb.causes
    assert still_numb.causes[0] == "deep_peroneal"


def test_no_shoe_pressure_beside_a_sciatica_picture_unless_laces_are_named(
    engine: TriageEngine,
) -> None:
    sciatica = _with(q_where="leg", q_back="back_leg", q_change="none")
    causes = _result(engine, sciatica).causes
    assert causes[0] == "sciatica"
    assert not {"lace_pressure", "toe_box", "tight_socks", "deep_peroneal"} & set(causes)
    laces = _with(q_where="leg", q_back="back_leg")  # "New lacing" names the laces
    assert "lace_pressure" in _result(engine, laces).causes


def test_urgent_signs_push_out_shoe_causes(engine: TriageEngine) -> None:
    result = _result(engine, _with(q_urgent="infection"))
    assert result.causes[0] == "infection"
    assert not {"lace_pressure", "toe_box", "tight_socks", "swelling"} & set(result.causes)


def test_a_hide_rule_naming_an_unknown_answer_is_refused(tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def typo(causes: dict[str, Any]) -> None:
        cause = next(c for c in causes["causes"] if c["id"] == "cecs")
        cause["hide_when"] = [{"any_of": ["q_duration.lond"]}]

    _edit(directory / "causes.yaml", typo)
    _edit(
        directory / "triage.yaml",
        lambda t: t["rules"].append(
            {
                "when": {"all_of": ["q_where.hole"]},
                "at_least": _node(t, "q_where")["answers"][2]["at_least"],
            }
        ),
    )
    problems = _problems(directory)
    assert (
        "causes.yaml: cause cecs hide_when: q_duration.lond is not an answer in triage.yaml"
        in (problems)
    )
    assert "triage.yaml: rules[1]: q_where.hole is not an answer in triage.yaml" in problems


def test_a_cause_without_fixes_only_behind_an_urgent_answer(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "triage.yaml",
        lambda t: _answer(t, "q_where", "toes")["suggests"].update(dvt=1),
    )
    assert (
        "triage.yaml: node q_where answer toes: cause dvt has no fixes, so only an urgent answer "
        "may suggest it"
    ) in _problems(directory)


def test_a_health_note_must_be_declared(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "triage.yaml",
        lambda t: _answer(t, "q_diabetes", "yes")["health"].update(gout=True),
    )
    assert (
        "triage.yaml: node q_diabetes answer yes: health note gout is not in health_notes"
        in _problems(directory)
    )


def test_the_command_line_prints_the_safety_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["safety"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("| figure | cases | share | target | met |")
    assert "| Emergencies stopped at the first screen |" in printed
    assert main(["check"]) == 0
    assert "clinical cases meet their targets" in capsys.readouterr().out


def test_the_command_line_fails_on_a_missed_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = _copy(tmp_path)

    def harsher(data: dict[str, Any]) -> None:
        next(c for c in data["cases"] if c["id"] == "lace_pressure_ten_minutes")["expect"] = (
            "urgent"
        )

    _edit(directory / "tests" / "cases.yaml", harsher)
    assert main(["safety", "--dir", str(directory)]) == 1
    assert main(["check", "--dir", str(directory)]) == 1
    assert "the clinical cases miss a target" in capsys.readouterr().err
