"""Command line: ``python -m bot.localapi`` runs the fake Telegram Bot API over HTTP.

Listens on loopback by default and prints the ``base_url``/``base_file_url`` lines a bot (or the
benchmark) passes to python-telegram-bot; ``--port 0`` picks a free port.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from .server import base_urls, serve
from .world import LocalBotApi


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.localapi", description="Run a local fake Telegram Bot API."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback default)")
    parser.add_argument("--port", type=int, default=8081, help="port to bind; 0 picks a free one")
    parser.add_argument("--token", default="123456:TEST-token", help="the only accepted token")
    parser.add_argument("--bot-username", default="numb_feet_test_bot")
    parser.add_argument("--history-limit", type=int, default=10_000, help="recorded calls kept")
    parser.add_argument("--access-log", action="store_true", help="log every HTTP request")
    return parser.parse_args(argv)


def _announce(host: str, port: int) -> None:
    base_url, base_file_url = base_urls(host, port)
    print(f"base_url={base_url}", flush=True)
    print(f"base_file_url={base_file_url}", flush=True)


async def _run(args: argparse.Namespace) -> None:
    api = LocalBotApi(
        token=args.token, bot_username=args.bot_username, history_limit=args.history_limit
    )
    task = asyncio.create_task(
        serve(api, host=args.host, port=args.port, on_ready=_announce, access_log=args.access_log)
    )
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await task


def main(argv: list[str] | None = None) -> None:
    """Run the server until SIGINT or SIGTERM."""
    asyncio.run(_run(parse_args(argv)))


if __name__ == "__main__":
    main()
