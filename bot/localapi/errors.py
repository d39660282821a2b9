"""Bot API answers on the wire: the error the fake raises, Telegram's JSON bodies, their bytes.

Descriptions follow the real Bot API server (``Bad Request: ...``, ``Forbidden: ...``), so the
bot under test sees exactly the strings it would see in production.
"""

from __future__ import annotations

import json
from typing import Final

JsonDict = dict[str, object]

_PREFIXES: Final[dict[int, str]] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def default_description(status: int, retry_after: int | None = None) -> str:
    """Return Telegram's usual description for an error status."""
    if status == 429:
        return f"Too Many Requests: retry after {retry_after or 1}"
    return _PREFIXES.get(status, f"Error {status}")


class ApiError(Exception):
    """A Bot API call refused with an HTTP error status and a Telegram description.

    ``expected`` marks refusals that are normal runtime conditions a correct bot must handle
    (the user blocked the bot, an edit that changes nothing); all others count as problems,
    because a correct bot never provokes them.
    """

    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        expected: bool = False,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.expected = expected

    def body(self) -> JsonDict:
        """Return the JSON body Telegram sends for this error."""
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class NotConnectedError(Exception):
    """A scripted fault: the call never reached the Bot API, so nothing happened."""


class AnswerLostError(Exception):
    """A scripted fault: the Bot API did what the call asked, but its answer never came back."""


class SimulationError(RuntimeError):
    """A test asked a simulated user for something impossible, like pressing a missing button."""


def bad_request(reason: str) -> ApiError:
    """Return a 400 error whose description is ``Bad Request: <reason>``."""
    return ApiError(400, f"Bad Request: {reason}")


NOT_FOUND_BODY: Final[JsonDict] = {"ok": False, "error_code": 404, "description": "Not Found"}
UNAUTHORIZED_BODY: Final[JsonDict] = {
    "ok": False,
    "error_code": 401,
    "description": "Unauthorized",
}


def encode_json(body: object) -> bytes:
    """Encode a JSON body compactly as UTF-8, the way Telegram sends it."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
