"""The scale benchmark's machinery on a tiny load: webhook processes, fresh database, counts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bench.scale import ECHO, ONE, Configuration, Options, check, started
from tests.conftest import postgres_database

TINY = Options(runners=4, warmup=0.0, seconds=0.5, repeats=1, concurrency=4)
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
    async with started(configuration, TINY) as running:
        closed = await running.closed_loop()
        opened = await running.open_loop(OPEN_LOOP_RATE)
    assert closed.posted >= TINY.runners, "every runner acts at once in a closed loop"
    for result in (closed, opened):
        check("smoke", result)  # exits on a lost or refused update or an invalid Bot API call
        assert result.lost == 0
        assert result.extra_answers == 0
        assert {"bot 1", "load", "machine"} <= set(result.cpu_seconds)
