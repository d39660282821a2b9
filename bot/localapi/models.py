"""Plain records of the fake Telegram's world: users, messages, files, callback queries, calls.

Owns the data shapes shared by the state (``world``), the transports (``request``, ``server``)
and a future playground page, plus their conversion to Bot API JSON objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.telegram_format import Entity

from .errors import JsonDict


@dataclass(frozen=True, slots=True)
class Upload:
    """A file uploaded with a multipart request: its name, bytes and MIME type."""

    filename: str
    content: bytes = field(repr=False)
    mime_type: str = "application/octet-stream"

    @property
    def size(self) -> int:
        """Return the file size in bytes."""
        return len(self.content)


@dataclass(slots=True)
class StoredFile:
    """A file Telegram keeps: ids, download path, name, type and content (None if unknown)."""

    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str | None
    mime_type: str | None
    content: bytes | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        """Return the file size in bytes (0 when only a URL is known)."""
        return len(self.content) if self.content is not None else 0

    def to_api(self) -> JsonDict:
        """Return the Bot API File object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


@dataclass(frozen=True, slots=True)
class Media:
    """The attachment of a message: a photo, a document or a sticker."""

    kind: str
    file: StoredFile
    emoji: str | None = None

    def to_api(self) -> JsonDict:
        """Return the message fields that describe this attachment."""
        ids: JsonDict = {"file_id": self.file.file_id, "file_unique_id": self.file.file_unique_id}
        if self.kind == "photo":
            return {"photo": [{**ids, "width": 512, "height": 512, "file_size": self.file.size}]}
        if self.kind == "sticker":
            sticker: JsonDict = {
                **ids,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
            if self.emoji:
                sticker["emoji"] = self.emoji
            return {"sticker": sticker}
        document: JsonDict = {**ids, "file_size": self.file.size}
        if self.file.file_name:
            document["file_name"] = self.file.file_name
        if self.file.mime_type:
            document["mime_type"] = self.file.mime_type
        return {"document": document}


@dataclass(slots=True)
class SimUser:
    """A simulated Telegram user who talks to the bot in a private chat."""

    id: int
    first_name: str = "Runner"
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"
    blocked: bool = False

    def to_api(self) -> JsonDict:
        """Return the Bot API User object."""
        user: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def chat_api(self) -> JsonDict:
        """Return the Bot API Chat object of the private chat with this user."""
        chat: JsonDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass(slots=True)
class ChatMessage:
    """A message as the chat shows it now: edits applied, from the bot or from the user.

    ``text`` is the visible text (or caption) after entity parsing; ``source`` and
    ``parse_mode`` keep what the bot actually sent.
    """

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    text: str = ""
    entities: tuple[Entity, ...] = ()
    source: str | None = None
    parse_mode: str | None = None
    reply_markup: JsonDict | None = None
    edit_date: int | None = None
    media: Media | None = None
    reply_to_message_id: int | None = None

    def to_api(self, sender: JsonDict, chat: JsonDict) -> JsonDict:
        """Return the Bot API Message object, given the sender User and the Chat."""
        message: JsonDict = {
            "message_id": self.message_id,
            "from": sender,
            "chat": chat,
            "date": self.date,
        }
        entities = [entity.to_api() for entity in self.entities]
        if self.media is not None:
            message.update(self.media.to_api())
            if self.text:
                message["caption"] = self.text
                if entities:
                    message["caption_entities"] = entities
        else:
            message["text"] = self.text
            if entities:
                message["entities"] = entities
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.reply_markup is not None:
            message["reply_markup"] = self.reply_markup
        return message


@dataclass(slots=True)
class PrivateChat:
    """The private chat between the bot and one user, as both sides see it."""

    user: SimUser
    history: dict[int, ChatMessage] = field(default_factory=dict)
    next_message_id: int = 1
    reply_keyboard: JsonDict | None = None
    chat_action: str | None = None

    @property
    def id(self) -> int:
        """Return the chat id (equal to the user id, as in Telegram)."""
        return self.user.id

    @property
    def messages(self) -> list[ChatMessage]:
        """Return the messages shown in the chat, oldest first."""
        return list(self.history.values())

    def take_message_id(self) -> int:
        """Return the id for the next message in this chat."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """The bot's answerCallbackQuery for one button press."""

    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int
    answered_at: float


@dataclass(slots=True)
class CallbackQuery:
    """A button press sent to the bot, and the bot's answer once it comes."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created_at: float
    answer: CallbackAnswer | None = None


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """One Bot API call as the fake saw it: decoded parameters, answer and problems found."""

    method: str
    params: JsonDict
    status: int
    response: JsonDict
    problems: tuple[str, ...] = ()
    injected: bool = False
    at: float = 0.0

    @property
    def ok(self) -> bool:
        """Return whether the call succeeded."""
        return self.status == 200

    @property
    def result(self) -> object:
        """Return the ``result`` of a successful call (None for errors)."""
        return self.response.get("result")
