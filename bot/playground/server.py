"""The playground's HTTP app: the local Bot API, the chat page and the page's JSON API.

Owns :func:`create_playground_app`. The Bot API stays where ``bot.localapi.server`` puts it
(``/bot<token>/<method>``, ``/file/bot<token>/<path>``); this adds ``GET /`` (the page), its
static files under ``/playground/static/`` and a small JSON API under ``/playground/api/``:
runners, their chats, what a runner does (text, button presses, stickers), the command menu, the
clock (moving it runs the bot's reminder dispatcher at once; "next run" jumps to a runner's next
reminder), and ``changes`` to long-poll the world's version counter. Requests must name a loopback
host and write with JSON, so other web sites open in the same browser cannot drive it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from aiohttp import web

from bot.localapi import API_KEY, LocalBotApi, SimulationError, create_app
from bot.localapi.errors import JsonDict

from .clock import AdjustableClock
from .views import bot_view, chat_view, clock_view, commands_view, runner_view

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
API_PREFIX: Final = "/playground/api"
CLOCK_KEY: Final = web.AppKey("playground_clock", AdjustableClock)
NEXT_RUN: Final = "next_run"


@dataclass
class BotHooks:
    """What the clock control asks of the bot; `run.py` fills them in once the bot is built."""

    clock_moved: Callable[[], None] = lambda: None
    """Called after every move of the clock (the bot sends whatever became due)."""
    next_due: Callable[[int], Awaitable[datetime | None]] | None = None
    """When a runner's next reminder is due, if any."""


HOOKS_KEY: Final = web.AppKey("playground_hooks", BotHooks)
FIRST_RUNNER_ID: Final = 100_000_001
"""Runners created from the page get ids from here on, like real Telegram user ids."""
LONG_POLL_SECONDS: Final = 20.0
MAX_TEXT: Final = 4096
MAX_NAME: Final = 64
CLOCK_STEPS: Final = {"15m": timedelta(minutes=15), "1h": timedelta(hours=1)}
_LANGUAGE: Final = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_playground_app(
    api: LocalBotApi, clock: AdjustableClock, hooks: BotHooks | None = None
) -> web.Application:
    """Return the local Bot API app for ``api`` with the playground page and JSON API added."""
    routes = [
        web.get("/", _index),
        web.static("/playground/static", STATIC_DIR),
        web.get(f"{API_PREFIX}/bot", _bot),
        web.get(f"{API_PREFIX}/changes", _changes),
        web.get(f"{API_PREFIX}/runners", _runners),
        web.post(f"{API_PREFIX}/runners", _save_runner),
        web.get(f"{API_PREFIX}/runners/{{runner_id}}/chat", _chat),
        web.get(f"{API_PREFIX}/runners/{{runner_id}}/commands", _commands),
        web.post(f"{API_PREFIX}/runners/{{runner_id}}/messages", _send_text),
        web.post(f"{API_PREFIX}/runners/{{runner_id}}/presses", _press),
        web.post(f"{API_PREFIX}/runners/{{runner_id}}/stickers", _send_sticker),
        web.get(f"{API_PREFIX}/clock", _clock),
        web.post(f"{API_PREFIX}/clock", _move_clock),
    ]
    app = create_app(api, routes=routes)
    app[CLOCK_KEY] = clock
    app[HOOKS_KEY] = hooks or BotHooks()
    app.middlewares.append(_guard)
    app.on_shutdown.append(_release_long_polls)
    return app


class _RefusedError(Exception):
    """A page request the playground turns down, with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Serve only loopback hosts and pages, take only JSON writes, answer refusals as JSON.

    The Bot API's token routes are guarded like the page's: the playground's token is no
    secret, so another site open in the browser must not reach them (a form posted across
    origins carries its `Origin`); the bot itself sends none.
    """
    origin = request.headers.get("Origin")
    if not _is_loopback(request.host) or (origin is not None and not _is_loopback_origin(origin)):
        return web.json_response({"error": "the playground answers on loopback only"}, status=403)
    if request.path.startswith("/bot") or request.path.startswith("/file/bot"):
        return await handler(request)
    if request.method == "POST" and request.content_type != "application/json":
        return web.json_response({"error": "send JSON"}, status=415)
    try:
        return await handler(request)
    except _RefusedError as refusal:
        return web.json_response({"error": str(refusal)}, status=refusal.status)


def _is_loopback_origin(origin: str) -> bool:
    """Return whether an `Origin` header is a page served from this machine."""
    host = urlsplit(origin).netloc
    return bool(host) and _is_loopback(host)


def _is_loopback(host: str) -> bool:
    """Return whether a Host header names this machine (so a rebinding DNS name is refused)."""
    if host.startswith("["):
        name = host[1:].split("]", 1)[0]
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


async def _release_long_polls(app: web.Application) -> None:
    """Wake the page's pending long polls so the server can stop at once."""
    app[API_KEY].notify_change()


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})


async def _bot(request: web.Request) -> web.Response:
    return web.json_response(bot_view(request.app[API_KEY]))


async def _changes(request: web.Request) -> web.Response:
    """Answer when the world's version differs from ``since``, or after a quiet while."""
    api = request.app[API_KEY]
    try:
        since = int(request.query.get("since", "-1"))
    except ValueError:
        raise _RefusedError(400, "since must be a number") from None
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(LONG_POLL_SECONDS):
            await api.wait_for_change(since)
    return web.json_response({"version": api.version})


async def _runners(request: web.Request) -> web.Response:
    api = request.app[API_KEY]
    return web.json_response({"runners": [runner_view(chat.user) for chat in api.chats]})


