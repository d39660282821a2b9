"""The playground's JSON API over HTTP, with the bot's side played through the Bot API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.localapi import LocalBotApi
from bot.playground import AdjustableClock, create_playground_app
from bot.playground import server as playground_server
from bot.playground.server import FIRST_RUNNER_ID

TOKEN = "123456:PLAYGROUND-test"
RUNNER = FIRST_RUNNER_ID


class FixedClock(AdjustableClock):
    """The adjustable clock on a fixed system time."""

    def __init__(self) -> None:
        super().__init__(lambda: datetime(2026, 11, 23, 7, 0, tzinfo=UTC))


@pytest.fixture
def clock() -> AdjustableClock:
    return FixedClock()


@pytest.fixture
def api(clock: AdjustableClock) -> LocalBotApi:
    return LocalBotApi(
        token=TOKEN, bot_first_name="Numb Feet Bot", clock=lambda: clock.now().timestamp()
    )


@pytest.fixture
async def client(api: LocalBotApi, clock: AdjustableClock) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(create_playground_app(api, clock))) as test_client:
        yield test_client


async def get(client: TestClient[Any, Any], path: str, status: int = 200) -> Any:
    response = await client.get(f"/playground/api{path}")
    assert response.status == status, await response.text()
    return await response.json()


async def post(client: TestClient[Any, Any], path: str, body: object, status: int) -> Any:
    response = await client.post(f"/playground/api{path}", json=body)
    assert response.status == status, await response.text()
    return await response.json()


async def bot_call(api: LocalBotApi, method: str, **params: object) -> Any:
    """Play the bot: call the Bot API as PTB would, and return the result."""
    status, body = await api.handle(method, params)
    assert status == 200, body
    return body["result"]


async def new_runner(client: TestClient[Any, Any], name: str = "Alex", lang: str = "en") -> int:
    runner = await post(client, "/runners", {"first_name": name, "language_code": lang}, 201)
    return int(runner["id"])


async def test_the_page_and_its_files_are_served(client: TestClient[Any, Any]) -> None:
    page = await client.get("/")
    assert page.status == 200
    html = await page.text()
    assert "Local sandbox — not Telegram" in html
    assert 'data-testid="message-input"' in html
    for name in ("playground.css", "playground.js", "wallpaper.svg"):
        assert (await client.get(f"/playground/static/{name}")).status == 200
    assert (await client.get("/playground/static/../server.py")).status in (403, 404)


async def test_the_bot_api_stays_where_ptb_expects_it(
    client: TestClient[Any, Any], api: LocalBotApi
) -> None:
    response = await client.post(f"/bot{TOKEN}/getMe")
    assert (await response.json())["result"]["username"] == api.bot_user["username"]
    assert (await get(client, "/bot")) == {
        "first_name": "Numb Feet Bot",
        "username": api.bot_user["username"],
    }


async def test_runners_are_created_renamed_and_listed(client: TestClient[Any, Any]) -> None:
    assert await get(client, "/runners") == {"runners": []}
    first = await new_runner(client)
    second = await new_runner(client, "Maria", "pt-BR")
    assert (first, second) == (FIRST_RUNNER_ID, FIRST_RUNNER_ID + 1)
    renamed = await post(
        client, "/runners", {"id": first, "first_name": "Alexa", "language_code": ""}, 200
    )
    assert renamed == {"id": first, "first_name": "Alexa", "language_code": None}
    runners = (await get(client, "/runners"))["runners"]
    assert [runner["first_name"] for runner in runners] == ["Alexa", "Maria"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"first_name": " ", "language_code": "en"}, 400),
        ({"first_name": "x" * 65, "language_code": "en"}, 400),
        ({"first_name": "Ana", "language_code": "english!"}, 400),
        ({"id": 5, "first_name": "Ana"}, 404),
        ([1, 2], 400),
    ],
)
async def test_bad_runners_are_refused(
    client: TestClient[Any, Any], body: object, status: int
) -> None:
    answer = await post(client, "/runners", body, status)
    assert answer["error"]


async def test_writes_must_be_json_and_hosts_loopback(client: TestClient[Any, Any]) -> None:
    form = await client.post("/playground/api/runners", data={"first_name": "Ana"})
    assert form.status == 415
    rebound = await client.get("/playground/api/runners", headers={"Host": "evil.example:8080"})
    assert rebound.status == 403
    for host in ("localhost:8080", "[::1]:8080", "127.0.0.2"):
        response = await client.get("/playground/api/runners", headers={"Host": host})
        assert response.status == 200, host
    bot_api = await client.post(f"/bot{TOKEN}/getMe", headers={"Host": "evil.example"})
    assert bot_api.status == 403, "the Bot API is guarded like the page"
    assert (await client.post(f"/bot{TOKEN}/getMe")).status == 200, "the bot sends no Origin"


async def test_other_sites_open_in_the_browser_reach_nothing(
    client: TestClient[Any, Any],
) -> None:
    """The playground's token is no secret: a form posted from another site is refused."""
    elsewhere = {"Origin": "https://evil.example"}
    posted = await client.post(
        f"/bot{TOKEN}/sendMessage", data={"chat_id": "1", "text": "hi"}, headers=elsewhere
    )
    assert posted.status == 403
    assert (await client.get("/playground/api/runners", headers=elsewhere)).status == 403
    assert (await client.get(f"/file/bot{TOKEN}/x", headers=elsewhere)).status == 403
    for origin in ("http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"):
        answered = await client.post(f"/bot{TOKEN}/getMe", headers={"Origin": origin})
        assert answered.status == 200, origin


