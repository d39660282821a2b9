import asyncio
import json

import pytest

from bot.localapi import METHODS, LocalBotApi, SimulationError
from bot.localapi.errors import AnswerLostError, NotConnectedError
from bot.localapi.world import NOT_MODIFIED

from .conftest import FakeClock

QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
KEYBOARD = json.dumps(
    {
        "inline_keyboard": [
            [{"text": "Left foot", "callback_data": "foot:left"}],
            [{"text": "Docs", "url": "https://example.org"}],
        ]
    }
)


async def ok(api: LocalBotApi, method: str, **params: object) -> object:
    status, body = await api.handle(method, params)
    assert (status, body["ok"]) == (200, True), body
    return body["result"]


async def fails(api: LocalBotApi, method: str, **params: object) -> tuple[int, str]:
    status, body = await api.handle(method, params)
    assert body["ok"] is False
    assert body["error_code"] == status
    return status, str(body["description"])


async def send_keyboard(api: LocalBotApi, chat_id: int = 1) -> int:
    result = await ok(api, "sendMessage", chat_id=chat_id, text="Where?", reply_markup=KEYBOARD)
    assert isinstance(result, dict)
    message_id = result["message_id"]
    assert isinstance(message_id, int)
    return message_id


def test_every_method_in_the_spec_is_implemented(api: LocalBotApi) -> None:
    assert api.handled_methods == set(METHODS)


def test_token_must_look_like_a_bot_token() -> None:
    with pytest.raises(ValueError, match="does not look like"):
        LocalBotApi(token="nonsense")


async def test_get_me_is_the_bot_user(api: LocalBotApi) -> None:
    me = await ok(api, "getMe")
    assert me == api.bot_user
    assert api.bot_user["id"] == 123456
    assert api.bot_user["username"] == "numb_feet_test_bot"


async def test_unknown_method_answers_404_and_is_a_problem(api: LocalBotApi) -> None:
    assert await api.handle("sendMesage", {}) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert api.problems() == ["sendMesage: unknown method 'sendMesage'"]


async def test_send_message_stores_what_the_user_sees(api: LocalBotApi, clock: FakeClock) -> None:
    api.user(1, first_name="Ana")
    result = await ok(
        api,
        "sendMessage",
        chat_id="1",
        text="🦶 <b>Numb?</b>",
        parse_mode="HTML",
        reply_markup=KEYBOARD,
    )
    assert result == {
        "message_id": 1,
        "from": api.bot_user,
        "chat": {"id": 1, "type": "private", "first_name": "Ana"},
        "date": int(clock.now),
        "text": "🦶 Numb?",
        "entities": [{"offset": 3, "length": 5, "type": "bold"}],
        "reply_markup": json.loads(KEYBOARD),
    }
    message = api.last_bot_message(1)
    assert (message.text, message.source, message.parse_mode) == (
        "🦶 Numb?",
        "🦶 <b>Numb?</b>",
        "HTML",
    )
    assert api.buttons(message) == [("Left foot", "foot:left")]
    assert api.buttons(result) == [("Left foot", "foot:left")]
    assert api.problems() == []


async def test_unknown_chat(api: LocalBotApi) -> None:
    assert await fails(api, "sendMessage", chat_id=99, text="hi") == (
        400,
        "Bad Request: chat not found",
    )
    assert api.problems() == ["sendMessage: Bad Request: chat not found"]


async def test_validation_refusals_are_answered_and_recorded(api: LocalBotApi) -> None:
    api.user(1)
    status, description = await fails(
        api, "sendMessage", chat_id=1, text="<b>x", parse_mode="HTML"
    )
    assert status == 400
    assert description.startswith("Bad Request: can't parse entities: Can't find end tag")
    [call] = api.calls
    assert (call.method, call.status, call.problems) == ("sendMessage", 400, (description,))
    assert api.messages(1) == []


async def test_edit_text_flow(api: LocalBotApi, clock: FakeClock) -> None:
    api.user(1)
    message_id = await send_keyboard(api)
    clock.advance(5)
    edited = await ok(
        api,
        "editMessageText",
        chat_id=1,
        message_id=message_id,
        text="Left it is",
        reply_markup=KEYBOARD,
    )
    assert isinstance(edited, dict)
    assert (edited["text"], edited["edit_date"]) == ("Left it is", int(clock.now))
    assert api.last_bot_message(1).text == "Left it is"
    dropped = await ok(api, "editMessageText", chat_id=1, message_id=message_id, text="Done")
    assert isinstance(dropped, dict)
    assert "reply_markup" not in dropped
    assert api.last_bot_message(1).reply_markup is None


