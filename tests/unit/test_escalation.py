"""The see-a-doctor rules: recurring numbness, episodes, and "I've seen a doctor"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.content.loader import Knowledge
from bot.content.models import Tier
from bot.db.models import AlertLevel
from bot.services.escalation import History, level_of, new_episode, quieted, rule_that_fires

NOW = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


def history(*recent: bool, in_two_weeks: int = 0) -> History:
    return History(recent_numb=recent, numb_within={14: in_two_weeks})


def test_thresholds_come_from_the_knowledge(knowledge: Knowledge) -> None:
    rules = {rule.id: rule for rule in knowledge.escalation.recurring}
    assert (rules["recent_runs"].numb_runs, rules["recent_runs"].last_runs) == (3, 5)
    assert (rules["two_weeks"].numb_runs, rules["two_weeks"].within_days) == (3, 14)
    assert knowledge.escalation.quiet_days == 30
    assert knowledge.escalation.seen_doctor_days == 90


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


def test_seen_a_doctor_quiets_for_the_set_days(knowledge: Knowledge) -> None:
    rules = knowledge.escalation
    assert not quieted(None, NOW, rules)
    assert quieted(NOW - timedelta(days=89), NOW, rules)
    assert not quieted(NOW - timedelta(days=90), NOW, rules)


def test_alert_levels_rank_like_the_tiers() -> None:
    levels = [level_of(tier) for tier in Tier]
    assert levels == sorted(levels, reverse=True)
    assert level_of(Tier.SEE_DOCTOR) is AlertLevel.SIGN > AlertLevel.RECURRING