async def test_unknown_runners_are_404(client: TestClient[Any, Any]) -> None:
    await get(client, "/runners/42/chat", 404)
    await get(client, "/runners/nope/chat", 404)
    await post(client, "/runners/42/messages", {"text": "hi"}, 404)


async def test_typed_text_reaches_the_bot_as_an_update(
    client: TestClient[Any, Any], api: LocalBotApi
) -> None:
    runner = await new_runner(client)
    accepted = await post(client, f"/runners/{runner}/messages", {"text": "/start triage"}, 202)
    [update] = api.updates.pending
    assert update["update_id"] == accepted["update_id"]
    assert update["message"]["text"] == "/start triage"
    assert update["message"]["entities"] == [{"offset": 0, "length": 6, "type": "bot_command"}]
    [message] = (await get(client, f"/runners/{runner}/chat"))["messages"]
    assert message["side"] == "user"
    assert message["html"] == (
        '<span class="tg-command" data-command="/start">/start</span> triage'
    )
    await post(client, f"/runners/{runner}/messages", {"text": "   "}, 400)
    await post(client, f"/runners/{runner}/messages", {"text": "x" * 4097}, 400)


async def test_the_chat_shows_the_bot_messages_as_the_runner_sees_them(
    client: TestClient[Any, Any], api: LocalBotApi
) -> None:
    runner = await new_runner(client)
    keyboard = {
        "inline_keyboard": [
            [
                {"text": "Left", "callback_data": "foot:left"},
                {"text": "Docs", "url": "https://x.org"},
            ],
            [{"text": "Copy", "copy_text": {"text": "x"}}],
        ]
    }
    sent = await bot_call(
        api,
        "sendMessage",
        chat_id=runner,
        text="👋 <b>Hi &amp; welcome</b>, <i>Alex</i>",
        parse_mode="HTML",
        reply_markup=json.dumps(keyboard),
    )
    chat = await get(client, f"/runners/{runner}/chat")
    assert chat["runner"] == {"id": runner, "first_name": "Alex", "language_code": "en"}
    [message] = chat["messages"]
    assert message["id"] == sent["message_id"]
    assert message["side"] == "bot"
    assert message["text"] == "👋 Hi & welcome, Alex"
    assert message["html"] == "👋 <b>Hi &amp; welcome</b>, <i>Alex</i>"
    assert message["date"] == int(datetime(2026, 11, 23, 7, 0, tzinfo=UTC).timestamp())
    assert message["edited"] is False
    assert message["inline_keyboard"] == [
        [
            {"text": "Left", "kind": "callback", "callback_data": "foot:left"},
            {"text": "Docs", "kind": "url", "url": "https://x.org"},
        ],
        [{"text": "Copy", "kind": "unsupported"}],
    ]

    await bot_call(
        api, "editMessageText", chat_id=runner, message_id=sent["message_id"], text="Done"
    )
    [edited] = (await get(client, f"/runners/{runner}/chat"))["messages"]
    assert (edited["text"], edited["edited"], edited["inline_keyboard"]) == ("Done", True, [])


