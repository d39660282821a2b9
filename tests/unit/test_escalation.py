"""The see-a-doctor rules: persistent, recurring, and once per episode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.content.loader import Knowledge
from bot.services.escalation import History, new_episode, rule_that_fires

NOW = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


def history(*recent: bool, persistent: bool = False, in_two_weeks: int = 0) -> History:
    return History(persistent=persistent, recent_numb=recent, numb_within={14: in_two_weeks})


def test_thresholds_come_from_the_knowledge(knowledge: Knowledge) -> None:
    rules = {rule.id: rule for rule in knowledge.escalation.recurring}
    assert (rules["recent_runs"].numb_runs, rules["recent_runs"].last_runs) == (3, 5)
    assert (rules["two_weeks"].numb_runs, rules["two_weeks"].within_days) == (3, 14)
    assert knowledge.escalation.quiet_days == 30


def test_persistent_numbness_escalates_at_once(knowledge: Knowledge) -> None:
    assert rule_that_fires(history(True, persistent=True), knowledge.escalation) == "persistent"


def test_three_of_the_last_five(knowledge: Knowledge) -> None:
    rules = knowledge.escalation
    assert rule_that_fires(history(True, False, True, False, False), rules) is None
    assert rule_that_fires(history(True, False, True, False, True), rules) == "recent_runs"
    assert rule_that_fires(history(True, False, False, False, False, True, True), rules) is None


def test_three_within_fourteen_days(knowledge: Knowledge) -> None:
    rules = knowledge.escalation
    assert rule_that_fires(history(True, in_two_weeks=2), rules) is None
    assert rule_that_fires(history(True, in_two_weeks=3), rules) == "two_weeks"


def test_an_episode_ends_after_the_quiet_days(knowledge: Knowledge) -> None:
    rules = knowledge.escalation
    assert new_episode(None, NOW, rules)
    assert not new_episode(NOW - timedelta(days=29), NOW, rules)
    assert new_episode(NOW - timedelta(days=30), NOW, rules)
