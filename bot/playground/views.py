"""What the playground page is sent: runners, chats, commands and the clock as plain JSON.

Owns the shapes of the page's JSON API answers, read from the :class:`LocalBotApi` exactly as a
runner would see the chat: edits applied, deletions gone, the bot's markup already rendered to
safe HTML by :func:`~bot.playground.render.entity_html`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from bot.localapi import ChatMessage, LocalBotApi, SimUser
from bot.localapi.errors import JsonDict
from bot.localapi.models import Media

from .clock import AdjustableClock
from .render import entity_html, with_commands

RECENT_ANSWERS: Final = 20
"""How many of a runner's latest callback answers (toasts, alerts) a chat view carries."""


def runner_view(user: SimUser) -> JsonDict:
    """Return a runner as the page lists them."""
    return {"id": user.id, "first_name": user.first_name, "language_code": user.language_code}


def bot_view(api: LocalBotApi) -> JsonDict:
    """Return the bot's name and username for the chat header."""
    return {"first_name": api.bot_user["first_name"], "username": api.bot_user["username"]}


def chat_view(api: LocalBotApi, user_id: int) -> JsonDict:
    """Return a runner's chat: messages, reply keyboard and the bot's recent button answers."""
    chat = api.chat(user_id)
    answers = [
        {
            "id": query.id,
            "text": query.answer.text,
            "show_alert": query.answer.show_alert,
            "answered_at": query.answer.answered_at,
        }
        for query in api.answered_callback_queries
        if query.user_id == user_id and query.answer is not None and query.answer.text
    ]
    return {
        "runner": runner_view(chat.user),
        "messages": [message_view(api, message) for message in chat.messages],
        "reply_keyboard": reply_keyboard_view(chat.reply_keyboard),
        "callback_answers": answers[-RECENT_ANSWERS:],
    }


def message_view(api: LocalBotApi, message: ChatMessage) -> JsonDict:
    """Return one message as the page draws it."""
    return {
        "id": message.message_id,
        "side": "bot" if message.from_bot else "user",
        "date": message.date,
        "edited": message.edit_date is not None,
        "text": message.text,
        "html": entity_html(message.text, with_commands(message.text, message.entities)),
        "media": media_view(api, message.media) if message.media is not None else None,
        "inline_keyboard": inline_keyboard_view(message.reply_markup),
    }


def media_view(api: LocalBotApi, media: Media) -> JsonDict:
    """Return an attachment with the URL the page downloads it from (None if not stored)."""
    stored = media.file
    url = f"/file/bot{api.token}/{stored.file_path}" if stored.content is not None else None
    return {
        "kind": media.kind,
        "url": url,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "size": stored.size,
        "emoji": media.emoji,
    }


def inline_keyboard_view(markup: JsonDict | None) -> list[list[JsonDict]]:
    """Return the rows of an inline keyboard: each button's label and what pressing it does."""
    rows = markup.get("inline_keyboard") if markup is not None else None
    if not isinstance(rows, list):
        return []
    return [
        [_inline_button(button) for button in row if isinstance(button, dict)]
        for row in rows
        if isinstance(row, list)
    ]


def _inline_button(button: JsonDict) -> JsonDict:
    text = str(button.get("text", ""))
    data, url = button.get("callback_data"), button.get("url")
    if isinstance(data, str):
        return {"text": text, "kind": "callback", "callback_data": data}
    if isinstance(url, str):
        return {"text": text, "kind": "url", "url": url}
    return {"text": text, "kind": "unsupported"}


def reply_keyboard_view(markup: JsonDict | None) -> JsonDict | None:
    """Return the reply keyboard shown above the input (rows of labels), None if there is none."""
    rows = markup.get("keyboard") if markup is not None else None
    if markup is None or not isinstance(rows, list):
        return None
    labels = [
        [
            str(button.get("text", "")) if isinstance(button, dict) else str(button)
            for button in row
        ]
        for row in rows
        if isinstance(row, list)
    ]
    placeholder = markup.get("input_field_placeholder")
    return {"rows": labels, "placeholder": placeholder if isinstance(placeholder, str) else None}


def commands_view(api: LocalBotApi, language_code: str | None) -> list[JsonDict]:
    """Return the command menu a runner with ``language_code`` sees (the default list if none).

    A regional code such as ``de-AT`` gets its language's menu (``de``) when it has none of its
    own, as Telegram's clients do.
    """
    codes = [language_code, language_code.split("-", 1)[0]] if language_code else []
    listed = next((menu for code in codes if (menu := api.commands(code))), api.commands())
    return [{"command": command, "description": text} for command, text in listed]


def clock_view(clock: AdjustableClock, next_run: datetime | None = None) -> JsonDict:
    """Return the bot's current time, how far it is ahead, and a runner's next reminder."""
    now = clock.now()
    return {
        "now": now.isoformat(),
        "epoch_ms": int(now.timestamp() * 1000),
        "offset_seconds": int(clock.offset.total_seconds()),
        "next_run": next_run.isoformat() if next_run is not None else None,
    }
