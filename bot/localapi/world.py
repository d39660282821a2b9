"""The fake Telegram itself: in-memory state, the Bot API methods, simulated users.

Owns :class:`LocalBotApi`: the bot's own user, users and their private chats with the message
history, files, callback queries, registered commands, the update queue and every call the bot
made. ``handle`` answers one Bot API call exactly like Telegram (status and JSON body); the
``send_*``/``press``/``block`` helpers play the users' side; the reading helpers let tests (and a
playground page) see the chats as a user would. ``version`` counts the changes a user could see
(every call but getUpdates, every user action); ``wait_for_change`` long-polls on it.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from typing import Final

from bot.telegram_format import Entity, FormattedText, utf16_len

from .errors import (
    AnswerLostError,
    ApiError,
    JsonDict,
    NotConnectedError,
    SimulationError,
    bad_request,
)
from .faults import FaultPlan
from .markup import MarkupKind, callback_buttons
from .models import (
    CallbackAnswer,
    CallbackQuery,
    ChatMessage,
    Media,
    PrivateChat,
    RecordedCall,
    SimUser,
    StoredFile,
    Upload,
)
from .spec import QUERY_INVALID, CheckedCall, inspect_call
from .updates import UpdateQueue
from .webhook import Webhook, WebhookPusher

NOT_MODIFIED: Final = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
BLOCKED: Final = "Forbidden: bot was blocked by the user"
WEBHOOK_ACTIVE: Final = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
DELETE_WINDOW_SECONDS: Final = 48 * 3600
_BOT_COMMAND: Final = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_DEFAULT_SCOPE: Final[JsonDict] = {"type": "default"}
_FILE_FOLDERS: Final[Mapping[str, tuple[str, str]]] = {
    "photo": ("photos", ".jpg"),
    "document": ("documents", ""),
    "sticker": ("stickers", ".webp"),
}
_SAMPLE_PHOTO: Final = b"\x89PNG\r\n\x1a\n" + bytes(56)
_SAMPLE_STICKER: Final = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(24)

Handler = Callable[[CheckedCall], object]


class LocalBotApi:
    """An in-memory Telegram Bot API for one bot, with simulated users to talk to it.

    Every call lands in ``calls``. ``problems()`` lists what a correct bot never causes: calls
    the spec finds malformed (refused or merely suspicious) and refusals such as "chat not
    found" or answering a callback query twice. Injected faults, a user who blocked the bot and
    "message is not modified" are runtime conditions a bot must handle, so they are not
    problems. Users appear on first use; ``user()`` sets their names and language.
    """

    def __init__(
        self,
        *,
        token: str = "123456:TEST-token",
        bot_username: str = "numb_feet_test_bot",
        clock: Callable[[], float] = time.time,
        bot_first_name: str = "Numb Feet Test Bot",
        callback_query_ttl: float = 900.0,
        history_limit: int | None = None,
    ) -> None:
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError(f"token {token!r} does not look like '<bot id>:<secret>'")
        self.token = token
        self.clock = clock
        self.bot_user: JsonDict = {
            "id": int(bot_id),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.calls: list[RecordedCall] = []
        self.updates = UpdateQueue()
        self.webhook = WebhookPusher(self.updates, clock)
        self.faults = FaultPlan()
        self.callback_queries: dict[str, CallbackQuery] = {}
        self._callback_query_ttl = callback_query_ttl
        self._history_limit = history_limit
        self._problems: list[str] = []
        self._chats: dict[int, PrivateChat] = {}
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._menu_buttons: dict[int | None, JsonDict] = {}
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._next_query_id = 1
        self._call_waiters: list[asyncio.Future[None]] = []
        self._version = 0
        self._change_waiters: list[asyncio.Future[None]] = []
        self._handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "deleteMessage": self._delete_message,
            "sendChatAction": self._send_chat_action,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "getFile": self._get_file,
        }

    @property
    def handled_methods(self) -> frozenset[str]:
        """Return the names of the Bot API methods this fake implements."""
        return frozenset({*self._handlers, "getUpdates"})

    # --- serving the bot -------------------------------------------------------------------

    async def handle(self, method: str, params: Mapping[str, object]) -> tuple[int, JsonDict]:
        """Answer one Bot API call: return the HTTP status and Telegram's JSON body."""
        call = inspect_call(method, params)
        if call.spec is not None and self.faults.take_refusal(call.method):
            raise NotConnectedError(call.method)
        injected = self.faults.take_failure(call.method) if call.spec is not None else None
        error = injected or call.error
        body: JsonDict = {}
        if error is None:
            try:
                if call.method == "getUpdates":
                    body = {"ok": True, "result": await self._get_updates(call)}
                else:
                    body = {"ok": True, "result": self._handlers[call.method](call)}
            except ApiError as refusal:
                error = refusal
                if not refusal.expected:
                    call.problems.append(refusal.description)
        status = 200 if error is None else error.status
        if error is not None:
            body = error.body()
        self._record(call, status, body, injected=injected is not None)
        if call.spec is not None:
            delay, hold = self.faults.take_delay(call.method), self.faults.take_hold(call.method)
            if delay > 0:
                await asyncio.sleep(delay)
            if hold is not None:
                await hold.wait()
            if self.faults.take_lost_answer(call.method):
                raise AnswerLostError(call.method)
        return status, body

    def _record(self, call: CheckedCall, status: int, body: JsonDict, *, injected: bool) -> None:
        problems = tuple(call.problems)
        self.calls.append(
            RecordedCall(call.method, call.params, status, body, problems, injected, self.clock())
        )
        self._problems.extend(f"{call.method}: {problem}" for problem in problems)
        limit = self._history_limit
        if limit is not None and len(self.calls) > 2 * limit:
            del self.calls[:-limit]
        if self._call_waiters:
            for waiter in self._call_waiters:
                if not waiter.done():
                    waiter.set_result(None)
            self._call_waiters.clear()
        if call.method != "getUpdates":
            self.notify_change()

    @property
    def version(self) -> int:
        """Return the change counter: it grows whenever a chat, a command or a file may differ."""
        return self._version

    def notify_change(self) -> None:
        """Count one change and wake every ``wait_for_change`` (the playground calls it too)."""
        self._version += 1
        waiters, self._change_waiters = self._change_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_for_change(self, since: int) -> int:
        """Wait until ``version`` differs from ``since`` and return it; bound it with a timeout."""
        while self._version == since:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._change_waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._change_waiters:
                    self._change_waiters.remove(waiter)
        return self._version

    async def wait_until(self, condition: Callable[[], object]) -> None:
        """Wait until ``condition()`` is true, checking after each call the bot makes.

        Bound the wait with ``asyncio.timeout``; an end-to-end test uses this to wait for the
        bot to react to a simulated user.
        """
        while not condition():
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._call_waiters.append(waiter)
            await waiter

    # --- Bot API methods -------------------------------------------------------------------

    async def _get_updates(self, call: CheckedCall) -> list[JsonDict]:
        if self.webhook.webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        allowed = call.params.get("allowed_updates")
        if isinstance(allowed, list):
            self.updates.set_allowed(str(kind) for kind in allowed)
        limit = call.integer("limit")
        timeout = call.number("timeout") or 0.0
        return await self.updates.fetch(
            offset=call.integer("offset") or 0,
            limit=100 if limit is None else min(max(limit, 1), 100),
            poll_seconds=min(max(timeout, 0.0), 50.0),
        )

    def _get_me(self, call: CheckedCall) -> JsonDict:
        return self.bot_user

    def _set_webhook(self, call: CheckedCall) -> bool:
        url = call.string("url") or ""
        if not url:  # Telegram: an empty URL removes the webhook
            return self._delete_webhook(call)
        if call.flag("drop_pending_updates"):
            self.updates.drop_pending()
        allowed = call.params.get("allowed_updates")
        if isinstance(allowed, list):
            self.updates.set_allowed(str(kind) for kind in allowed)
        connections = call.integer("max_connections") or 40
        webhook = Webhook(url, call.string("secret_token"), min(max(connections, 1), 100))
        self.webhook.set(webhook)
        return True

    def _delete_webhook(self, call: CheckedCall) -> bool:
        self.webhook.delete()
        if call.flag("drop_pending_updates"):
            self.updates.drop_pending()
        return True

    def _get_webhook_info(self, call: CheckedCall) -> JsonDict:
        pending = len(self.updates.pending)
        webhook = self.webhook.webhook
        if webhook is not None:
            return webhook.info(pending)
        return {"url": "", "has_custom_certificate": False, "pending_update_count": pending}

    def _commands_key(self, call: CheckedCall) -> tuple[str, str]:
        scope = call.params.get("scope") or _DEFAULT_SCOPE
        return json.dumps(scope, sort_keys=True), call.string("language_code") or ""

    def _set_my_commands(self, call: CheckedCall) -> bool:
        commands = call.params.get("commands")
        listed = [
            {"command": item["command"], "description": item["description"]}
            for item in (commands if isinstance(commands, list) else [])
            if isinstance(item, dict)
        ]
        if listed:
            self._commands[self._commands_key(call)] = listed
        else:
            self._commands.pop(self._commands_key(call), None)
        return True

    def _get_my_commands(self, call: CheckedCall) -> list[JsonDict]:
        return list(self._commands.get(self._commands_key(call), []))

    def _delete_my_commands(self, call: CheckedCall) -> bool:
        self._commands.pop(self._commands_key(call), None)
        return True

    def _set_chat_menu_button(self, call: CheckedCall) -> bool:
        chat_id = call.integer("chat_id")
        if chat_id is not None:
            self._chat(chat_id)
        button = call.params.get("menu_button")
        self._menu_buttons[chat_id] = (
            dict(button) if isinstance(button, dict) else {"type": "default"}
        )
        return True

    def _chat(self, chat_id: object) -> PrivateChat:
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _writable_chat(self, call: CheckedCall) -> PrivateChat:
        chat = self._chat(call.params.get("chat_id"))
        if chat.user.blocked:
            raise ApiError(403, BLOCKED, expected=True)
        return chat

    def _reply_target(self, chat: PrivateChat, call: CheckedCall) -> int | None:
        reply = call.params.get("reply_parameters")
        if not isinstance(reply, dict):
            return None
        message_id = reply.get("message_id")
        if isinstance(message_id, int) and message_id in chat.history:
            return message_id
        if reply.get("allow_sending_without_reply") is True:
            return None
        raise bad_request("message to be replied not found")

    def _post(self, chat: PrivateChat, call: CheckedCall, media: Media | None = None) -> JsonDict:
        reply_to = self._reply_target(chat, call)
        formatted = call.text or FormattedText("")
        markup = call.reply_markup
        message = ChatMessage(
            message_id=chat.take_message_id(),
            chat_id=chat.id,
            from_bot=True,
            date=int(self.clock()),
            text=formatted.text,
            entities=formatted.entities,
            source=call.string("caption" if media is not None else "text"),
            parse_mode=call.string("parse_mode"),
            reply_markup=markup.data if markup and markup.kind is MarkupKind.INLINE else None,
            media=media,
            reply_to_message_id=reply_to,
        )
        chat.history[message.message_id] = message
        chat.chat_action = None
        if markup is not None and markup.kind is MarkupKind.KEYBOARD:
            chat.reply_keyboard = markup.data
        elif markup is not None and markup.kind is MarkupKind.REMOVE:
            chat.reply_keyboard = None
        return self.message_json(chat, message)

    def _send_message(self, call: CheckedCall) -> JsonDict:
        return self._post(self._writable_chat(call), call)

    def _send_photo(self, call: CheckedCall) -> JsonDict:
        chat = self._writable_chat(call)
        return self._post(chat, call, Media("photo", self._input_file(call, "photo")))

    def _send_document(self, call: CheckedCall) -> JsonDict:
        chat = self._writable_chat(call)
        return self._post(chat, call, Media("document", self._input_file(call, "document")))

    def _input_file(self, call: CheckedCall, kind: str) -> StoredFile:
        value = call.params.get(kind)
        if isinstance(value, Upload):
            return self.store_file(kind, value.content, value.filename, value.mime_type)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            name = PurePosixPath(value.split("?", 1)[0]).name or None
            return self.store_file(kind, None, name, None)
        stored = self._files.get(value) if isinstance(value, str) else None
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored

    def _editable(self, call: CheckedCall) -> tuple[PrivateChat, ChatMessage]:
        if call.params.get("chat_id") is None:
            call.warn("inline messages are not simulated")
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat(call.params.get("chat_id"))
        message = chat.history.get(call.integer("message_id") or 0)
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return chat, message

    def _edit_message_text(self, call: CheckedCall) -> JsonDict:
        chat, message = self._editable(call)
        if message.media is not None:
            raise bad_request("there is no text in the message to edit")
        formatted = call.text or FormattedText("")
        markup = call.reply_markup.data if call.reply_markup else None
        if (formatted.text, formatted.entities, markup) == (
            message.text,
            message.entities,
            message.reply_markup,
        ):
            raise ApiError(400, f"Bad Request: {NOT_MODIFIED}", expected=True)
        message.text, message.entities = formatted.text, formatted.entities
        message.source, message.parse_mode = call.string("text"), call.string("parse_mode")
        message.reply_markup = markup
        message.edit_date = int(self.clock())
        return self.message_json(chat, message)

    def _edit_message_reply_markup(self, call: CheckedCall) -> JsonDict:
        chat, message = self._editable(call)
        markup = call.reply_markup.data if call.reply_markup else None
        if markup == message.reply_markup:
            raise ApiError(400, f"Bad Request: {NOT_MODIFIED}", expected=True)
        message.reply_markup = markup
        message.edit_date = int(self.clock())
        return self.message_json(chat, message)

    def _answer_callback_query(self, call: CheckedCall) -> bool:
        now = self.clock()
        query = self.callback_queries.get(call.string("callback_query_id") or "")
        if query is None or query.answer is not None:
            raise bad_request(QUERY_INVALID)
        if now - query.created_at > self._callback_query_ttl:
            raise bad_request(QUERY_INVALID)
        query.answer = CallbackAnswer(
            text=call.string("text"),
            show_alert=call.flag("show_alert"),
            url=call.string("url"),
            cache_time=call.integer("cache_time") or 0,
            answered_at=now,
        )
        return True

    def _delete_message(self, call: CheckedCall) -> bool:
        chat = self._chat(call.params.get("chat_id"))
        message_id = call.integer("message_id") or 0
        message = chat.history.get(message_id)
        if message is None:
            raise bad_request("message to delete not found")
        if self.clock() - message.date > DELETE_WINDOW_SECONDS:
            raise bad_request("message can't be deleted")
        del chat.history[message_id]
        return True

    def _send_chat_action(self, call: CheckedCall) -> bool:
        self._writable_chat(call).chat_action = call.string("action")
        return True

    def _get_file(self, call: CheckedCall) -> JsonDict:
        stored = self._files.get(call.string("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.to_api()

    # --- files -----------------------------------------------------------------------------

    def store_file(
        self, kind: str, content: bytes | None, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        """Keep a new file of ``kind`` (photo, document, sticker) and return its record."""
        number = len(self._files) + 1
        folder, default_suffix = _FILE_FOLDERS.get(kind, ("documents", ""))
        suffix = PurePosixPath(file_name).suffix if file_name else default_suffix
        stored = StoredFile(
            file_id=f"{kind}-{number}",
            file_unique_id=f"unique-{number}",
            file_path=f"{folder}/file_{number}{suffix or default_suffix}",
            file_name=file_name,
            mime_type=mime_type,
            content=content,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def file_content(self, file_path: str) -> bytes | None:
        """Return the bytes served at ``/file/bot<token>/<file_path>``, None if unknown."""
        stored = self._files_by_path.get(file_path)
        return stored.content if stored is not None else None

    # --- simulated users -------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        *,
        first_name: str = "Runner",
        last_name: str | None = None,
        language_code: str | None = "en",
        username: str | None = None,
    ) -> SimUser:
        """Register (or update) a user and their private chat with the bot."""
        chat = self._chats.get(user_id)
        if chat is None:
            user = SimUser(user_id, first_name, last_name, username, language_code)
            self._chats[user_id] = PrivateChat(user)
        else:
            user = chat.user
            user.first_name, user.last_name = first_name, last_name
            user.username, user.language_code = username, language_code
        self.notify_change()
        return user

    def _user_chat(self, user_id: int) -> PrivateChat:
        if user_id not in self._chats:
            self.user(user_id)
        chat = self._chats[user_id]
        if chat.user.blocked:
            raise SimulationError(f"user {user_id} blocked the bot; call unblock() first")
        return chat

    def _user_message(
        self, chat: PrivateChat, text: FormattedText, media: Media | None = None
    ) -> JsonDict:
        message = ChatMessage(
            message_id=chat.take_message_id(),
            chat_id=chat.id,
            from_bot=False,
            date=int(self.clock()),
            text=text.text,
            entities=text.entities,
            media=media,
        )
        chat.history[message.message_id] = message
        keyboard = chat.reply_keyboard
        if keyboard is not None and keyboard.get("one_time_keyboard") is True:
            chat.reply_keyboard = None
        return self._push("message", self.message_json(chat, message))

    def send_text(self, user_id: int, text: str) -> JsonDict:
        """Have the user send ``text``; commands like "/start x" get a bot_command entity."""
        if not text.strip():
            raise SimulationError("a user cannot send an empty message")
        entities = tuple(
            Entity("bot_command", utf16_len(text[: match.start()]), utf16_len(match.group()))
            for match in _BOT_COMMAND.finditer(text)
        )
        return self._user_message(self._user_chat(user_id), FormattedText(text, entities))

    def send_sticker(self, user_id: int, *, emoji: str = "👍") -> JsonDict:
        """Have the user send a sticker (a message without text)."""
        chat = self._user_chat(user_id)
        stored = self.store_file("sticker", _SAMPLE_STICKER, None, "image/webp")
        return self._user_message(chat, FormattedText(""), Media("sticker", stored, emoji))

    def send_photo(self, user_id: int, *, caption: str = "") -> JsonDict:
        """Have the user send a photo, without caption unless given."""
        chat = self._user_chat(user_id)
        stored = self.store_file("photo", _SAMPLE_PHOTO, None, "image/png")
        return self._user_message(chat, FormattedText(caption), Media("photo", stored))

    def press(
        self, user_id: int, message_id: int, callback_data: str, *, check_button: bool = True
    ) -> JsonDict:
        """Have the user press an inline button; ``check_button=False`` forges any data."""
        chat = self._user_chat(user_id)
        message = chat.history.get(message_id)
        if check_button:
            if message is None:
                raise SimulationError(f"chat {user_id} has no message {message_id}")
            buttons = callback_buttons(message.reply_markup)
            if callback_data not in (data for _, data in buttons):
                raise SimulationError(
                    f"message {message_id} has no button with callback_data {callback_data!r}; "
                    f"its buttons are {buttons}"
                )
        query_id = str(4_000_000_000_000_000 + self._next_query_id)
        self._next_query_id += 1
        now = self.clock()
        self.callback_queries[query_id] = CallbackQuery(
            query_id, user_id, chat.id, message_id, callback_data, now
        )
        shown: JsonDict = (
            self.message_json(chat, message)
            if message is not None
            else {"chat": chat.user.chat_api(), "message_id": message_id, "date": 0}
        )
        payload: JsonDict = {
            "id": query_id,
            "from": chat.user.to_api(),
            "message": shown,
            "chat_instance": f"{chat.id}{self.bot_user['id']}",
            "data": callback_data,
        }
        return self._push("callback_query", payload)

    def block(self, user_id: int) -> JsonDict:
        """Have the user block the bot: later sends fail with 403; returns my_chat_member."""
        chat = self._user_chat(user_id)
        chat.user.blocked = True
        return self._membership_update(chat, "member", "kicked")

    def unblock(self, user_id: int) -> JsonDict:
        """Have the user unblock the bot; returns the my_chat_member update."""
        if user_id not in self._chats or not self._chats[user_id].user.blocked:
            raise SimulationError(f"user {user_id} has not blocked the bot")
        chat = self._chats[user_id]
        chat.user.blocked = False
        return self._membership_update(chat, "kicked", "member")

    def _membership_update(self, chat: PrivateChat, old: str, new: str) -> JsonDict:
        def member(status: str) -> JsonDict:
            extra: JsonDict = {"until_date": 0} if status == "kicked" else {}
            return {"user": self.bot_user, "status": status, **extra}

        payload: JsonDict = {
            "chat": chat.user.chat_api(),
            "from": chat.user.to_api(),
            "date": int(self.clock()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        return self._push("my_chat_member", payload)

    def _push(self, kind: str, payload: JsonDict) -> JsonDict:
        update = self.updates.push(kind, payload)
        self.notify_change()
        return update

    # --- reading the world -----------------------------------------------------------------

    def message_json(self, chat: PrivateChat, message: ChatMessage) -> JsonDict:
        """Return a message as the Bot API Message object (with the message it replies to)."""
        sender = self.bot_user if message.from_bot else chat.user.to_api()
        data = message.to_api(sender, chat.user.chat_api())
        replied = chat.history.get(message.reply_to_message_id or 0)
        if replied is not None:
            replied_sender = self.bot_user if replied.from_bot else chat.user.to_api()
            data["reply_to_message"] = replied.to_api(replied_sender, chat.user.chat_api())
        return data

    @property
    def chats(self) -> list[PrivateChat]:
        """Return every private chat, in the order the users appeared."""
        return list(self._chats.values())

    def chat(self, chat_id: int) -> PrivateChat:
        """Return the private chat with user ``chat_id``."""
        chat = self._chats.get(chat_id)
        if chat is None:
            raise SimulationError(f"no chat {chat_id}; register it with user({chat_id})")
        return chat

    def messages(self, chat_id: int) -> list[ChatMessage]:
        """Return the chat as the user sees it now: edits applied, deletions gone."""
        return self.chat(chat_id).messages

    def bot_messages(self, chat_id: int) -> list[ChatMessage]:
        """Return the bot's messages still shown in the chat."""
        return [message for message in self.messages(chat_id) if message.from_bot]

    def last_bot_message(self, chat_id: int) -> ChatMessage:
        """Return the newest bot message in the chat; raise if the bot has not written."""
        sent = self.bot_messages(chat_id)
        if not sent:
            raise SimulationError(f"the bot has no message in chat {chat_id}")
        return sent[-1]

    @staticmethod
    def buttons(message: ChatMessage | Mapping[str, object]) -> list[tuple[str, str]]:
        """Return ``(text, callback_data)`` of a message's inline keyboard callback buttons."""
        if isinstance(message, ChatMessage):
            return callback_buttons(message.reply_markup)
        markup = message.get("reply_markup")
        return callback_buttons(markup if isinstance(markup, dict) else None)

    @property
    def answered_callback_queries(self) -> list[CallbackQuery]:
        """Return the button presses the bot answered, in press order."""
        return [query for query in self.callback_queries.values() if query.answer is not None]

    @property
    def unanswered_callback_queries(self) -> list[CallbackQuery]:
        """Return the button presses still waiting for answerCallbackQuery."""
        return [query for query in self.callback_queries.values() if query.answer is None]

    def commands(
        self, language_code: str | None = None, *, scope: Mapping[str, object] | None = None
    ) -> list[tuple[str, str]]:
        """Return the ``(command, description)`` pairs set for a scope and language."""
        key = (json.dumps(dict(scope or _DEFAULT_SCOPE), sort_keys=True), language_code or "")
        return [
            (str(item["command"]), str(item["description"]))
            for item in self._commands.get(key, [])
        ]

    def menu_button(self, chat_id: int | None = None) -> JsonDict:
        """Return the menu button of a chat (None: the default for all chats)."""
        button = self._menu_buttons.get(chat_id)
        if button is None and chat_id is not None:
            button = self._menu_buttons.get(None)
        return button or {"type": "default"}

    def calls_to(self, method: str) -> list[RecordedCall]:
        """Return the recorded calls of one method, oldest first."""
        return [call for call in self.calls if call.method == method]

    def problems(self) -> list[str]:
        """Return every problem found in the bot's calls so far ("method: problem")."""
        return list(self._problems)