async def test_identical_edit_is_not_modified_and_not_a_problem(api: LocalBotApi) -> None:
    api.user(1)
    message_id = await send_keyboard(api)
    same = {"chat_id": 1, "message_id": message_id, "text": "Where?", "reply_markup": KEYBOARD}
    assert await fails(api, "editMessageText", **same) == (400, f"Bad Request: {NOT_MODIFIED}")
    assert await fails(
        api, "editMessageReplyMarkup", chat_id=1, message_id=message_id, reply_markup=KEYBOARD
    ) == (
        400,
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message",
    )
    assert api.problems() == []


async def test_edit_errors(api: LocalBotApi) -> None:
    api.user(1)
    api.send_text(1, "hello")
    assert await fails(api, "editMessageText", chat_id=1, message_id=99, text="x") == (
        400,
        "Bad Request: message to edit not found",
    )
    assert await fails(api, "editMessageText", chat_id=1, message_id=1, text="x") == (
        400,
        "Bad Request: message can't be edited",
    )
    assert await fails(api, "editMessageText", chat_id=2, message_id=1, text="x") == (
        400,
        "Bad Request: chat not found",
    )


async def test_edit_reply_markup_removes_the_keyboard(api: LocalBotApi) -> None:
    api.user(1)
    message_id = await send_keyboard(api)
    await ok(api, "editMessageReplyMarkup", chat_id=1, message_id=message_id)
    assert api.buttons(api.last_bot_message(1)) == []


async def test_button_press_and_answer(api: LocalBotApi) -> None:
    api.user(1)
    message_id = await send_keyboard(api)
    update = api.press(1, message_id, "foot:left")
    query = update["callback_query"]
    assert isinstance(query, dict)
    assert query["data"] == "foot:left"
    assert query["message"] == api.message_json(api.chat(1), api.last_bot_message(1))
    assert api.unanswered_callback_queries[0].id == query["id"]
    assert await ok(
        api, "answerCallbackQuery", callback_query_id=query["id"], text="Noted", show_alert="true"
    )
    [answered] = api.answered_callback_queries
    assert answered.answer is not None
    assert (answered.data, answered.answer.text, answered.answer.show_alert) == (
        "foot:left",
        "Noted",
        True,
    )
    assert await fails(api, "answerCallbackQuery", callback_query_id=query["id"]) == (
        400,
        QUERY_INVALID,
    )
    assert api.problems() == [f"answerCallbackQuery: {QUERY_INVALID}"]


async def test_callback_queries_expire(api: LocalBotApi, clock: FakeClock) -> None:
    api.user(1)
    update = api.press(1, await send_keyboard(api), "foot:left")
    query = update["callback_query"]
    assert isinstance(query, dict)
    clock.advance(901)
    assert await fails(api, "answerCallbackQuery", callback_query_id=query["id"]) == (
        400,
        QUERY_INVALID,
    )
    assert await fails(api, "answerCallbackQuery", callback_query_id="123") == (400, QUERY_INVALID)


async def test_press_checks_the_button_unless_forging(api: LocalBotApi) -> None:
    api.user(1)
    message_id = await send_keyboard(api)
    with pytest.raises(SimulationError, match="no button with callback_data 'foot:right'"):
        api.press(1, message_id, "foot:right")
    with pytest.raises(SimulationError, match="has no message 42"):
        api.press(1, 42, "foot:left")
    forged = api.press(1, message_id, "admin:wipe", check_button=False)["callback_query"]
    assert isinstance(forged, dict)
    assert forged["data"] == "admin:wipe"
    gone = api.press(1, 42, "foot:left", check_button=False)["callback_query"]
    assert isinstance(gone, dict)
    assert gone["message"] == {"chat": api.chat(1).user.chat_api(), "message_id": 42, "date": 0}


