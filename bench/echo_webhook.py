"""The scale benchmark's baseline: a minimal PTB echo bot fed by an aiohttp webhook server.

    python -m bench.echo_webhook --base-url URL --port PORT --secret SECRET [--concurrency 16]

A PTB Application with one MessageHandler that replies with the text it got, no database;
its webhook takes POSTs carrying the secret header and hands each update to the Application's
queue, as `bot.web` does, on PTB's default transport. `GET /healthz` answers once it serves.
It runs until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.loadgen import TOKEN

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram"

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


async def _echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    assert message is not None
    assert message.text is not None
    await message.reply_text(message.text)


def echo_app(base_url: str, concurrency: int) -> AnyApplication:
    """Return the echo Application: PTB's defaults but for the Bot API's address."""
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(base_url)
        .concurrent_updates(concurrency)
        .updater(None)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    return app


def webhook_server(app: AnyApplication, secret: str) -> web.Application:
    """Return the aiohttp app taking Telegram's POSTs for `app`, plus `/healthz`."""

    async def take_update(request: web.Request) -> web.Response:
        if request.headers.get(SECRET_HEADER) != secret:
            return web.Response(status=403)
        await app.update_queue.put(Update.de_json(await request.json(), app.bot))
        return web.Response()

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    server = web.Application()
    server.router.add_post(WEBHOOK_PATH, take_update)
    server.router.add_get("/healthz", healthz)
    return server


async def serve(base_url: str, port: int, secret: str, concurrency: int) -> None:
    """Serve the echo bot on 127.0.0.1:`port` until a stop signal."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stop.set)
    app = echo_app(base_url, concurrency)
    runner = web.AppRunner(webhook_server(app, secret), access_log=None)
    async with app:
        await app.start()
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await stop.wait()
        await runner.cleanup()
        await app.stop()


def cli() -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(prog="python -m bench.echo_webhook", description=__doc__)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(serve(args.base_url, args.port, args.secret, args.concurrency))


if __name__ == "__main__":
    cli()
