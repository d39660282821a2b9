"""A local, in-memory imitation of the Telegram Bot API for tests, benchmarks and a playground.

The bot under test only gets a different transport: :class:`LocalRequest` in-process, or the
HTTP app from :func:`create_app` as PTB's ``base_url``. :class:`LocalBotApi` holds the state,
plays the users and records every call with the problems found by :func:`validate_call`.
"""

from .errors import ApiError, SimulationError
from .models import (
    CallbackAnswer,
    CallbackQuery,
    ChatMessage,
    PrivateChat,
    RecordedCall,
    SimUser,
    Upload,
)
from .request import LocalRequest
from .server import API_KEY, create_app, serve
from .spec import METHODS, inspect_call, validate_call
from .world import LocalBotApi

__all__ = [
    "API_KEY",
    "METHODS",
    "ApiError",
    "CallbackAnswer",
    "CallbackQuery",
    "ChatMessage",
    "LocalBotApi",
    "LocalRequest",
    "PrivateChat",
    "RecordedCall",
    "SimUser",
    "SimulationError",
    "Upload",
    "create_app",
    "inspect_call",
    "serve",
    "validate_call",
]