async def test_delete_message(api: LocalBotApi, clock: FakeClock) -> None:
    api.user(1)
    first = await send_keyboard(api)
    second = await send_keyboard(api)
    assert await ok(api, "deleteMessage", chat_id=1, message_id=first) is True
    assert [m.message_id for m in api.messages(1)] == [second]
    assert await fails(api, "deleteMessage", chat_id=1, message_id=first) == (
        400,
        "Bad Request: message to delete not found",
    )
    clock.advance(48 * 3600 + 1)
    assert await fails(api, "deleteMessage", chat_id=1, message_id=second) == (
        400,
        "Bad Request: message can't be deleted",
    )


async def test_user_messages_become_updates(api: LocalBotApi) -> None:
    api.user(7, first_name="Bo", language_code="pt-br", username="bo")
    update = api.send_text(7, "/start triage")
    message = update["message"]
    assert isinstance(message, dict)
    assert message["from"] == {
        "id": 7,
        "is_bot": False,
        "first_name": "Bo",
        "username": "bo",
        "language_code": "pt-br",
    }
    assert message["entities"] == [{"offset": 0, "length": 6, "type": "bot_command"}]
    mention = api.send_text(7, "/help@numb_feet_test_bot")["message"]
    assert isinstance(mention, dict)
    assert mention["entities"] == [{"offset": 0, "length": 24, "type": "bot_command"}]
    sticker = api.send_sticker(7)["message"]
    assert isinstance(sticker, dict)
    assert "text" not in sticker
    assert sticker["sticker"]["emoji"] == "👍"
    photo = api.send_photo(7)["message"]
    assert isinstance(photo, dict)
    assert "text" not in photo
    assert "caption" not in photo
    assert [u["update_id"] for u in await ok_list(api, "getUpdates")] == [1, 2, 3, 4]


async def ok_list(api: LocalBotApi, method: str, **params: object) -> list[dict[str, object]]:
    result = await ok(api, method, **params)
    assert isinstance(result, list)
    return result


async def test_get_updates_offsets(api: LocalBotApi) -> None:
    for text in ("a", "b", "c"):
        api.send_text(1, text)
    assert [u["update_id"] for u in await ok_list(api, "getUpdates")] == [1, 2, 3]
    assert [u["update_id"] for u in await ok_list(api, "getUpdates", offset=2, limit=1)] == [2]
    assert [u["update_id"] for u in await ok_list(api, "getUpdates")] == [2, 3]
    assert [u["update_id"] for u in await ok_list(api, "getUpdates", offset=-1)] == [3]
    assert [u["update_id"] for u in await ok_list(api, "getUpdates", offset=4)] == []
    assert await ok(api, "getWebhookInfo") == {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": 0,
    }


async def test_allowed_updates_filter_new_updates(api: LocalBotApi) -> None:
    await ok(api, "getUpdates", allowed_updates='["callback_query"]')
    api.send_text(1, "ignored")
    assert await ok(api, "getUpdates") == []
    await ok(api, "getUpdates", allowed_updates="[]")
    api.send_text(1, "seen")
    assert len(await ok_list(api, "getUpdates")) == 1


async def test_delete_webhook_can_drop_pending_updates(api: LocalBotApi) -> None:
    api.send_text(1, "old")
    await ok(api, "deleteWebhook")
    assert len(api.updates.pending) == 1
    await ok(api, "deleteWebhook", drop_pending_updates="true")
    assert api.updates.pending == []


async def test_long_poll_returns_as_soon_as_an_update_arrives(api: LocalBotApi) -> None:
    poll = asyncio.create_task(api.handle("getUpdates", {"timeout": 50}))
    await asyncio.sleep(0)  # the poll is waiting now
    assert not poll.done()
    api.send_text(1, "hi")
    for _ in range(10):  # a few turns of the event loop, not the poll's 50 s
        if poll.done():
            break
        await asyncio.sleep(0)
    assert poll.done()
    status, body = poll.result()
    assert status == 200
    assert body["result"] == api.updates.pending


async def test_long_poll_waits_for_its_timeout(api: LocalBotApi) -> None:
    poll = asyncio.create_task(api.handle("getUpdates", {"timeout": 0.05}))
    await asyncio.sleep(0)
    assert not poll.done(), "nothing pending: it waits"
    status, body = await poll
    assert (status, body["result"]) == (200, [])


async def test_second_poller_terminates_the_first(api: LocalBotApi) -> None:
    first = asyncio.create_task(api.handle("getUpdates", {"timeout": 5}))
    await asyncio.sleep(0)  # the first poll is waiting now
    second = asyncio.create_task(api.handle("getUpdates", {"timeout": 5}))
    status, body = await first
    assert status == 409
    assert str(body["description"]).startswith("Conflict: terminated by other getUpdates request")
    api.send_text(1, "hi")
    assert (await second)[0] == 200