async def _save_runner(request: web.Request) -> web.Response:
    """Create a runner (or rename one, given its id) with a first name and a language code."""
    api = request.app[API_KEY]
    body = await _json_body(request)
    first_name = str(body.get("first_name", "")).strip()
    if not 1 <= len(first_name) <= MAX_NAME:
        raise _RefusedError(400, f"first_name must be 1 to {MAX_NAME} characters")
    language = str(body.get("language_code") or "").strip()
    if language and _LANGUAGE.fullmatch(language) is None:
        raise _RefusedError(400, "language_code must look like en, de or pt-BR")
    known = {chat.id for chat in api.chats}
    runner_id = body.get("id")
    if runner_id is None:
        runner_id = max([FIRST_RUNNER_ID - 1, *known]) + 1
    elif not isinstance(runner_id, int) or runner_id not in known:
        raise _RefusedError(404, "no such runner")
    user = api.user(runner_id, first_name=first_name, language_code=language or None)
    return web.json_response(runner_view(user), status=201 if runner_id not in known else 200)


async def _chat(request: web.Request) -> web.Response:
    api = request.app[API_KEY]
    return web.json_response(chat_view(api, _runner_id(request)))


async def _commands(request: web.Request) -> web.Response:
    api = request.app[API_KEY]
    user = api.chat(_runner_id(request)).user
    return web.json_response({"commands": commands_view(api, user.language_code)})


async def _send_text(request: web.Request) -> web.Response:
    api = request.app[API_KEY]
    runner_id = _runner_id(request)
    text = (await _json_body(request)).get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise _RefusedError(400, f"text must be 1 to {MAX_TEXT} characters")
    return _accepted(lambda: api.send_text(runner_id, text))


async def _press(request: web.Request) -> web.Response:
    api = request.app[API_KEY]
    runner_id = _runner_id(request)
    body = await _json_body(request)
    message_id, data = body.get("message_id"), body.get("callback_data")
    if not isinstance(message_id, int) or not isinstance(data, str):
        raise _RefusedError(400, "message_id (a number) and callback_data (a string) are required")
    return _accepted(lambda: api.press(runner_id, message_id, data))


async def _send_sticker(request: web.Request) -> web.Response:
    api = request.app[API_KEY]
    runner_id = _runner_id(request)
    emoji = (await _json_body(request)).get("emoji", "👍")
    if not isinstance(emoji, str) or not 1 <= len(emoji) <= 8:
        raise _RefusedError(400, "emoji must be a short string")
    return _accepted(lambda: api.send_sticker(runner_id, emoji=emoji))


async def _clock(request: web.Request) -> web.Response:
    """The clock; with ``?runner_id=`` also that runner's next reminder."""
    runner_id = _optional_runner(request, request.query.get("runner_id"))
    clock = request.app[CLOCK_KEY]
    return web.json_response(clock_view(clock, await _next_due(request, runner_id)))


async def _move_clock(request: web.Request) -> web.Response:
    """Move the bot's clock forward: ``{"advance": "15m" | "1h" | "next_day" | "next_run"}``.

    ``next_run`` (with ``runner_id``) jumps to that runner's next reminder. Every move runs
    the bot's reminder dispatcher at once, so what became due shows up in the chat.
    """
    clock = request.app[CLOCK_KEY]
    body = await _json_body(request)
    step = body.get("advance")
    runner_id = _optional_runner(request, body.get("runner_id"))
    if step == "next_day":
        clock.next_day()
    elif isinstance(step, str) and step in CLOCK_STEPS:
        clock.advance(CLOCK_STEPS[step])
    elif step == NEXT_RUN:
        due = await _next_due(request, runner_id)
        if due is None:
            raise _RefusedError(409, "this runner has no reminder planned")
        clock.advance(max(due - clock.now(), timedelta(0)))
    else:
        steps = ", ".join([*CLOCK_STEPS, "next_day", NEXT_RUN])
        raise _RefusedError(400, f"advance must be one of {steps}")
    request.app[HOOKS_KEY].clock_moved()
    request.app[API_KEY].notify_change()
    return web.json_response(clock_view(clock, await _next_due(request, runner_id)))


async def _next_due(request: web.Request, runner_id: int | None) -> datetime | None:
    next_due = request.app[HOOKS_KEY].next_due
    if runner_id is None or next_due is None:
        return None
    return await next_due(runner_id)


def _optional_runner(request: web.Request, value: object) -> int | None:
    """Return a known runner's id from a query or body value; None when absent or unknown."""
    try:
        runner_id = int(str(value))
    except ValueError:
        return None
    known = {chat.id for chat in request.app[API_KEY].chats}
    return runner_id if runner_id in known else None


def _runner_id(request: web.Request) -> int:
    """Return the runner named in the path; refuse ids that are not a known runner."""
    api = request.app[API_KEY]
    try:
        runner_id = int(request.match_info["runner_id"])
    except ValueError:
        raise _RefusedError(404, "no such runner") from None
    if runner_id not in {chat.id for chat in api.chats}:
        raise _RefusedError(404, "no such runner")
    return runner_id


async def _json_body(request: web.Request) -> JsonDict:
    try:
        body = await request.json()
    except ValueError:
        raise _RefusedError(400, "the body is not JSON") from None
    if not isinstance(body, dict):
        raise _RefusedError(400, "the body must be a JSON object")
    return body


def _accepted(act: Callable[[], JsonDict]) -> web.Response:
    """Play a runner's action; answer 202 with the update id (the bot reacts asynchronously)."""
    try:
        update = act()
    except SimulationError as exc:
        raise _RefusedError(400, str(exc)) from None
    return web.json_response({"update_id": update["update_id"]}, status=202)
