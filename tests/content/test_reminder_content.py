"""The reminder data: schedules, tips, the check-in flow and escalation.

It loads, and broken copies are rejected with the file and id named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.content import keys
from bot.content.loader import Knowledge, load_knowledge
from bot.content.models import Tier
from tests.content.test_knowledge import _copy, _edit, _problems


def _step(flow: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(s for s in flow["steps"] if s["id"] == step_id)


def _checkin_answer(flow: dict[str, Any], step_id: str, answer_id: str) -> dict[str, Any]:
    return next(a for a in _step(flow, step_id)["answers"] if a["id"] == answer_id)


def test_checkin_red_flags_reuse_the_triage_outcomes(knowledge: Knowledge) -> None:
    where = knowledge.checkin_steps["where"]
    saddle = next(a for a in where.answers if a.id == "saddle")
    assert saddle.red_flag
    assert saddle.stop is not None
    assert knowledge.stops[saddle.stop].tier is Tier.EMERGENCY
    leg = next(a for a in where.answers if a.id == "leg")
    assert leg.alert is not None
    assert leg.alert.tier is Tier.URGENT


def test_every_reminder_text_is_in_the_catalogue(knowledge: Knowledge) -> None:
    t = knowledge.catalog.texts("en")
    for tip in knowledge.tips:
        assert len(t(keys.tip(tip))) <= 300
    for step in knowledge.checkin.steps:
        for answer in step.answers:
            assert len(t(keys.checkin_answer(step.id, answer.id))) <= 30


def test_rejects_an_unknown_time_zone(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "schedules.yaml", lambda s: s["timezones"].append("Mars/Olympus"))
    assert "schedules.yaml: timezones: Mars/Olympus is not an IANA time zone" in _problems(
        directory
    )


def test_rejects_an_absurd_start_time(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "schedules.yaml", lambda s: s["start_times"].append("25:61"))
    assert any(p.startswith("schedules.yaml: start_times") for p in _problems(directory))


def test_rejects_a_checkin_red_flag_that_does_not_stop_at_an_emergency(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "outcomes.yaml", lambda o: o["stops"].append({"id": "meh", "tier": "urgent"})
    )
    _edit(
        directory / "checkin.yaml",
        lambda f: _checkin_answer(f, "where", "saddle").update(stop="meh"),
    )
    problems = _problems(directory)
    assert (
        "checkin.yaml: step where answer saddle: a red flag must stop at an emergency outcome"
        in problems
    )


def test_rejects_dangling_checkin_references(tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def break_flow(flow: dict[str, Any]) -> None:
        _checkin_answer(flow, "numb", "yes").update(next="nowhere")
        _checkin_answer(flow, "where", "toes").update(tip="fix_nothing")

    _edit(directory / "checkin.yaml", break_flow)
    problems = _problems(directory)
    assert "checkin.yaml: step numb answer yes: next nowhere is not a step" in problems
    assert "checkin.yaml: step where answer toes: tip fix_nothing is not a fix in causes.yaml" in (
        problems
    )


def test_a_new_checkin_step_needs_its_texts(tmp_path: Path) -> None:
    """A step inserted in the data (before the shoe question) has its texts required."""
    directory = _copy(tmp_path)
    surface = {
        "id": "surface",
        "answers": [{"id": "road", "next": "shoe"}, {"id": "trail", "next": "shoe"}],
    }

    def insert(flow: dict[str, Any]) -> None:
        flow["steps"].append(surface)
        for answer in _step(flow, "after")["answers"]:
            answer["next"] = "surface"

    _edit(directory / "checkin.yaml", insert)
    problems = _problems(directory)
    assert (
        "locales/en.yaml: checkin.surface.question: missing (for checkin.yaml step surface)"
        in (problems)
    )


def test_the_shoe_question_comes_last_for_numb_and_clear_runs(knowledge: Knowledge) -> None:
    steps = knowledge.checkin_steps
    [shoe] = [step for step in knowledge.checkin.steps if step.shoes]
    assert all(answer.finish for answer in shoe.answers)
    assert {answer.id for answer in shoe.answers} == {"unsure"}
    leading = {
        (step.id, a.id) for step in steps.values() for a in step.answers if a.next == shoe.id
    }
    assert leading == {
        ("numb", "no"),
        ("after", "minutes"),
        ("after", "hour"),
        ("after", "lasting"),
    }


def test_the_shoe_question_only_records_the_shoes(tmp_path: Path) -> None:
    directory = _copy(tmp_path)

    def break_flow(flow: dict[str, Any]) -> None:
        _step(flow, "shoe")["answers"].append({"id": "other", "next": "where"})
        _step(flow, "shoe")["answers"].append({"id": "tipped", "finish": True, "tip": "fix_socks"})
        _checkin_answer(flow, "where", "toes")["id"] = "s12"

    _edit(directory / "checkin.yaml", break_flow)
    problems = _problems(directory)
    for answer in ("other", "tipped"):
        assert (
            f"checkin.yaml: step shoe answer {answer}: the shoe question only records the shoes; "
            "its answers must finish, with no numb: false, tip or persistent"
        ) in problems
    assert "checkin.yaml: step where answer s12: ids like s1, s2 are the shoe buttons' ids" in (
        problems
    )


def test_the_shoe_question_cannot_come_first(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "checkin.yaml", lambda f: f.update(first="shoe"))
    assert "checkin.yaml: first shoe: the shoe question can't come first" in _problems(directory)


def test_a_step_needs_two_answers_unless_it_lists_shoes(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "checkin.yaml", lambda f: _step(f, "shoe").pop("shoes"))
    assert any("at least two answers" in p for p in _problems(directory))


def test_escalation_rules_need_one_window(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "escalation.yaml",
        lambda e: e["recurring"].append({"id": "odd", "numb_runs": 2}),
    )
    assert any("exactly one of last_runs or within_days" in p for p in _problems(directory))


def test_an_unchanged_copy_of_the_reminder_data_loads(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    for name in ("schedules.yaml", "tips.yaml", "checkin.yaml", "escalation.yaml"):
        _edit(directory / name, lambda _: None)
    assert load_knowledge(directory).tips
