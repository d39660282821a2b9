"""Data retention: check-ins, check results and checks older than RETENTION_DAYS are deleted.

What ages out, and by which time:
- check-ins (answered, "didn't run", or never answered), by their run's start; a snoozed
  check-in's reminder goes with it (`ON DELETE CASCADE`);
- symptom reports (a finished /triage's answers and result), by when they were made;
- triage sessions (the answers of a check, finished or not), by when they last changed; a
  report that outlives its session keeps its own copy of the answers.

Everything else a runner stores is their current state, not history, and stays until
/delete_me: shoes, planned runs, settings, health notes (replaced by later answers). Nothing
the escalation rules read is affected: they look back weeks (`knowledge/escalation.yaml`),
and RETENTION_DAYS is at least 30 (`bot.config`).

The dispatcher deletes in batches of at most `BATCH_SIZE` rows per table, each batch its own
short transaction, so the write lock (SQLite's one writer, PostgreSQL's row locks) is never
held for long and reminders keep flowing between batches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.uow import Repositories

BATCH_SIZE = 500
"""Rows deleted per table in one transaction. Measured on this project's shared test machine
(200 runners, 20,000 check-ins with as many checks and results, half of them old, snoozes on
some): a batch of 500 of each, through the age indexes, took a median 7-15 ms on SQLite
(at most 100 ms while other work loaded the machine) and 24-28 ms on PostgreSQL (at most
62 ms). An update waiting for SQLite's write lock waits that long at most, while a backlog of
a million rows still takes only some two thousand transactions."""
BATCHES_PER_TICK = 20
"""At most this many batches run in one dispatcher tick; a longer backlog goes on at the next
tick, so a first run over years of data never holds the tick (and the reminders) up for long."""
EVERY = timedelta(hours=1)
"""How often the dispatcher looks for data to delete once none is left (data ages by days, so
an hour late is nothing)."""


@dataclass(frozen=True, slots=True)
class Purged:
    """How many rows of each kind one or more batches deleted."""

    checkins: int = 0
    reports: int = 0
    sessions: int = 0

    def __add__(self, other: Purged) -> Purged:
        return Purged(
            self.checkins + other.checkins,
            self.reports + other.reports,
            self.sessions + other.sessions,
        )

    @property
    def total(self) -> int:
        """Return the rows deleted in all."""
        return self.checkins + self.reports + self.sessions

    def full(self, limit: int) -> bool:
        """Return True if any table gave a whole batch, so more may be waiting."""
        return max(self.checkins, self.reports, self.sessions) >= limit


def cutoff(now: datetime, days: int) -> datetime:
    """Return the time before which data is deleted, `days` before `now`."""
    return now - timedelta(days=days)


async def purge_batch(repos: Repositories, before: datetime, limit: int) -> Purged:
    """Delete up to `limit` rows of each kind older than `before`; the caller commits."""
    return Purged(
        checkins=await repos.checkins.delete_older(before, limit),
        reports=await repos.reports.delete_older(before, limit),
        sessions=await repos.triage.delete_older(before, limit),
    )
