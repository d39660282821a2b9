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
        _checkin_answer(flow, "numb", "yes").update(next="shoe")
        _checkin_answer(flow, "where", "toes").update(tip="fix_nothing")

    _edit(directory / "checkin.yaml", break_flow)
    problems = _problems(directory)
    assert "checkin.yaml: step numb answer yes: next shoe is not a step" in problems
    assert "checkin.yaml: step where answer toes: tip fix_nothing is not a fix in causes.yaml" in (
        problems
    )


def test_a_new_checkin_step_needs_its_texts(tmp_path: Path) -> None:
    """The seam for "which shoe?": a step inserted in the data, its texts required."""
    directory = _copy(tmp_path)
    shoe = {
        "id": "shoe",
        "answers": [{"id": "usual", "finish": True}, {"id": "other", "finish": True}],
    }

    def insert(flow: dict[str, Any]) -> None:
        flow["steps"].append(shoe)
        for answer in _step(flow, "after")["answers"]:
            answer.pop("finish")
            answer["next"] = "shoe"
        _checkin_answer(flow, "after", "lasting").pop("persistent")
        _checkin_answer(flow, "shoe", "usual").update(persistent=False)

    _edit(directory / "checkin.yaml", insert)
    problems = _problems(directory)
    assert "locales/en.yaml: checkin.shoe.question: missing (for checkin.yaml step shoe)" in (
        problems
    )


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
