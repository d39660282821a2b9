"""The scale benchmark's machinery on a tiny load: webhook processes, fresh database, counts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bench.scale import ECHO, ONE, Configuration, Options, check, measure
from tests.conftest import postgres_database

TINY = Options(runners=4, warmup=0.0, seconds=0.5, concurrency=4)
OPEN_LOOP_RATE = 20.0


@pytest.fixture
async def postgres_up() -> AsyncIterator[None]:
    """Skip (fail under CI=true) unless the PostgreSQL server answers."""
    async with postgres_database():
        yield


@pytest.mark.postgres
@pytest.mark.usefixtures("postgres_up")
@pytest.mark.parametrize("configuration", [ONE, ECHO], ids=["full bot", "echo app"])
async def test_every_posted_update_is_answered_once(configuration: Configuration) -> None:
    measured = await measure(configuration, TINY, lambda _: [OPEN_LOOP_RATE])
    assert list(measured.open) == [OPEN_LOOP_RATE]
    for result in (measured.closed, *measured.open.values()):
        check("smoke", result)  # exits on a lost or refused update or an invalid Bot API call
        assert result.posted_total >= TINY.runners
        assert result.lost == 0
        assert result.extra_answers == 0
        assert set(result.cpu_seconds) == {"bot 1", "load", "postgres", "machine"}
