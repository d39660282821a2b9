"""A tiny run of `bench.reminders` on each database: every reminder of the burst arrives once."""

from __future__ import annotations

import pytest

from bench.reminders import measure_database
from bot.content.loader import Knowledge
from tests.conftest import require_postgres

RUNNERS = 300
BURST = 20


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_the_bench_measures_everything_and_the_burst_loses_nothing(
    kind: str, knowledge: Knowledge
) -> None:
    if kind == "postgres":
        await require_postgres()
    figures = await measure_database(
        kind,
        knowledge,
        runners=RUNNERS,
        burst_size=BURST,
        claim=20,
        repeats=2,
        flood_limit=1000,
        # A tick every second and a fast send rate keep the test short; the bench uses defaults.
        dispatcher_env={"DISPATCH_INTERVAL_SECONDS": "1", "DISPATCH_SEND_RATE": "200"},
    )
    burst = figures.burst
    assert (burst["sent"], burst["lost"], burst["duplicates"]) == (BURST, 0, 0)
    assert (burst["flood_429"], burst["skipped_late"]) == (0, 0)
    assert {label: len(each) for label, each in figures.startup.items()} == {"0": 2, "300": 2}
    assert all(rss > 0 for each in figures.rss.values() for rss in each)
    measured = ("raw", "tips", "checkins", "tick", "delete")
    assert {name: len(times) for name, times in figures.claims.items()} == dict.fromkeys(
        measured, 2
    )
