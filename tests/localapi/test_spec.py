import json
from collections.abc import Mapping, Sequence

import pytest

from bot.localapi import METHODS, inspect_call, validate_call


def keyboard(*rows: Sequence[Mapping[str, object]]) -> str:
    return json.dumps({"inline_keyboard": list(rows)})


def refusal(method: str, params: dict[str, object]) -> str | None:
    error = inspect_call(method, params).error
    return error.description if error else None


def test_table_lists_the_methods_the_bot_uses() -> None:
    assert set(METHODS) == {
        "getMe",
        "getUpdates",
        "setWebhook",
        "deleteWebhook",
        "getWebhookInfo",
        "setMyCommands",
        "getMyCommands",
        "deleteMyCommands",
        "setChatMenuButton",
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "answerCallbackQuery",
        "deleteMessage",
        "sendChatAction",
        "sendPhoto",
        "sendDocument",
        "getFile",
    }


def test_a_fine_call_has_no_problems() -> None:
    assert validate_call("sendMessage", {"chat_id": "1", "text": "hi"}) == []


def test_unknown_method_is_a_404() -> None:
    call = inspect_call("sendMesage", {})
    assert call.problems == ["unknown method 'sendMesage'"]
    assert call.error is not None
    assert (call.error.status, call.error.description) == (404, "Not Found")


def test_method_names_are_case_insensitive_like_telegram() -> None:
    call = inspect_call("SENDMESSAGE", {"chat_id": 1, "text": "x"})
    assert call.method == "sendMessage"
    assert call.problems == []


def test_unknown_parameter_is_a_problem_but_not_a_refusal() -> None:
    call = inspect_call("sendMessage", {"chat_id": 1, "text": "x", "parse_mod": "HTML"})
    assert call.problems == ["unknown parameter 'parse_mod' (did you mean 'parse_mode'?)"]
    assert call.error is None


def test_ptb_defaults_leaking_into_edits_are_tolerated() -> None:
    params = {"chat_id": 1, "message_id": 2, "parse_mode": "HTML", "protect_content": "true"}
    assert validate_call("editMessageReplyMarkup", params) == []


@pytest.mark.parametrize(
    ("method", "params", "description"),
    [
        ("sendMessage", {"text": "x"}, "Bad Request: chat_id is empty"),
        ("sendMessage", {"chat_id": 1}, "Bad Request: message text is empty"),
        ("sendMessage", {"chat_id": 1, "text": ""}, "Bad Request: message text is empty"),
        ("sendMessage", {"chat_id": 1, "text": " \n "}, "Bad Request: message text is empty"),
        ("editMessageText", {"text": "x"}, "Bad Request: message identifier is not specified"),
        ("deleteMessage", {"message_id": 1}, "Bad Request: chat identifier is not specified"),
        ("deleteMessage", {"chat_id": 1}, "Bad Request: message identifier is not specified"),
        ("sendPhoto", {"chat_id": 1}, "Bad Request: there is no photo in the request"),
        ("sendDocument", {"chat_id": 1}, "Bad Request: there is no document in the request"),
        ("sendChatAction", {"chat_id": 1}, "Bad Request: wrong parameter action in request"),
        ("setMyCommands", {}, 'Bad Request: parameter "commands" is required'),
        (
            "answerCallbackQuery",
            {},
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        ),
        (
            "sendMessage",
            {"chat_id": "one", "text": "x"},
            'Bad Request: parameter "chat_id" must be of type Integer or String',
        ),
    ],
)
def test_missing_or_malformed_parameters(
    method: str, params: dict[str, object], description: str
) -> None:
    assert refusal(method, params) == description


def test_text_limit_is_measured_after_entity_parsing() -> None:
    assert refusal("sendMessage", {"chat_id": 1, "text": "a" * 4096}) is None
    too_long = "Bad Request: message is too long"
    assert refusal("sendMessage", {"chat_id": 1, "text": "a" * 4097}) == too_long
    tagged = {"chat_id": 1, "text": "<b>" + "a" * 4096 + "</b>", "parse_mode": "HTML"}
    assert refusal("sendMessage", tagged) is None
    escaped = {"chat_id": 1, "text": "&lt;" * 4096, "parse_mode": "HTML"}
    assert refusal("sendMessage", escaped) is None
    assert refusal("sendMessage", {**escaped, "text": "&lt;" * 4097}) == too_long


