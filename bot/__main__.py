"""`python -m bot`: check settings and content, migrate the database, run the bot.

It runs in BOT_MODE (`bot.modes`: polling by default, webhook, or dispatcher). Without
TELEGRAM_BOT_TOKEN and without BOT_MODE it runs the playground instead: the same bot against
the project's own local Bot API, with a chat page in the browser (`bot/playground`).
"""

from __future__ import annotations

import asyncio
import sys

from sqlalchemy.exc import SQLAlchemyError
from telegram.error import InvalidToken, NetworkError

from bot import runtime
from bot.app import build_app
from bot.config import Settings, SettingsError, load_settings
from bot.content.loader import Knowledge, KnowledgeError, load_knowledge
from bot.db.migrate import migrate_database
from bot.log_setup import setup_logging
from bot.modes import serve_until_signalled
from bot.playground import run_playground
from bot.transport import AiohttpRequest

NO_TOKEN_HELP = """\
TELEGRAM_BOT_TOKEN is not set, so the bot has no Telegram account to run as.
The playground starts now instead: the same bot in a local sandbox you can chat with in a browser.

To run it on Telegram:
  1. In Telegram, open @BotFather and send /newbot; choose a name and a username.
  2. BotFather replies with a token such as 123456789:AAF...; keep it secret.
  3. Put it in a file named .env next to the Makefile:  TELEGRAM_BOT_TOKEN=123456789:AAF...
     (or export it in your shell), then run `make run` again.

Every setting is listed in .env.example and in the README."""


def main() -> int:
    """Run the bot until interrupted; return the process exit status."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings)
    playground = settings.playground
    if playground:
        print(NO_TOKEN_HELP, file=sys.stderr)
        database_setting, database_url = (
            "PLAYGROUND_DATABASE_URL",
            settings.playground_database_url,
        )
    else:
        database_setting, database_url = "DATABASE_URL", settings.database_url
    same_cpu = settings.sqlite_same_cpu and database_url.startswith("sqlite")
    with runtime.tuned(switch_interval_ms=settings.gil_switch_interval_ms, same_cpu=same_cpu):
        return prepare_and_run(settings, playground, database_setting, database_url)


def prepare_and_run(
    settings: Settings, playground: bool, database_setting: str, database_url: str
) -> int:
    """Load the content, migrate the database, then run the bot or the playground."""
    loop = runtime.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        knowledge = load_knowledge(settings.knowledge_dir)
        database = settings.model_copy(update={"database_url": database_url})
        loop.run_until_complete(migrate_database(database))
    except KnowledgeError as exc:
        loop.close()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, SQLAlchemyError) as exc:
        loop.close()
        # The driver's own message, first line: SQLAlchemy's wrapper adds a statement and a
        # "Background on this error" link the operator doesn't need here.
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(
            f"error: cannot prepare the database at {database_setting}: {reason}", file=sys.stderr
        )
        return 2
    if playground:
        return run_playground(settings, knowledge, loop)
    return run_bot(settings, knowledge, loop)


def run_bot(settings: Settings, knowledge: Knowledge, loop: asyncio.AbstractEventLoop) -> int:
    """Run the bot in BOT_MODE until SIGINT or SIGTERM; return the exit status."""
    # This function owns the transports: PTB closes them on a normal stop but not when the
    # start fails, so they are closed here in every case, before the loop is.
    transports = (AiohttpRequest(), AiohttpRequest(connection_pool_size=1))
    app = build_app(
        settings, knowledge=knowledge, request=transports[0], get_updates_request=transports[1]
    )
    try:
        loop.run_until_complete(serve_until_signalled(app, settings))
    except InvalidToken:
        print(
            "error: Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather.",
            file=sys.stderr,
        )
        return 2
    except NetworkError as exc:
        print(
            f"error: cannot reach the Bot API at {settings.telegram_api_base_url}: {exc}",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        where = "WEBHOOK_LISTEN:WEBHOOK_PORT" if settings.mode == "webhook" else "METRICS_PORT"
        print(f"error: cannot serve HTTP on {where}: {exc}", file=sys.stderr)
        return 1
    finally:
        loop.run_until_complete(asyncio.gather(*(t.shutdown() for t in transports)))
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
