"""Reply markup as Telegram checks it: inline keyboards, reply keyboards, removal, force reply.

Owns the rules for the ``reply_markup`` parameter and reading buttons back out of a markup.
Refusals raise :class:`ApiError` with Telegram's description; mistakes Telegram silently works
around (a button with two actions, an unknown field) are reported as warnings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from .errors import JsonDict, bad_request

MAX_INLINE_BUTTONS: Final = 100
MAX_CALLBACK_DATA_BYTES: Final = 64
_INLINE_ACTIONS: Final = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_INLINE_FIELDS: Final = frozenset({"text", "icon_custom_emoji_id", "style", *_INLINE_ACTIONS})
_MARKUP_FIELDS: Final = frozenset(
    {
        "inline_keyboard",
        "keyboard",
        "remove_keyboard",
        "force_reply",
        "is_persistent",
        "resize_keyboard",
        "one_time_keyboard",
        "input_field_placeholder",
        "selective",
    }
)


class MarkupKind(StrEnum):
    """The four reply markup types, named by the field that identifies each."""

    INLINE = "inline_keyboard"
    KEYBOARD = "keyboard"
    REMOVE = "remove_keyboard"
    FORCE_REPLY = "force_reply"


@dataclass(frozen=True, slots=True)
class ReplyMarkup:
    """A validated reply markup: its kind and the JSON object as the bot sent it."""

    kind: MarkupKind
    data: JsonDict


def check_reply_markup(value: object, warnings: list[str]) -> ReplyMarkup | None:
    """Validate a decoded ``reply_markup``; None means Telegram ignores it."""
    if not isinstance(value, dict):
        raise bad_request("object expected as reply markup")
    for name in value:
        if name not in _MARKUP_FIELDS:
            warnings.append(f"reply_markup: unknown field {name!r}")
    kinds = [kind for kind in MarkupKind if value.get(kind.value)]
    if not kinds:
        warnings.append(
            "reply_markup has no keyboard, inline_keyboard, remove_keyboard or force_reply; "
            "Telegram ignores it"
        )
        return None
    if len(kinds) > 1:
        names = ", ".join(kind.value for kind in kinds)
        warnings.append(f"reply_markup mixes {names}; Telegram uses only {kinds[0].value}")
    kind = kinds[0]
    if kind is MarkupKind.INLINE:
        _check_inline_keyboard(value["inline_keyboard"], warnings)
    elif kind is MarkupKind.KEYBOARD:
        _check_reply_keyboard(value["keyboard"])
    return ReplyMarkup(kind, value)


def _rows(value: object, field: str, owner: str) -> list[list[object]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise bad_request(f'field "{field}" of the {owner} must be an Array of Arrays')
    return value


def _check_inline_keyboard(value: object, warnings: list[str]) -> None:
    rows = _rows(value, "inline_keyboard", "InlineKeyboardMarkup")
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")
    for row in rows:
        if not row:
            warnings.append("reply_markup: an inline keyboard row is empty")
        for button in row:
            _check_inline_button(button, warnings)


def _check_inline_button(button: object, warnings: list[str]) -> None:
    reason = "can't parse inline keyboard button"
    if not isinstance(button, dict):
        raise bad_request(f"{reason}: InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request(f'{reason}: Field "text" must be of type String')
    if not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    for name in button:
        if name not in _INLINE_FIELDS:
            warnings.append(f"reply_markup: button {text!r} has unknown field {name!r}")
    actions = [name for name in _INLINE_ACTIONS if button.get(name) not in (None, "")]
    if not actions:
        raise bad_request(f"{reason}: Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        warnings.append(
            f"reply_markup: button {text!r} has several actions ({', '.join(actions)}); "
            f"Telegram uses only {actions[0]}"
        )
    data = button.get("callback_data")
    if data is not None:
        if not isinstance(data, str):
            raise bad_request(f'{reason}: Field "callback_data" must be of type String')
        if len(data.encode()) > MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and (
        not isinstance(url, str)
        or " " in url
        or url.split(":", 1)[0].lower() not in _BUTTON_URL_SCHEMES
        or ":" not in url
    ):
        raise bad_request("BUTTON_URL_INVALID")


_BUTTON_URL_SCHEMES = frozenset({"http", "https", "tg"})
"""The link schemes Telegram takes in a URL button (a `javascript:` link is refused)."""


def _check_reply_keyboard(value: object) -> None:
    for row in _rows(value, "keyboard", "ReplyKeyboardMarkup"):
        for button in row:
            text = button.get("text") if isinstance(button, dict) else button
            if not isinstance(text, str):
                raise bad_request(
                    'can\'t parse keyboard button: Field "text" must be of type String'
                )
            if not text.strip():
                raise bad_request("BUTTON_TEXT_INVALID")


def iter_inline_buttons(markup: Mapping[str, object] | None) -> Iterator[JsonDict]:
    """Yield every button of an inline keyboard markup, row by row."""
    rows = markup.get("inline_keyboard") if markup else None
    if not isinstance(rows, list):
        return
    for row in rows:
        if isinstance(row, list):
            yield from (button for button in row if isinstance(button, dict))


def callback_buttons(markup: Mapping[str, object] | None) -> list[tuple[str, str]]:
    """Return ``(text, callback_data)`` for each callback button of an inline keyboard."""
    return [
        (str(button.get("text")), data)
        for button in iter_inline_buttons(markup)
        if isinstance(data := button.get("callback_data"), str)
    ]