def test_caption_limit() -> None:
    photo = {"chat_id": 1, "photo": "photo-1"}
    assert refusal("sendPhoto", {**photo, "caption": "a" * 1024}) is None
    assert refusal("sendPhoto", {**photo, "caption": "a" * 1025}) == (
        "Bad Request: message caption is too long"
    )


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("<b>x", False),
        ("a < b", False),
        ("a &lt; b", True),
        ("<b>bold <i>both</i></b>", True),
        ("<b>x</i>", False),
        ("<p>x</p>", False),
    ],
)
def test_html_markup_is_checked(text: str, ok: bool) -> None:
    description = refusal("sendMessage", {"chat_id": 1, "text": text, "parse_mode": "HTML"})
    if ok:
        assert description is None
    else:
        assert description is not None
        assert description.startswith("Bad Request: can't parse entities: ")


def test_unescaped_ampersand_is_sent_but_reported() -> None:
    call = inspect_call("sendMessage", {"chat_id": 1, "text": "Q&A", "parse_mode": "HTML"})
    assert call.error is None
    assert call.problems == [
        "HTML: unescaped '&' at byte offset 1; Telegram shows it literally, "
        "but the Bot API requires &amp;"
    ]


def test_parse_mode_values() -> None:
    for mode in ("HTML", "MarkdownV2", "Markdown", "html"):
        assert refusal("sendMessage", {"chat_id": 1, "text": "x", "parse_mode": mode}) is None
    assert refusal("sendMessage", {"chat_id": 1, "text": "x", "parse_mode": "md"}) == (
        "Bad Request: unsupported parse_mode"
    )


def test_markdown_v2_reserved_characters() -> None:
    params = {"chat_id": 1, "parse_mode": "MarkdownV2"}
    assert refusal("sendMessage", {**params, "text": "Done\\!"}) is None
    description = refusal("sendMessage", {**params, "text": "Done!"})
    assert description is not None
    assert "Character '!' is reserved" in description


def test_reply_markup_must_be_json() -> None:
    assert refusal("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": "{"}) == (
        "Bad Request: can't parse reply keyboard markup JSON object"
    )


@pytest.mark.parametrize(
    ("data", "ok"),
    [
        ("a" * 64, True),
        ("a" * 65, False),
        ("🦶" * 16, True),
        ("🦶" * 16 + "a", False),
    ],
)
def test_callback_data_is_limited_to_64_utf8_bytes(data: str, ok: bool) -> None:
    markup = keyboard([{"text": "Go", "callback_data": data}])
    description = refusal("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": markup})
    assert description == (None if ok else "Bad Request: BUTTON_DATA_INVALID")


@pytest.mark.parametrize(
    ("button", "description"),
    [
        ({"text": "Go"}, "Text buttons are unallowed in the inline keyboard"),
        ({"text": "", "callback_data": "x"}, "BUTTON_TEXT_INVALID"),
        ({"callback_data": "x"}, 'Field "text" must be of type String'),
        ({"text": "Go", "callback_data": ""}, "Text buttons are unallowed in the inline keyboard"),
        ({"text": "Go", "url": "not a url"}, "BUTTON_URL_INVALID"),
        ({"text": "Go", "url": "javascript:alert(1)"}, "BUTTON_URL_INVALID"),
        ({"text": "Go", "url": "JavaScript:alert(1)"}, "BUTTON_URL_INVALID"),
        ({"text": "Go", "url": "https"}, "BUTTON_URL_INVALID"),
    ],
)
def test_inline_button_rules(button: dict[str, object], description: str) -> None:
    error = refusal("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": keyboard([button])})
    assert error is not None
    assert error.endswith(description)


@pytest.mark.parametrize(
    "url", ["https://t.me/numb_feet_bot", "http://example.org", "tg://resolve"]
)
def test_link_buttons_that_telegram_takes(url: str) -> None:
    markup = keyboard([{"text": "Go", "url": url}])
    assert refusal("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": markup}) is None


def test_inline_keyboard_holds_at_most_100_buttons() -> None:
    rows = [[{"text": str(i), "callback_data": str(i)} for i in range(10)] for _ in range(10)]
    full = {"chat_id": 1, "text": "x", "reply_markup": keyboard(*rows)}
    assert refusal("sendMessage", full) is None
    rows[0].append({"text": "extra", "callback_data": "extra"})
    too_many = {**full, "reply_markup": keyboard(*rows)}
    assert refusal("sendMessage", too_many) == "Bad Request: reply markup is too long"


def test_button_with_two_actions_is_a_problem_telegram_works_around() -> None:
    markup = keyboard([{"text": "Go", "url": "https://x.org", "callback_data": "go"}])
    call = inspect_call("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": markup})
    assert call.error is None
    assert call.problems == [
        "reply_markup: button 'Go' has several actions (url, callback_data); "
        "Telegram uses only url"
    ]


