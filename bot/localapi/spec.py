"""The Bot API methods the fake serves: a declarative table of parameters plus the call rules.

Owns what a well-formed call looks like, independent of any state: parameter names and types
as in the official Bot API docs, Telegram's descriptions for missing parameters, text and
caption limits, reply markup rules and per-method checks. :func:`inspect_call` decodes the
parameters and returns the first refusal Telegram would answer with together with every problem
found; :func:`validate_call` returns just the problems.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Final
from urllib.parse import urlsplit

from bot.telegram_format import FormattedText, MarkupError, format_text

from .errors import ApiError, JsonDict, bad_request
from .markup import MarkupKind, ReplyMarkup, check_reply_markup
from .models import Upload


class Kind(Enum):
    """The Bot API parameter types the fake decodes."""

    INT = "Integer"
    NUMBER = "Float number"
    CHAT_ID = "Integer or String"
    STR = "String"
    BOOL = "Boolean"
    JSON = "JSON-serialized object"
    FILE = "InputFile or String"


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter: its type, whether it is required, Telegram's reason when it is missing."""

    kind: Kind
    required: bool = False
    missing: str = ""


@dataclass(frozen=True, slots=True)
class TextRule:
    """Where a method takes formatted text and how long it may be after entity parsing."""

    param: str
    entities_param: str
    limit: int
    too_long: str
    empty: str | None


class MarkupRule(Enum):
    """Which reply markups a method accepts."""

    NONE = "none"
    ANY = "any"
    INLINE = "inline"


Rule = Callable[["CheckedCall"], None]


@dataclass(frozen=True, slots=True)
class MethodSpec:
    """One Bot API method: its parameters and the rules its calls must follow.

    ``tolerated`` names parameters Telegram ignores and python-telegram-bot adds on its own (its
    ``Defaults`` leak ``parse_mode`` & co. into methods that lack them); they are not problems.
    """

    name: str
    params: Mapping[str, Param] = field(default_factory=dict)
    text: TextRule | None = None
    markup: MarkupRule = MarkupRule.NONE
    rules: tuple[Rule, ...] = ()
    tolerated: frozenset[str] = frozenset()


@dataclass(slots=True)
class CheckedCall:
    """A call after decoding and checking: typed parameters, refusal, problems, parsed parts."""

    method: str
    spec: MethodSpec | None
    params: JsonDict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    error: ApiError | None = None
    text: FormattedText | None = None
    reply_markup: ReplyMarkup | None = None

    def reject(self, error: ApiError) -> None:
        """Record a refusal; the first one is what Telegram answers."""
        self.problems.append(error.description)
        if self.error is None:
            self.error = error

    def warn(self, message: str) -> None:
        """Record a problem Telegram does not refuse."""
        self.problems.append(message)

    def integer(self, name: str) -> int | None:
        """Return an integer parameter, None when absent."""
        value = self.params.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def number(self, name: str) -> float | None:
        """Return a numeric parameter, None when absent."""
        value = self.params.get(name)
        return float(value) if isinstance(value, int | float) else None

    def string(self, name: str) -> str | None:
        """Return a string parameter, None when absent."""
        value = self.params.get(name)
        return value if isinstance(value, str) else None

    def flag(self, name: str) -> bool:
        """Return a boolean parameter, False when absent."""
        return self.params.get(name) is True


_INT: Final = Param(Kind.INT)
_STR: Final = Param(Kind.STR)
_BOOL: Final = Param(Kind.BOOL)
_JSON: Final = Param(Kind.JSON)
_CHAT_ID: Final = Param(Kind.CHAT_ID)
_TARGET_CHAT: Final = Param(Kind.CHAT_ID, required=True, missing="chat_id is empty")

