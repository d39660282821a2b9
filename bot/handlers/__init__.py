"""Telegram edge: the one ordered list of handlers. Order matters: first match wins.

The bot talks only in private chats; updates from groups match no handler and are ignored.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import Context
from bot.handlers import checkin, common, export, gear, history, lacing, runs, settings, triage
from bot.retries import new_update_budget
from bot.ui.callback_data import (
    CHECKIN_PATTERN,
    EXPORT_PATTERN,
    GEAR_PATTERN,
    HISTORY_PATTERN,
    JUST_RAN_PATTERN,
    LACING_PATTERN,
    RUNS_PATTERN,
    SETTINGS_PATTERN,
    TRIAGE_PATTERN,
)

PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
"""New messages in a private chat (edits are ignored)."""


async def _budget(update: Update, context: Context) -> None:
    """Give every update its own ceiling on waiting out Telegram's flood control."""
    new_update_budget(context.bot_data.settings.reply_wait_limit_seconds)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add every handler to `app`, most specific first (after one that every update meets)."""
    app.add_handler(TypeHandler(Update, _budget), group=-1)
    app.add_handlers(
        [
            CommandHandler("start", common.start, filters=PRIVATE),
            CommandHandler("triage", triage.start_triage, filters=PRIVATE),
            CommandHandler("gear", gear.gear_command, filters=PRIVATE),
            CommandHandler("runs", runs.runs_command, filters=PRIVATE),
            CommandHandler("ran", checkin.ran_command, filters=PRIVATE),
            CommandHandler("pause", runs.pause_command, filters=PRIVATE),
            CommandHandler("history", history.history_command, filters=PRIVATE),
            CommandHandler("help", common.help_command, filters=PRIVATE),
            CommandHandler("settings", settings.settings, filters=PRIVATE),
            CommandHandler("privacy", common.privacy, filters=PRIVATE),
            CommandHandler("export", export.export_command, filters=PRIVATE),
            CommandHandler("delete_me", settings.delete_me, filters=PRIVATE),
            CommandHandler("cancel", common.cancel, filters=PRIVATE),
            CallbackQueryHandler(triage.on_button, pattern=TRIAGE_PATTERN),
            CallbackQueryHandler(settings.on_button, pattern=SETTINGS_PATTERN),
            CallbackQueryHandler(gear.on_button, pattern=GEAR_PATTERN),
            CallbackQueryHandler(checkin.just_ran, pattern=JUST_RAN_PATTERN),
            CallbackQueryHandler(runs.on_button, pattern=RUNS_PATTERN),
            CallbackQueryHandler(checkin.on_button, pattern=CHECKIN_PATTERN),
            CallbackQueryHandler(export.on_button, pattern=EXPORT_PATTERN),
            CallbackQueryHandler(lacing.on_button, pattern=LACING_PATTERN),
            CallbackQueryHandler(history.on_button, pattern=HISTORY_PATTERN),
            CallbackQueryHandler(common.unknown_button),
            MessageHandler(PRIVATE & filters.COMMAND, common.unknown_command),
            MessageHandler(PRIVATE & filters.TEXT, common.free_text),
            MessageHandler(PRIVATE, common.not_text),
        ]
    )
