"""Fixtures for the local Bot API tests: a controllable clock, the fake, a PTB bot on it."""

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.localapi import LocalBotApi, LocalRequest


class FakeClock:
    """A wall clock the test moves by hand."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api(clock: FakeClock) -> LocalBotApi:
    return LocalBotApi(clock=clock)


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    requests = LocalRequest(api), LocalRequest(api)
    async with Bot(api.token, request=requests[0], get_updates_request=requests[1]) as bot:
        yield bot
