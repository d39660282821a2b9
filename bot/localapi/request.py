"""In-process transport: hands python-telegram-bot's requests to a :class:`LocalBotApi`.

Owns :class:`LocalRequest`, a ``telegram.request.BaseRequest`` that needs no sockets. It reads
the method from the URL, decodes the parameters exactly as they would travel over HTTP (the
form-encoded strings of ``RequestData.json_parameters`` plus uploaded files), checks the token,
and answers file downloads from ``/file/bot<token>/<path>``. Usable as both ``request`` and
``get_updates_request`` of an ``ApplicationBuilder``.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl, unquote, urlsplit

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.retries import NothingSentError

from .errors import (
    NOT_FOUND_BODY,
    UNAUTHORIZED_BODY,
    AnswerLostError,
    NotConnectedError,
    encode_json,
)
from .models import Upload
from .world import LocalBotApi

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput

_METHOD_PATH: Final = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z0-9_]+)$")
_FILE_PATH: Final = re.compile(r"/file/bot(?P<token>[^/]+)/(?P<path>.+)$")


def decode_request_data(request_data: RequestData | None) -> dict[str, object]:
    """Return a request's parameters as sent over HTTP: strings, plus uploads by part name."""
    if request_data is None:
        return {}
    params: dict[str, object] = dict(request_data.json_parameters)
    if request_data.contains_files:
        for name, (filename, content, mime_type) in request_data.multipart_data.items():
            data = content if isinstance(content, bytes) else content.read()
            params[name] = Upload(filename, data, mime_type)
    return params


class LocalRequest(BaseRequest):
    """A python-telegram-bot transport that calls a :class:`LocalBotApi` directly."""

    __slots__ = ("_api", "_read_timeout")

    def __init__(self, api: LocalBotApi, *, read_timeout: float | None = 5.0) -> None:
        self._api = api
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        """Return the default read timeout in seconds (None waits forever)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Do nothing: there is no connection pool to open."""

    async def shutdown(self) -> None:
        """Do nothing: there is no connection pool to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Answer one request; raise ``TimedOut`` when the answer takes over the read timeout."""
        parts = urlsplit(url)
        path = unquote(parts.path)
        download = _FILE_PATH.search(path)
        if download is not None:
            return self._download(download["token"], download["path"])
        call = _METHOD_PATH.search(path)
        if call is None:
            return 404, encode_json(NOT_FOUND_BODY)
        if call["token"] != self._api.token:
            return 401, encode_json(UNAUTHORIZED_BODY)
        params: dict[str, object] = dict(parse_qsl(parts.query))
        params.update(decode_request_data(request_data))
        timeout = self._read_timeout if read_timeout is BaseRequest.DEFAULT_NONE else read_timeout
        try:
            async with asyncio.timeout(timeout if isinstance(timeout, int | float) else None):
                status, body = await self._api.handle(call["method"], params)
        except TimeoutError:
            raise TimedOut(
                f"the local Bot API did not answer {call['method']} within {timeout} s"
            ) from None
        except NotConnectedError:
            raise NothingSentError(f"could not connect to send {call['method']}") from None
        except AnswerLostError:
            raise TimedOut(f"the answer to {call['method']} was lost on the way") from None
        return status, encode_json(body)

    def _download(self, token: str, path: str) -> tuple[int, bytes]:
        if token != self._api.token:
            return 401, encode_json(UNAUTHORIZED_BODY)
        content = self._api.file_content(path)
        if content is None:
            return 404, encode_json(NOT_FOUND_BODY)
        return 200, content