_SEND_OPTIONS: Final[Mapping[str, Param]] = {
    "business_connection_id": _STR,
    "chat_id": _TARGET_CHAT,
    "message_thread_id": _INT,
    "direct_messages_topic_id": _INT,
    "disable_notification": _BOOL,
    "protect_content": _BOOL,
    "allow_paid_broadcast": _BOOL,
    "message_effect_id": _STR,
    "suggested_post_parameters": _JSON,
    "reply_parameters": _JSON,
    "reply_markup": _JSON,
}
_CAPTION_OPTIONS: Final[Mapping[str, Param]] = {
    "caption": _STR,
    "parse_mode": _STR,
    "caption_entities": _JSON,
}
_EDIT_TARGET: Final[Mapping[str, Param]] = {
    "business_connection_id": _STR,
    "chat_id": _CHAT_ID,
    "message_id": _INT,
    "inline_message_id": _STR,
}
_COMMAND_TARGET: Final[Mapping[str, Param]] = {"scope": _JSON, "language_code": _STR}
_PTB_DEFAULTS: Final = frozenset(
    {"parse_mode", "disable_notification", "protect_content", "link_preview_options"}
)
_MESSAGE_TEXT: Final = TextRule(
    "text", "entities", 4096, "message is too long", "message text is empty"
)
_CAPTION: Final = TextRule(
    "caption", "caption_entities", 1024, "message caption is too long", empty=None
)

QUERY_INVALID: Final = "query is too old and response timeout expired or query ID is invalid"
CHAT_ACTIONS: Final = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
UPDATE_TYPES: Final = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
_SCOPE_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "default": (),
    "all_private_chats": (),
    "all_group_chats": (),
    "all_chat_administrators": (),
    "chat": ("chat_id",),
    "chat_administrators": ("chat_id",),
    "chat_member": ("chat_id", "user_id"),
}
_COMMAND_NAME: Final = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_CODE: Final = re.compile(r"[a-z]{2}")
_JSON_LABELS: Final[Mapping[str, str]] = {
    "reply_markup": "reply keyboard markup JSON object",
    "entities": "entities JSON object",
    "caption_entities": "entities JSON object",
    "commands": "commands JSON object",
    "scope": "BotCommandScope JSON object",
    "menu_button": "menu button JSON object",
    "reply_parameters": "reply parameters JSON object",
    "link_preview_options": "link preview options JSON object",
    "allowed_updates": "allowed updates JSON array",
}


def _check_edit_target(call: CheckedCall) -> None:
    no_message = call.params.get("chat_id") is None and call.integer("message_id") is None
    if no_message and not call.string("inline_message_id"):
        call.reject(bad_request("message identifier is not specified"))


def _check_chat_action(call: CheckedCall) -> None:
    if call.string("action") not in CHAT_ACTIONS:
        call.reject(bad_request("wrong parameter action in request"))


def _check_callback_answer(call: CheckedCall) -> None:
    text = call.string("text")
    if text is not None and len(text) > 200:
        call.reject(bad_request("MESSAGE_TOO_LONG"))


def _check_commands(call: CheckedCall) -> None:
    commands = call.params.get("commands")
    if commands is None:
        return
    if not isinstance(commands, list):
        call.reject(bad_request("expected an Array of BotCommand"))
        return
    if len(commands) > 100:
        call.reject(bad_request("BOT_COMMANDS_TOO_MUCH"))
    seen: set[str] = set()
    for item in commands:
        command = item.get("command") if isinstance(item, dict) else None
        description = item.get("description") if isinstance(item, dict) else None
        if not isinstance(command, str) or not isinstance(description, str):
            call.reject(
                bad_request("can't parse BotCommand: command and description are required")
            )
            return
        if not _COMMAND_NAME.fullmatch(command):
            call.reject(bad_request("BOT_COMMAND_INVALID"))
        if not description.strip() or len(description) > 256:
            call.reject(bad_request("BOT_COMMAND_DESCRIPTION_INVALID"))
        if command in seen:
            call.warn(f"command {command!r} is listed twice")
        seen.add(command)


def _check_command_scope(call: CheckedCall) -> None:
    scope = call.params.get("scope")
    if scope is not None:
        kind = scope.get("type") if isinstance(scope, dict) else None
        needed = _SCOPE_FIELDS.get(kind) if isinstance(kind, str) else None
        if not isinstance(scope, dict) or needed is None:
            call.reject(bad_request("can't parse BotCommandScope: unsupported type specified"))
        elif any(scope.get(name) is None for name in needed):
            call.reject(bad_request(f"can't parse BotCommandScope: {', '.join(needed)} required"))
    language = call.string("language_code")
    if language and not _LANGUAGE_CODE.fullmatch(language):
        call.reject(bad_request("LANG_CODE_INVALID"))


