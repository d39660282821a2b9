"""HTTP face of the fake: an aiohttp app serving the Bot API like api.telegram.org does.

Owns the routes ``/bot<token>/<method>`` (GET or POST; JSON, url-encoded or multipart bodies,
query strings) and ``/file/bot<token>/<path>``, plus :func:`serve` to run them on a loopback
port. The :class:`LocalBotApi` lives in ``app[API_KEY]``; more routes (a playground page) can be
passed to :func:`create_app` or added to ``app.router`` before the app starts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Final

from aiohttp import web
from aiohttp.log import access_logger

from .errors import (
    NOT_FOUND_BODY,
    UNAUTHORIZED_BODY,
    AnswerLostError,
    JsonDict,
    NotConnectedError,
    encode_json,
)
from .models import Upload
from .world import LocalBotApi

API_KEY: Final = web.AppKey("local_bot_api", LocalBotApi)
MAX_UPLOAD_BYTES: Final = 50 * 1024 * 1024
_FORM_TYPES: Final = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def create_app(
    api: LocalBotApi, *, routes: Iterable[web.AbstractRouteDef] = ()
) -> web.Application:
    """Return an aiohttp app serving ``api`` over HTTP, plus any extra ``routes``."""
    app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
    app[API_KEY] = api
    app.router.add_route("*", "/bot{token}/{method}", _call_method)
    app.router.add_get("/file/bot{token}/{path:.+}", _download_file)
    app.router.add_routes(routes)
    app.on_cleanup.append(_stop_pushing)
    return app


async def _stop_pushing(app: web.Application) -> None:
    """Stop delivering to a webhook when the server stops."""
    await app[API_KEY].webhook.close()


def _json(status: int, body: JsonDict) -> web.Response:
    return web.Response(status=status, body=encode_json(body), content_type="application/json")


async def read_params(request: web.Request) -> dict[str, object]:
    """Return a Bot API request's parameters from its query string and body."""
    params: dict[str, object] = dict(request.query)
    if request.content_type == "application/json" and request.body_exists:
        try:
            data = await request.json()
        except ValueError:
            return params
        if isinstance(data, dict):
            params.update(data)
    elif request.content_type in _FORM_TYPES:
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                params[name] = Upload(value.filename, value.file.read(), value.content_type)
            else:
                params[name] = value
    return params


async def _call_method(request: web.Request) -> web.Response:
    api = request.app[API_KEY]
    if request.match_info["token"] != api.token:
        return _json(401, UNAUTHORIZED_BODY)
    try:
        status, body = await api.handle(request.match_info["method"], await read_params(request))
    except (NotConnectedError, AnswerLostError):
        # Over HTTP both look alike to the client: the connection drops without an answer.
        if request.transport is not None:
            request.transport.close()
        raise web.HTTPServiceUnavailable from None
    return _json(status, body)


async def _download_file(request: web.Request) -> web.Response:
    api = request.app[API_KEY]
    if request.match_info["token"] != api.token:
        return _json(401, UNAUTHORIZED_BODY)
    content = api.file_content(request.match_info["path"])
    if content is None:
        return _json(404, NOT_FOUND_BODY)
    return web.Response(body=content, content_type="application/octet-stream")


def base_urls(host: str, port: int) -> tuple[str, str]:
    """Return PTB's ``base_url`` and ``base_file_url`` for a server at ``host:port``."""
    netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return f"http://{netloc}/bot", f"http://{netloc}/file/bot"


async def serve(
    api: LocalBotApi,
    *,
    host: str = "127.0.0.1",
    port: int = 8081,
    on_ready: Callable[[str, int], None] | None = None,
    access_log: bool = False,
) -> None:
    """Serve ``api`` on ``host:port`` until cancelled; ``on_ready`` gets the bound address."""
    runner = web.AppRunner(create_app(api), access_log=access_logger if access_log else None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound_host, bound_port = runner.addresses[0][:2]
        if on_ready is not None:
            on_ready(str(bound_host), int(bound_port))
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
