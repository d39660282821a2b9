"""The error handler: log what went wrong at the right level, and tell the runner.

Expected failures (a runner who blocked the bot, Telegram being slow or flooding) are
logged without a traceback; anything else is a bug and is logged at ERROR with one. A database
error is logged with its statement and the code's frames but without the driver's message,
which may quote a row (PostgreSQL's "Failing row contains (...)"), so nothing a runner typed
reaches the log.
The runner never sees a traceback, only a short apology in their language (the one chosen in
/settings, or Telegram's when the database is what failed), sent once (never retried,
`bot.retries.SEND_ONCE`). A reply that timed out may have arrived, and an update
that ran out of time waiting out flood control sends nothing more: neither gets an apology.
"""

from __future__ import annotations

import logging
import traceback

from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut

from bot import metrics
from bot.content.catalog import Texts
from bot.context import Context
from bot.db.uow import unit_of_work
from bot.handlers.replies import telegram_texts, texts_for
from bot.log_setup import UPDATE_LOG
from bot.retries import SEND_ONCE, WaitTooLongError
from bot.services import users

log = logging.getLogger(__name__)


async def _runner_texts(update: Update, context: Context) -> Texts:
    """Return the texts in the runner's chosen language; Telegram's if the database fails."""
    try:
        async with unit_of_work(context.bot_data.sessionmaker) as repos:
            return await texts_for(repos, context, update)
    except SQLAlchemyError as exc:
        log.warning("could not read the runner's language for an apology: %r", exc)
        return telegram_texts(context, update)


async def on_error(update: object, context: Context) -> None:
    """Handle any exception raised while processing an update."""
    error = context.error
    metrics.reply_failed(error)
    UPDATE_LOG.mark_failed()
    user = update.effective_user if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        runner = UPDATE_LOG.runner_id(user.id) if user else "?"
        log.info("runner %s blocked the bot: %s", runner, error)
        if user is not None:
            async with unit_of_work(context.bot_data.sessionmaker) as repos:
                await users.blocked_by(repos, user.id, context.bot_data.clock.now())
        return
    if isinstance(error, WaitTooLongError):
        log.warning("gave up on an update's replies: %s", error)
        return
    if isinstance(error, TimedOut):
        log.warning("a reply timed out; it may have arrived, so it is not sent again: %s", error)
        return
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        log.warning("Telegram did not take a reply: %r", error)
        await _tell(update, context, "error.telegram_busy", ask_database=True)
        return
    if isinstance(error, BadRequest):
        # Telegram refused what the bot sent: a bug in the bot or in its content.
        log.error("Telegram refused a request from the bot: %s", error, exc_info=error)
    elif isinstance(error, DBAPIError):
        log.error(
            "database error while processing an update: %s (SQLSTATE %s) in %s\n%s",
            type(error.orig).__name__,
            getattr(error.orig, "sqlstate", None) or "unknown",
            error.statement,
            "".join(traceback.format_tb(error.__traceback__)).rstrip(),
        )
    else:
        log.error("unhandled error while processing an update", exc_info=error)
    await _tell(update, context, "error.generic", ask_database=not isinstance(error, DBAPIError))


async def _tell(update: object, context: Context, key: str, *, ask_database: bool) -> None:
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    t = await _runner_texts(update, context) if ask_database else telegram_texts(context, update)
    # A message, not a callback answer: the press may already have been answered, and a
    # second answer is refused.
    text = t(key)
    try:
        await context.bot.send_message(update.effective_chat.id, text, rate_limit_args=SEND_ONCE)
    except TelegramError as exc:
        log.warning("could not tell the user about an error: %r", exc)