async def test_failure_injection(api: LocalBotApi) -> None:
    api.user(1)
    api.faults.fail_next("sendMessage", status=429, retry_after=3, times=2)
    api.faults.fail_next("sendmessage", status=502)
    for _ in range(2):
        assert await api.handle("sendMessage", {"chat_id": 1, "text": "x"}) == (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 3",
                "parameters": {"retry_after": 3},
            },
        )
    assert await fails(api, "sendMessage", chat_id=1, text="x") == (502, "Bad Gateway")
    await ok(api, "sendMessage", chat_id=1, text="x")
    assert [call.injected for call in api.calls] == [True, True, True, False]
    assert len(api.messages(1)) == 1
    assert api.problems() == []
    with pytest.raises(ValueError, match="unknown Bot API method"):
        api.faults.fail_next("sendMesage", status=500)


async def test_injected_failures_still_report_bad_calls(api: LocalBotApi) -> None:
    api.faults.fail_next("sendMessage", status=500, description="Internal Server Error: boom")
    assert await fails(api, "sendMessage", chat_id=1) == (500, "Internal Server Error: boom")
    assert api.problems() == ["sendMessage: Bad Request: message text is empty"]


async def test_a_held_call_answers_late_after_acting(api: LocalBotApi) -> None:
    api.user(1)
    release = api.faults.hold_next("sendMessage")
    send = asyncio.create_task(api.handle("sendMessage", {"chat_id": 1, "text": "slow"}))
    await api.wait_until(lambda: api.bot_messages(1))
    assert api.last_bot_message(1).text == "slow"
    assert not send.done(), "it acted, and its answer waits"
    release.set()
    assert (await send)[0] == 200
    await ok(api, "sendMessage", chat_id=1, text="fast")


async def test_a_lost_answer_and_a_refused_connection(api: LocalBotApi) -> None:
    api.user(1)
    api.faults.lose_answer_next("sendMessage")
    with pytest.raises(AnswerLostError):
        await api.handle("sendMessage", {"chat_id": 1, "text": "landed"})
    api.faults.refuse_connection_next("sendMessage")
    with pytest.raises(NotConnectedError):
        await api.handle("sendMessage", {"chat_id": 1, "text": "never"})
    assert [m.text for m in api.bot_messages(1)] == ["landed"]
    assert len(api.calls_to("sendMessage")) == 1


async def test_blocked_user(api: LocalBotApi) -> None:
    api.user(1)
    blocked = api.block(1)["my_chat_member"]
    assert isinstance(blocked, dict)
    assert blocked["new_chat_member"] == {
        "user": api.bot_user,
        "status": "kicked",
        "until_date": 0,
    }
    forbidden = (403, "Forbidden: bot was blocked by the user")
    assert await fails(api, "sendMessage", chat_id=1, text="hi") == forbidden
    assert await fails(api, "sendChatAction", chat_id=1, action="typing") == forbidden
    with pytest.raises(SimulationError, match="blocked the bot"):
        api.send_text(1, "hi")
    api.unblock(1)
    await ok(api, "sendMessage", chat_id=1, text="welcome back")
    assert api.problems() == []


async def test_commands_per_scope_and_language(api: LocalBotApi) -> None:
    english = json.dumps([{"command": "start", "description": "Start"}])
    russian = json.dumps([{"command": "start", "description": "Начать"}])
    await ok(api, "setMyCommands", commands=english)
    await ok(api, "setMyCommands", commands=russian, language_code="ru")
    private = '{"type": "all_private_chats"}'
    await ok(api, "setMyCommands", commands=english, scope=private)
    assert api.commands() == [("start", "Start")]
    assert api.commands("ru") == [("start", "Начать")]
    assert api.commands(scope={"type": "all_private_chats"}) == [("start", "Start")]
    assert await ok(api, "getMyCommands", language_code="ru") == [
        {"command": "start", "description": "Начать"}
    ]
    await ok(api, "deleteMyCommands", language_code="ru")
    assert api.commands("ru") == []
    await ok(api, "setMyCommands", commands="[]")
    assert api.commands() == []


