"""When check-ins call for a message about the runner's numbness, and how often.

Pure rules over a runner's check-in history and their episode's alert level. Numbness on
enough recent check-ins (`knowledge/escalation.yaml`) calls for the recurring see-a-doctor
message; a sign in one check-in (`escalate` in `checkin.yaml`) for its own, more serious one.
Within an episode of numbness each level goes out once, and only a more serious one comes
after it; the episode ends after `quiet_days` without a numb check-in. "I've seen a doctor
about this" quiets the recurring message for `seen_doctor_days`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.content.models import EscalationRules, Tier
from bot.db.models import AlertLevel


@dataclass(frozen=True, slots=True)
class History:
    """What the recurring rules need to know about a runner's check-ins, this one included."""

    recent_numb: Sequence[bool]
    """Numb or not, for the latest answered check-ins, newest first."""
    numb_within: dict[int, int]
    """For each rule window in days: how many numb check-ins fell in it."""


def new_episode(last_numb_before: datetime | None, now: datetime, rules: EscalationRules) -> bool:
    """Return True when numbness now starts a new episode (none for `quiet_days` before)."""
    return last_numb_before is None or now - last_numb_before >= timedelta(days=rules.quiet_days)


def quieted(doctor_seen_at: datetime | None, now: datetime, rules: EscalationRules) -> bool:
    """Return True while "I've seen a doctor about this" keeps the recurring message quiet."""
    return doctor_seen_at is not None and now < doctor_seen_at + timedelta(
        days=rules.seen_doctor_days
    )


def level_of(tier: Tier) -> AlertLevel:
    """Return the alert level of a check-in's alert of `tier`."""
    return {
        Tier.EMERGENCY: AlertLevel.EMERGENCY,
        Tier.URGENT: AlertLevel.URGENT,
        Tier.SEE_DOCTOR: AlertLevel.SIGN,
        Tier.SELF_CARE: AlertLevel.NONE,
    }[tier]


def rule_that_fires(history: History, rules: EscalationRules) -> str | None:
    """Return the id of the first recurring rule the history meets, or None."""
    for rule in rules.recurring:
        if rule.last_runs is not None:
            count = sum(history.recent_numb[: rule.last_runs])
        else:
            count = history.numb_within.get(rule.within_days or 0, 0)
        if count >= rule.numb_runs:
            return rule.id
    return None


def most_recent_needed(rules: EscalationRules) -> int:
    """Return how many latest check-ins the `last_runs` rules look at."""
    return max((rule.last_runs or 0 for rule in rules.recurring), default=0)


def windows(rules: EscalationRules) -> list[int]:
    """Return the day windows the `within_days` rules count in."""
    return sorted({rule.within_days for rule in rules.recurring if rule.within_days is not None})
