"""When check-ins call for the see-a-doctor message, and keeping it to once per episode.

Pure rules over a runner's check-in history. Numbness still there hours after a run
(`persistent`) escalates at once; numbness on enough recent check-ins (`knowledge/
escalation.yaml`) escalates as recurring. An episode of numbness ends after `quiet_days`
without a numb check-in; only then may the message come again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.content import keys
from bot.content.models import EscalationRules


@dataclass(frozen=True, slots=True)
class History:
    """What the rules need to know about a runner's check-ins, the current one included."""

    persistent: bool
    """The current check-in said the numbness lasted hours."""
    recent_numb: Sequence[bool]
    """Numb or not, for the latest answered check-ins, newest first."""
    numb_within: dict[int, int]
    """For each rule window in days: how many numb check-ins fell in it."""


def new_episode(last_numb_before: datetime | None, now: datetime, rules: EscalationRules) -> bool:
    """Return True when numbness now starts a new episode (none for `quiet_days` before)."""
    return last_numb_before is None or now - last_numb_before >= timedelta(days=rules.quiet_days)


def rule_that_fires(history: History, rules: EscalationRules) -> str | None:
    """Return the id of the first escalation rule the history meets, or None."""
    if history.persistent:
        return keys.PERSISTENT
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