def _check_menu_button(call: CheckedCall) -> None:
    button = call.params.get("menu_button")
    if button is None:
        return
    kind = button.get("type") if isinstance(button, dict) else None
    if kind not in ("commands", "web_app", "default"):
        call.reject(bad_request("can't parse menu button: unsupported type specified"))
    elif kind == "web_app" and isinstance(button, dict):
        web_app = button.get("web_app")
        if not button.get("text") or not isinstance(web_app, dict) or not web_app.get("url"):
            call.reject(bad_request("can't parse menu button: text and web_app.url are required"))


def _check_reply_parameters(call: CheckedCall) -> None:
    reply = call.params.get("reply_parameters")
    if reply is not None and not (
        isinstance(reply, dict) and isinstance(reply.get("message_id"), int)
    ):
        call.reject(bad_request("can't parse reply parameters JSON object"))


def _check_get_updates(call: CheckedCall) -> None:
    limit = call.integer("limit")
    if limit is not None and not 1 <= limit <= 100:
        call.warn(f"limit {limit} is outside 1..100; Telegram clamps it")
    timeout = call.number("timeout")
    if timeout is not None and timeout < 0:
        call.warn(f"timeout {timeout:g} is negative; Telegram uses 0")
    _check_allowed_updates(call)


def _check_allowed_updates(call: CheckedCall) -> None:
    allowed = call.params.get("allowed_updates")
    if allowed is None:
        return
    if not isinstance(allowed, list) or not all(isinstance(item, str) for item in allowed):
        call.reject(bad_request("can't parse allowed updates JSON array"))
        return
    for item in allowed:
        if item not in UPDATE_TYPES:
            call.warn(f"allowed_updates: unknown update type {item!r}")


WEBHOOK_PORTS: Final = frozenset({80, 88, 443, 8443})
_SECRET_TOKEN: Final = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _check_set_webhook(call: CheckedCall) -> None:
    """Telegram's webhook rules; an http:// URL to this machine is the fake's one allowance.

    Telegram posts only to https on four ports. The fake delivers on this machine, so it also
    takes http:// to a loopback host, which is how tests and a local webhook server use it.
    """
    url = call.string("url") or ""
    if url:
        parts = urlsplit(url)
        loopback = parts.hostname in ("localhost", "127.0.0.1", "::1")
        if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
            call.reject(bad_request("bad webhook: An HTTPS URL must be provided for webhook"))
        elif parts.scheme == "https" and (parts.port or 443) not in WEBHOOK_PORTS:
            call.reject(
                bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
            )
    secret = call.string("secret_token")
    if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
        call.reject(bad_request("secret token contains unallowed characters"))
    connections = call.integer("max_connections")
    if connections is not None and not 1 <= connections <= 100:
        call.warn(f"max_connections {connections} is outside 1..100; Telegram clamps it")
    _check_allowed_updates(call)


def _index(*specs: MethodSpec) -> dict[str, MethodSpec]:
    return {spec.name: spec for spec in specs}


