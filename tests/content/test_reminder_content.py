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


def test_the_checkin_asks_every_warning_sign_of_the_triage(knowledge: Knowledge) -> None:
    """The check-in's signs are the first screen's, plus the same-day signs, several at once."""
    signs = knowledge.checkin_steps["signs"]
    assert signs.multi
    stops = {a.stop for a in signs.answers if a.red_flag}
    first_screen = {a.stop for a in knowledge.nodes[knowledge.tree.root].answers if a.red_flag}
    assert stops == first_screen
    assert all(knowledge.stops[stop].tier is Tier.EMERGENCY for stop in stops if stop)
    alerts = {a.alert.reason for a in signs.answers if a.alert is not None}
    same_day = {a.at_least.reason for a in knowledge.nodes["q_urgent"].answers if a.at_least}
    assert {"leg_injury", "infection", "clot"} <= alerts & same_day
    where = knowledge.checkin_steps["where"]
    assert {a.id for a in where.answers} == {"toes", "ball", "top", "sole", "whole", "leg"}
    assert next(a for a in where.answers if a.id == "leg").escalate == "up_leg"


def test_checkin_durations_follow_the_one_threshold(knowledge: Knowledge) -> None:
    after = {a.id: a for a in knowledge.checkin_steps["after"].answers}
    limit = knowledge.tree.clear_minutes
    assert [after["minutes"].clears_within, after["half_hour"].clears_within] == [5, limit]
    assert after["lasting"].still_numb
    assert after["lasting"].escalate == "persistent"


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
        directory / "outcomes.yaml",
        lambda o: o["stops"].append({"id": "meh", "tier": "urgent", "action": "go_now"}),
    )
    _edit(
        directory / "checkin.yaml",
        lambda f: _checkin_answer(f, "signs", "stroke").update(stop="meh"),
    )
    problems = _problems(directory)
    assert (
        "checkin.yaml: step signs answer stroke: a red flag must stop at an emergency outcome"
        in problems
    )
    assert "outcomes.yaml: outcome meh: a stop is an emergency" in problems


def test_a_multi_step_lists_only_warning_signs(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "checkin.yaml",
        lambda f: _step(f, "signs")["answers"].__setitem__(0, {"id": "fine", "next": "shoe"}),
    )
    assert (
        "checkin.yaml: step signs answer fine: a multi step's answers are warning signs: stop "
        "or alert"
    ) in _problems(directory)


def test_a_health_step_needs_a_known_note_and_a_way_on(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "checkin.yaml", lambda f: _step(f, "wound").update(health="gout"))
    assert "checkin.yaml: step wound: health gout is not in triage.yaml health_notes" in (
        _problems(directory)
    )
    _edit(directory / "checkin.yaml", lambda f: _step(f, "wound").pop("otherwise"))
    assert any("`otherwise` belongs to, and is needed by" in p for p in _problems(directory))


def test_a_duration_over_the_threshold_must_escalate(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "checkin.yaml",
        lambda f: _checkin_answer(f, "after", "half_hour").update(clears_within=45),
    )
    problems = _problems(directory)
    assert "checkin.yaml: step after answer half_hour: longer than 30 minutes must escalate" in (
        problems
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
    assert leading == {("numb", "no"), ("wound", "no")}
    assert steps["wound"].otherwise == shoe.id, "a runner without the note goes on to shoes"
    assert steps["signs"].otherwise == "wound"


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
            "its answers must finish, with no numb: false, tip or escalate"
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