@pytest.mark.parametrize(
    "markup",
    [
        {"keyboard": [["Yes", {"text": "No"}]], "one_time_keyboard": True},
        {"remove_keyboard": True},
        {"force_reply": True, "input_field_placeholder": "Where?"},
    ],
)
def test_other_markup_kinds_are_accepted(markup: dict[str, object]) -> None:
    assert validate_call("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": markup}) == []


def test_edits_only_take_inline_keyboards() -> None:
    params = {
        "chat_id": 1,
        "message_id": 1,
        "text": "x",
        "reply_markup": {"remove_keyboard": True},
    }
    assert refusal("editMessageText", params) == "Bad Request: inline keyboard expected"


def test_callback_answer_text_limit() -> None:
    assert refusal("answerCallbackQuery", {"callback_query_id": "1", "text": "a" * 200}) is None
    assert refusal("answerCallbackQuery", {"callback_query_id": "1", "text": "a" * 201}) == (
        "Bad Request: MESSAGE_TOO_LONG"
    )


def commands(*pairs: tuple[str, str]) -> str:
    return json.dumps([{"command": c, "description": d} for c, d in pairs])


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"commands": commands(("start", "Start"), ("a" * 32, "d" * 256))}, None),
        ({"commands": "[]"}, None),
        ({"commands": commands(*[(f"c{i}", "d") for i in range(100)])}, None),
        ({"commands": commands(*[(f"c{i}", "d") for i in range(101)])}, "BOT_COMMANDS_TOO_MUCH"),
        ({"commands": commands(("Start", "d"))}, "BOT_COMMAND_INVALID"),
        ({"commands": commands(("a" * 33, "d"))}, "BOT_COMMAND_INVALID"),
        ({"commands": commands(("start-now", "d"))}, "BOT_COMMAND_INVALID"),
        ({"commands": commands(("start", ""))}, "BOT_COMMAND_DESCRIPTION_INVALID"),
        ({"commands": commands(("start", "d" * 257))}, "BOT_COMMAND_DESCRIPTION_INVALID"),
        ({"commands": "[]", "language_code": "eng"}, "LANG_CODE_INVALID"),
        ({"commands": "[]", "language_code": "ru"}, None),
        ({"commands": "[]", "scope": '{"type": "everyone"}'}, "can't parse BotCommandScope"),
        ({"commands": "[]", "scope": '{"type": "chat"}'}, "can't parse BotCommandScope"),
        ({"commands": "[]", "scope": '{"type": "chat", "chat_id": 5}'}, None),
    ],
)
def test_set_my_commands_rules(params: dict[str, object], description: str | None) -> None:
    error = refusal("setMyCommands", params)
    if description is None:
        assert error is None
    else:
        assert error is not None
        assert description in error


def test_get_updates_rules() -> None:
    assert validate_call("getUpdates", {"offset": 5, "limit": 100, "timeout": 10}) == []
    assert validate_call("getUpdates", {"limit": 0}) == [
        "limit 0 is outside 1..100; Telegram clamps it"
    ]
    assert validate_call("getUpdates", {"limit": 101}) == [
        "limit 101 is outside 1..100; Telegram clamps it"
    ]
    assert validate_call("getUpdates", {"timeout": -1}) == [
        "timeout -1 is negative; Telegram uses 0"
    ]
    assert validate_call("getUpdates", {"allowed_updates": '["mesage"]'}) == [
        "allowed_updates: unknown update type 'mesage'"
    ]


def test_chat_action_must_be_known() -> None:
    assert refusal("sendChatAction", {"chat_id": 1, "action": "typing"}) is None
    assert refusal("sendChatAction", {"chat_id": 1, "action": "dancing"}) == (
        "Bad Request: wrong parameter action in request"
    )


def test_json_null_counts_as_absent() -> None:
    assert validate_call("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": None}) == []
    assert refusal("sendMessage", {"chat_id": 1, "text": None}) == (
        "Bad Request: message text is empty"
    )


def test_form_encoded_values_are_decoded() -> None:
    call = inspect_call(
        "sendMessage",
        {
            "chat_id": "42",
            "text": "x",
            "disable_notification": "true",
            "reply_markup": keyboard([{"text": "Go", "callback_data": "go"}]),
        },
    )
    assert call.params["chat_id"] == 42
    assert call.params["disable_notification"] is True
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]
    }