METHODS: Final[Mapping[str, MethodSpec]] = _index(
    MethodSpec("getMe"),
    MethodSpec(
        "getUpdates",
        {
            "offset": _INT,
            "limit": _INT,
            "timeout": Param(Kind.NUMBER),
            "allowed_updates": _JSON,
        },
        rules=(_check_get_updates,),
    ),
    MethodSpec(
        "setWebhook",
        {
            "url": Param(Kind.STR, required=True, missing="url is empty"),
            "certificate": Param(Kind.FILE),
            "ip_address": _STR,
            "max_connections": _INT,
            "allowed_updates": _JSON,
            "drop_pending_updates": _BOOL,
            "secret_token": _STR,
        },
        rules=(_check_set_webhook,),
    ),
    MethodSpec("deleteWebhook", {"drop_pending_updates": _BOOL}),
    MethodSpec("getWebhookInfo"),
    MethodSpec(
        "setMyCommands",
        {"commands": Param(Kind.JSON, required=True), **_COMMAND_TARGET},
        rules=(_check_commands, _check_command_scope),
    ),
    MethodSpec("getMyCommands", dict(_COMMAND_TARGET), rules=(_check_command_scope,)),
    MethodSpec("deleteMyCommands", dict(_COMMAND_TARGET), rules=(_check_command_scope,)),
    MethodSpec(
        "setChatMenuButton",
        {"chat_id": _INT, "menu_button": _JSON},
        rules=(_check_menu_button,),
    ),
    MethodSpec(
        "sendMessage",
        {
            **_SEND_OPTIONS,
            "text": Param(Kind.STR, required=True, missing="message text is empty"),
            "parse_mode": _STR,
            "entities": _JSON,
            "link_preview_options": _JSON,
        },
        text=_MESSAGE_TEXT,
        markup=MarkupRule.ANY,
        rules=(_check_reply_parameters,),
        tolerated=_PTB_DEFAULTS,
    ),
    MethodSpec(
        "editMessageText",
        {
            **_EDIT_TARGET,
            "text": Param(Kind.STR, required=True, missing="message text is empty"),
            "parse_mode": _STR,
            "entities": _JSON,
            "link_preview_options": _JSON,
            "reply_markup": _JSON,
        },
        text=_MESSAGE_TEXT,
        markup=MarkupRule.INLINE,
        rules=(_check_edit_target,),
        tolerated=_PTB_DEFAULTS,
    ),
    MethodSpec(
        "editMessageReplyMarkup",
        {**_EDIT_TARGET, "reply_markup": _JSON},
        markup=MarkupRule.INLINE,
        rules=(_check_edit_target,),
        tolerated=_PTB_DEFAULTS,
    ),
    MethodSpec(
        "answerCallbackQuery",
        {
            "callback_query_id": Param(Kind.STR, required=True, missing=QUERY_INVALID),
            "text": _STR,
            "show_alert": _BOOL,
            "url": _STR,
            "cache_time": _INT,
        },
        rules=(_check_callback_answer,),
    ),
    MethodSpec(
        "deleteMessage",
        {
            "chat_id": Param(
                Kind.CHAT_ID, required=True, missing="chat identifier is not specified"
            ),
            "message_id": Param(
                Kind.INT, required=True, missing="message identifier is not specified"
            ),
        },
    ),
    MethodSpec(
        "sendChatAction",
        {
            "business_connection_id": _STR,
            "chat_id": _TARGET_CHAT,
            "message_thread_id": _INT,
            "action": Param(Kind.STR, required=True, missing="wrong parameter action in request"),
        },
        rules=(_check_chat_action,),
    ),
    MethodSpec(
        "sendPhoto",
        {
            **_SEND_OPTIONS,
            "photo": Param(Kind.FILE, required=True, missing="there is no photo in the request"),
            **_CAPTION_OPTIONS,
            "show_caption_above_media": _BOOL,
            "has_spoiler": _BOOL,
        },
        text=_CAPTION,
        markup=MarkupRule.ANY,
        rules=(_check_reply_parameters,),
        tolerated=_PTB_DEFAULTS,
    ),
    MethodSpec(
        "sendDocument",
        {
            **_SEND_OPTIONS,
            "document": Param(
                Kind.FILE, required=True, missing="there is no document in the request"
            ),
            "thumbnail": Param(Kind.FILE),
            **_CAPTION_OPTIONS,
            "disable_content_type_detection": _BOOL,
        },
        text=_CAPTION,
        markup=MarkupRule.ANY,
        rules=(_check_reply_parameters,),
        tolerated=_PTB_DEFAULTS,
    ),
    MethodSpec(
        "getFile",
        {"file_id": Param(Kind.STR, required=True, missing="file_id is empty")},
    ),
)
_BY_LOWER_NAME: Final[Mapping[str, MethodSpec]] = {
    name.lower(): spec for name, spec in METHODS.items()
}


def find_method(method: str) -> MethodSpec | None:
    """Return the spec of a method; like Telegram, names are case-insensitive."""
    return _BY_LOWER_NAME.get(method.lower())


def _type_error(name: str, kind: Kind) -> ApiError:
    return bad_request(f'parameter "{name}" must be of type {kind.value}')