async def test_presses_reach_the_bot_and_its_answers_come_back(
    client: TestClient[Any, Any], api: LocalBotApi
) -> None:
    runner = await new_runner(client)
    keyboard = {"inline_keyboard": [[{"text": "Left", "callback_data": "foot:left"}]]}
    sent = await bot_call(
        api, "sendMessage", chat_id=runner, text="Which?", reply_markup=json.dumps(keyboard)
    )
    press = {"message_id": sent["message_id"], "callback_data": "foot:left"}
    for _ in range(3):
        await post(client, f"/runners/{runner}/presses", press, 202)
    first, second, third = api.unanswered_callback_queries
    assert first.data == "foot:left"
    await bot_call(api, "answerCallbackQuery", callback_query_id=first.id, text="Noted")
    await bot_call(
        api, "answerCallbackQuery", callback_query_id=second.id, text="Gone", show_alert=True
    )
    await bot_call(api, "answerCallbackQuery", callback_query_id=third.id)
    answers = (await get(client, f"/runners/{runner}/chat"))["callback_answers"]
    assert [(a["id"], a["text"], a["show_alert"]) for a in answers] == [
        (first.id, "Noted", False),
        (second.id, "Gone", True),
    ], "silent answers are not shown"

    wrong = {"message_id": sent["message_id"], "callback_data": "forged"}
    assert "no button" in (await post(client, f"/runners/{runner}/presses", wrong, 400))["error"]
    await post(client, f"/runners/{runner}/presses", {"message_id": "1"}, 400)


async def test_stickers_photos_documents_and_reply_keyboards(
    client: TestClient[Any, Any], api: LocalBotApi
) -> None:
    runner = await new_runner(client)
    await post(client, f"/runners/{runner}/stickers", {"emoji": "🏃"}, 202)
    await post(client, f"/runners/{runner}/stickers", {"emoji": ""}, 400)
    api.send_photo(runner)
    await bot_call(
        api,
        "sendMessage",
        chat_id=runner,
        text="Did it help?",
        reply_markup=json.dumps(
            {
                "keyboard": [[{"text": "Yes"}, "No"]],
                "one_time_keyboard": True,
                "input_field_placeholder": "Yes or no",
            }
        ),
    )
    chat = await get(client, f"/runners/{runner}/chat")
    sticker, photo, _ = chat["messages"]
    assert sticker["media"]["kind"] == "sticker"
    assert sticker["media"]["emoji"] == "🏃"
    assert photo["media"]["kind"] == "photo"
    download = await client.get(photo["media"]["url"])
    assert download.status == 200
    assert (await download.read()).startswith(b"\x89PNG")
    assert chat["reply_keyboard"] == {"rows": [["Yes", "No"]], "placeholder": "Yes or no"}
    await post(client, f"/runners/{runner}/messages", {"text": "Yes"}, 202)
    assert (await get(client, f"/runners/{runner}/chat"))["reply_keyboard"] is None


async def test_a_document_the_bot_sent_by_url_has_no_download(
    client: TestClient[Any, Any], api: LocalBotApi
) -> None:
    runner = await new_runner(client)
    await bot_call(api, "sendDocument", chat_id=runner, document="https://x.org/plan.pdf")
    [message] = (await get(client, f"/runners/{runner}/chat"))["messages"]
    assert message["media"]["url"] is None
    assert message["media"]["file_name"] == "plan.pdf"


