import asyncio
import datetime as dtm
import json
import signal
import socket
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter

from bot.localapi import API_KEY, LocalBotApi, Upload, create_app
from bot.retries import NothingSentError
from bot.transport import AiohttpRequest


@pytest.fixture
async def server(api: LocalBotApi) -> AsyncIterator[str]:
    async def ping(request: web.Request) -> web.Response:
        return web.json_response({"bot": request.app[API_KEY].bot_user["username"]})

    runner = web.AppRunner(create_app(api, routes=[web.get("/ping", ping)]))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


@pytest.fixture
async def http_bot(api: LocalBotApi, server: str) -> AsyncIterator[Bot]:
    bot = Bot(api.token, base_url=f"{server}/bot", base_file_url=f"{server}/file/bot")
    async with bot:
        yield bot


async def test_real_bot_over_http(api: LocalBotApi, http_bot: Bot) -> None:
    assert (await http_bot.get_me()).username == "numb_feet_test_bot"
    api.user(3)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
    sent = await http_bot.send_message(
        3, "Numb <i>now</i>?", parse_mode="HTML", reply_markup=keyboard
    )
    assert (sent.text, sent.reply_markup) == ("Numb now?", keyboard)
    api.press(3, sent.message_id, "yes")
    [update] = await http_bot.get_updates(timeout=5)
    assert update.callback_query is not None
    assert await http_bot.answer_callback_query(update.callback_query.id)
    await http_bot.edit_message_text("Noted", chat_id=3, message_id=sent.message_id)
    assert await http_bot.set_my_commands([BotCommand("start", "Start")])
    assert api.commands() == [("start", "Start")]
    assert api.last_bot_message(3).text == "Noted"
    assert api.problems() == []


async def test_multipart_upload_and_file_download(api: LocalBotApi, http_bot: Bot) -> None:
    api.user(3)
    message = await http_bot.send_document(
        3, b"%PDF-1.4 plan", filename="plan.pdf", caption="Plan"
    )
    upload = api.calls_to("sendDocument")[0].params["document"]
    assert isinstance(upload, Upload)
    assert (upload.filename, upload.size, upload.mime_type) == ("plan.pdf", 13, "application/pdf")
    assert message.document is not None
    file = await http_bot.get_file(message.document.file_id)
    assert await file.download_as_bytearray() == bytearray(b"%PDF-1.4 plan")


async def test_errors_over_http(
    api: LocalBotApi, http_bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.user(3)
    api.faults.fail_next("sendMessage", status=429, retry_after=1)
    with pytest.raises(RetryAfter) as flood:
        await http_bot.send_message(3, "hi")
    assert flood.value.retry_after == dtm.timedelta(seconds=1)
    api.faults.fail_next("sendMessage", status=502, description="Bad Gateway")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await http_bot.send_message(3, "hi")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await http_bot.send_message(3, " ")


async def test_lost_answers_and_refusals_drop_the_connection_over_http(
    api: LocalBotApi, server: str
) -> None:
    api.user(3)
    request = AiohttpRequest()
    async with Bot(api.token, base_url=f"{server}/bot", request=request) as bot:
        api.faults.lose_answer_next("sendMessage")
        with pytest.raises(NetworkError):
            await bot.send_message(3, "landed")
        api.faults.refuse_connection_next("sendMessage")
        with pytest.raises(NetworkError):
            await bot.send_message(3, "never")
    assert [message.text for message in api.messages(3)] == ["landed"]


async def test_the_transport_tells_a_refused_connection_apart() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NothingSentError, match="ClientConnectorError"):
            await request.post(f"http://127.0.0.1:{port}/bot1:token/getMe")
    finally:
        await request.shutdown()


async def test_wrong_token_over_http(api: LocalBotApi, server: str) -> None:
    bot = Bot("1:wrong", base_url=f"{server}/bot")
    try:
        with pytest.raises(InvalidToken, match="was rejected by the server"):
            await bot.initialize()
    finally:
        await bot.shutdown()


async def test_request_encodings(api: LocalBotApi, server: str) -> None:
    api.user(3)
    async with aiohttp.ClientSession(server) as http:
        response = await http.post(
            f"/bot{api.token}/sendMessage", json={"chat_id": 3, "text": "json"}
        )
        assert response.status == 200
        form = {"chat_id": "3", "text": "form", "reply_markup": '{"remove_keyboard": true}'}
        assert (await http.post(f"/bot{api.token}/sendMessage", data=form)).status == 200
        query = await http.get(
            f"/bot{api.token}/sendMessage", params={"chat_id": "3", "text": "get"}
        )
        assert (await query.json())["result"]["text"] == "get"
        wrong = await http.post("/bot1:nope/getMe")
        assert (wrong.status, await wrong.json()) == (
            401,
            {"ok": False, "error_code": 401, "description": "Unauthorized"},
        )
        unknown = await http.post(f"/bot{api.token}/sendTelegram")
        assert (unknown.status, await unknown.json()) == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found"},
        )
        missing = await http.get(f"/file/bot{api.token}/photos/none.jpg")
        assert missing.status == 404
        assert await (await http.get("/ping")).json() == {"bot": "numb_feet_test_bot"}
    assert [message.text for message in api.messages(3)] == ["json", "form", "get"]
    assert api.problems() == ["sendTelegram: unknown method 'sendTelegram'"]


async def test_command_line_server() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.localapi",
        "--port",
        "0",
        "--token",
        "42:cli",
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        base_url = (await process.stdout.readline()).decode().strip()
        file_url = (await process.stdout.readline()).decode().strip()
        assert base_url.startswith("base_url=http://127.0.0.1:")
        assert file_url.startswith("base_file_url=http://127.0.0.1:")
        async with aiohttp.ClientSession() as http:
            response = await http.get(f"{base_url.removeprefix('base_url=')}42:cli/getMe")
            body = json.loads(await response.text())
        assert body["result"]["id"] == 42
    finally:
        process.send_signal(signal.SIGTERM)
        assert await process.wait() == 0