def _to_int(name: str, kind: Kind, value: object) -> int:
    if isinstance(value, bool):
        raise _type_error(name, kind)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            raise _type_error(name, kind) from None
    raise _type_error(name, kind)


def _to_number(name: str, value: object) -> float | int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise _type_error(name, Kind.NUMBER) from None
        return int(number) if number.is_integer() else number
    raise _type_error(name, Kind.NUMBER)


def _to_bool(name: str, value: object, call: CheckedCall) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in ("true", "false", "1", "0", ""):
        call.warn(f'parameter "{name}" is not a Boolean ({value!r}); Telegram reads it as false')
    return text in ("true", "1")


def _to_json(name: str, value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        label = _JSON_LABELS.get(name, f"{name} JSON object")
        raise bad_request(f"can't parse {label}") from None


def _coerce(name: str, kind: Kind, value: object, call: CheckedCall) -> object:
    if kind is Kind.STR:
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise _type_error(name, kind)
    if kind is Kind.INT:
        return _to_int(name, kind, value)
    if kind is Kind.CHAT_ID:
        if isinstance(value, str) and value.strip().startswith("@"):
            return value.strip()
        return _to_int(name, kind, value)
    if kind is Kind.NUMBER:
        return _to_number(name, value)
    if kind is Kind.BOOL:
        return _to_bool(name, value, call)
    if kind is Kind.JSON:
        return _to_json(name, value)
    if isinstance(value, str | Upload):
        return value
    raise _type_error(name, kind)


def _check_text(call: CheckedCall, rule: TextRule) -> None:
    source = call.string(rule.param)
    if not source:
        return
    try:
        formatted, warnings = format_text(
            source, call.string("parse_mode"), call.params.get(rule.entities_param)
        )
    except MarkupError as error:
        call.reject(bad_request(str(error)))
        return
    for warning in warnings:
        call.warn(warning)
    if rule.empty is not None and not formatted.text:
        call.reject(bad_request(rule.empty))
    elif len(formatted.text) > rule.limit:
        call.reject(bad_request(rule.too_long))
    call.text = formatted


def _check_markup(call: CheckedCall, rule: MarkupRule) -> None:
    value = call.params.get("reply_markup")
    if value is None:
        return
    warnings: list[str] = []
    try:
        markup = check_reply_markup(value, warnings)
    except ApiError as error:
        call.reject(error)
        return
    finally:
        for warning in warnings:
            call.warn(warning)
    if markup is not None and rule is MarkupRule.INLINE and markup.kind is not MarkupKind.INLINE:
        call.reject(bad_request("inline keyboard expected"))
    call.reply_markup = markup


def _unknown_parameter(spec: MethodSpec, name: str) -> str:
    close = difflib.get_close_matches(name, list(spec.params), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown parameter {name!r}{hint}"


def inspect_call(method: str, params: Mapping[str, object]) -> CheckedCall:
    """Decode and check one call; the result carries typed params, refusal and problems.

    Values may be strings as sent in forms and query strings, or JSON values from a JSON body;
    a JSON ``null`` counts as absent.
    """
    spec = find_method(method)
    if spec is None:
        return CheckedCall(
            method,
            None,
            dict(params),
            problems=[f"unknown method {method!r}"],
            error=ApiError(404, "Not Found"),
        )
    call = CheckedCall(spec.name, spec)
    for name, value in params.items():
        if value is None:
            continue
        param = spec.params.get(name)
        if param is None:
            call.params[name] = value
            if name not in spec.tolerated:
                call.warn(_unknown_parameter(spec, name))
            continue
        try:
            call.params[name] = _coerce(name, param.kind, value, call)
        except ApiError as error:
            call.params[name] = value
            call.reject(error)
    for name, param in spec.params.items():
        if param.required and call.params.get(name) in (None, ""):
            call.reject(bad_request(param.missing or f'parameter "{name}" is required'))
    if spec.text is not None:
        _check_text(call, spec.text)
    if spec.markup is not MarkupRule.NONE:
        _check_markup(call, spec.markup)
    for rule in spec.rules:
        rule(call)
    return call


def validate_call(method: str, params: Mapping[str, object]) -> list[str]:
    """Return the human-readable problems of one call; an empty list means it is fine."""
    return inspect_call(method, params).problems