async def test_the_command_menu_follows_the_runner_language(
    client: TestClient[Any, Any], api: LocalBotApi
) -> None:
    english = await new_runner(client)
    german = await new_runner(client, "Jonas", "de")
    assert (await get(client, f"/runners/{english}/commands")) == {"commands": []}
    await bot_call(api, "setMyCommands", commands=[{"command": "start", "description": "Welcome"}])
    await bot_call(
        api,
        "setMyCommands",
        commands=[{"command": "start", "description": "Willkommen"}],
        language_code="de",
    )
    menu = await get(client, f"/runners/{english}/commands")
    assert menu == {"commands": [{"command": "start", "description": "Welcome"}]}
    german_menu = await get(client, f"/runners/{german}/commands")
    assert german_menu == {"commands": [{"command": "start", "description": "Willkommen"}]}
    austrian = await new_runner(client, "Lena", "de-AT")
    assert (await get(client, f"/runners/{austrian}/commands")) == german_menu


async def test_the_clock_only_moves_forward(
    client: TestClient[Any, Any], api: LocalBotApi, clock: AdjustableClock
) -> None:
    start = await get(client, "/clock")
    assert start["now"] == "2026-11-23T07:00:00+00:00"
    assert (start["offset_seconds"], start["next_run"]) == (0, None)
    version = api.version
    assert (await post(client, "/clock", {"advance": "15m"}, 200))["offset_seconds"] == 900
    assert api.version > version, "a moved clock is a change the page must see"
    await post(client, "/clock", {"advance": "1h"}, 200)
    moved = await post(client, "/clock", {"advance": "next_day"}, 200)
    assert moved["now"] == "2026-11-24T08:15:00+00:00"
    assert moved["epoch_ms"] == int(clock.now().timestamp() * 1000)
    await post(client, "/clock", {"advance": "-1h"}, 400)
    await post(client, "/clock", {}, 400)
    runner = await new_runner(client)
    await post(client, f"/runners/{runner}/messages", {"text": "hi"}, 202)
    [message] = (await get(client, f"/runners/{runner}/chat"))["messages"]
    assert message["date"] == int(clock.now().timestamp()), "the chat uses the bot's time"
    assert clock.now() - datetime(2026, 11, 23, 7, tzinfo=UTC) == timedelta(hours=25, minutes=15)


async def test_changes_long_polls_on_the_version(
    client: TestClient[Any, Any], api: LocalBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = api.version
    assert await get(client, "/changes?since=-1") == {"version": now}, "a stale page: at once"

    waiting = asyncio.create_task(get(client, f"/changes?since={now}"))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    api.user(RUNNER, first_name="Alex")
    assert (await asyncio.wait_for(waiting, 2))["version"] > now

    monkeypatch.setattr(playground_server, "LONG_POLL_SECONDS", 0.05)
    quiet = api.version
    assert await get(client, f"/changes?since={quiet}") == {"version": quiet}
    await get(client, "/changes?since=x", 400)


async def test_get_updates_alone_is_not_a_change(api: LocalBotApi) -> None:
    before = api.version
    await bot_call(api, "getUpdates", timeout=0)
    assert api.version == before
    await bot_call(api, "getMe")
    assert api.version == before + 1


async def test_next_run_jumps_to_the_runners_next_reminder_and_runs_the_dispatcher(
    api: LocalBotApi, clock: AdjustableClock
) -> None:
    due = datetime(2026, 11, 25, 5, 30, tzinfo=UTC)
    moves: list[datetime] = []

    async def next_due(runner_id: int) -> datetime | None:
        return due if runner_id == RUNNER else None

    hooks = playground_server.BotHooks(lambda: moves.append(clock.now()), next_due)
    async with TestClient(TestServer(create_playground_app(api, clock, hooks))) as client:
        api.user(RUNNER, first_name="Alex")
        other = await new_runner(client)
        assert (await get(client, f"/clock?runner_id={RUNNER}"))["next_run"] == due.isoformat()
        assert (await get(client, f"/clock?runner_id={other}"))["next_run"] is None
        assert (await get(client, "/clock?runner_id=nonsense"))["next_run"] is None
        await post(client, "/clock", {"advance": "next_run", "runner_id": other}, 409)
        moved = await post(client, "/clock", {"advance": "next_run", "runner_id": RUNNER}, 200)
        assert moved["now"] == due.isoformat()
        assert moves == [due], "moving the clock ran the dispatcher at once"
        await post(client, "/clock", {"advance": "15m"}, 200)
        assert len(moves) == 2