async def test_menu_button_and_chat_action(api: LocalBotApi) -> None:
    api.user(1)
    await ok(api, "setChatMenuButton", menu_button='{"type": "commands"}')
    assert api.menu_button(1) == {"type": "commands"}
    await ok(api, "setChatMenuButton", chat_id=1)
    assert api.menu_button(1) == {"type": "default"}
    assert await fails(api, "setChatMenuButton", chat_id=2) == (400, "Bad Request: chat not found")
    await ok(api, "sendChatAction", chat_id=1, action="typing")
    assert api.chat(1).chat_action == "typing"
    await ok(api, "sendMessage", chat_id=1, text="hi")
    assert api.chat(1).chat_action is None


async def test_reply_keyboards_live_on_the_chat(api: LocalBotApi) -> None:
    api.user(1)
    keyboard = {"keyboard": [["Left", "Right"]], "one_time_keyboard": True}
    result = await ok(
        api, "sendMessage", chat_id=1, text="Which?", reply_markup=json.dumps(keyboard)
    )
    assert isinstance(result, dict)
    assert "reply_markup" not in result
    assert api.chat(1).reply_keyboard == keyboard
    api.send_text(1, "Left")
    assert api.chat(1).reply_keyboard is None


async def test_replies(api: LocalBotApi) -> None:
    api.user(1)
    api.send_text(1, "question")
    result = await ok(
        api, "sendMessage", chat_id=1, text="answer", reply_parameters='{"message_id": 1}'
    )
    assert isinstance(result, dict)
    assert result["reply_to_message"]["text"] == "question"
    assert await fails(
        api, "sendMessage", chat_id=1, text="x", reply_parameters='{"message_id": 9}'
    ) == (
        400,
        "Bad Request: message to be replied not found",
    )
    lenient = '{"message_id": 9, "allow_sending_without_reply": true}'
    await ok(api, "sendMessage", chat_id=1, text="x", reply_parameters=lenient)


async def test_files(api: LocalBotApi) -> None:
    api.user(1)
    photo = api.send_photo(1, caption="my foot")["message"]
    assert isinstance(photo, dict)
    file_id = photo["photo"][0]["file_id"]
    info = await ok(api, "getFile", file_id=file_id)
    assert isinstance(info, dict)
    sent = api.messages(1)[0].media
    assert sent is not None
    assert api.file_content(str(info["file_path"])) == sent.file.content
    resent = await ok(
        api, "sendPhoto", chat_id=1, photo=file_id, caption="<b>this</b>", parse_mode="HTML"
    )
    assert isinstance(resent, dict)
    assert resent["caption_entities"] == [{"offset": 0, "length": 4, "type": "bold"}]
    assert await fails(api, "sendPhoto", chat_id=1, photo="nope") == (
        400,
        "Bad Request: wrong file identifier/HTTP URL specified",
    )
    assert await fails(api, "getFile", file_id="nope") == (400, "Bad Request: invalid file_id")
    await ok(api, "sendDocument", chat_id=1, document="https://example.org/plan.pdf")
    document = api.last_bot_message(1).media
    assert document is not None
    assert document.file.file_name == "plan.pdf"
    assert await fails(api, "editMessageText", chat_id=1, message_id=2, text="x") == (
        400,
        "Bad Request: there is no text in the message to edit",
    )


async def test_history_limit_keeps_recent_calls_and_all_problems() -> None:
    api = LocalBotApi(history_limit=2)
    for _ in range(5):
        await api.handle("getMe", {"bogus": 1})
    assert 2 <= len(api.calls) <= 4
    assert len(api.problems()) == 5


async def test_calls_are_recorded_with_decoded_params(api: LocalBotApi) -> None:
    api.user(1)
    await api.handle("sendMessage", {"chat_id": "1", "text": "hi", "protect_content": "true"})
    [call] = api.calls_to("sendMessage")
    assert call.params == {"chat_id": 1, "text": "hi", "protect_content": True}
    assert call.ok
    assert isinstance(call.result, dict)


async def test_wait_until_wakes_up_after_the_call_that_satisfies_it(api: LocalBotApi) -> None:
    api.user(1)
    waiting = asyncio.create_task(api.wait_until(lambda: api.bot_messages(1)))
    await api.handle("getMe", {})
    await asyncio.sleep(0)
    assert not waiting.done()
    await api.handle("sendMessage", {"chat_id": 1, "text": "hi"})
    await asyncio.sleep(0)
    assert waiting.done()
