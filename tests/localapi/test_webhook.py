"""setWebhook's rules, and updates pushed to the webhook as Telegram pushes them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, Conflict

from bot.localapi import LocalBotApi
from bot.localapi.webhook import SECRET_HEADER


class Receiver:
    """A webhook server that records what it is sent and answers with `status`."""

    def __init__(self) -> None:
        self.received: list[tuple[str | None, dict[str, object]]] = []
        self.status = 200
        self.arrived = asyncio.Event()

    async def take(self, request: web.Request) -> web.Response:
        self.received.append((request.headers.get(SECRET_HEADER), await request.json()))
        self.arrived.set()
        return web.Response(status=self.status)


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.take)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield receiver, f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    await runner.cleanup()


@pytest.mark.parametrize(
    ("params", "refusal"),
    [
        ({"url": "http://example.org/hook"}, "An HTTPS URL must be provided"),
        ({"url": "https://example.org:8080/hook"}, "only on ports 80, 88, 443 or 8443"),
        ({"url": "https://example.org/hook", "secret_token": "no spaces"}, "unallowed characters"),
    ],
)
async def test_set_webhook_follows_telegrams_rules(
    bot: Bot, params: dict[str, str], refusal: str
) -> None:
    with pytest.raises(BadRequest, match=f"(?i){refusal}"):
        await bot.set_webhook(**params)


async def test_updates_are_pushed_with_the_secret_and_polling_is_refused(
    api: LocalBotApi, bot: Bot, receiver: tuple[Receiver, str]
) -> None:
    webhook, url = receiver
    assert await bot.set_webhook(url, secret_token="s3cret", allowed_updates=["message"])
    try:
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        api.send_text(5, "hello")
        async with asyncio.timeout(10):
            await webhook.arrived.wait()
        [(secret, update)] = webhook.received
        assert secret == "s3cret"
        assert update["message"]["text"] == "hello"  # type: ignore[index]
        assert (await bot.get_webhook_info()).url == url
    finally:
        await api.webhook.close()
    assert [call.problems for call in api.calls if call.problems] == [
        (
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    ]


async def test_a_refused_update_stays_pending_and_is_reported(
    api: LocalBotApi, bot: Bot, receiver: tuple[Receiver, str]
) -> None:
    webhook, url = receiver
    webhook.status = 403
    await bot.set_webhook(url)
    api.send_text(5, "hello")
    async with asyncio.timeout(10):
        await webhook.arrived.wait()
    await bot.delete_webhook()
    info = await bot.get_webhook_info()
    assert info.url == ""
    [update] = await bot.get_updates()
    assert update.message is not None
    assert update.message.text == "hello", "not taken, so still pending for getUpdates"
    await api.webhook.close()
    assert api.problems() == []


async def test_the_last_delivery_error_is_in_the_webhook_info(
    api: LocalBotApi, bot: Bot, receiver: tuple[Receiver, str]
) -> None:
    webhook, url = receiver
    webhook.status = 403
    await bot.set_webhook(url)
    api.send_text(5, "hello")
    async with asyncio.timeout(10):
        await webhook.arrived.wait()
        webhook.arrived.clear()
        await webhook.arrived.wait()  # sent again: the first refusal has been noted
    info = await bot.get_webhook_info()
    await api.webhook.close()
    assert info.last_error_message == "Wrong response from the webhook: 403 Forbidden"
    assert info.pending_update_count == 1
