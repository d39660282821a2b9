"""/export and its x1: button: read everything stored about the runner, send it as files."""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.db.uow import unit_of_work
from bot.handlers.replies import answer, telegram_texts, texts_for
from bot.services import export
from bot.ui import callback_data, export_files


async def export_command(update: Update, context: Context) -> None:
    """Send the runner's data as a JSON document and a CSV of check-ins (/export)."""
    await _send_export(update, context)


async def on_button(update: Update, context: Context) -> None:
    """Send the files for the export button of /privacy and /settings; alert on forged data."""
    query = update.callback_query
    if query is None:
        return
    if query.data != callback_data.EXPORT:
        await answer(
            query, telegram_texts(context, update)("triage_flow.invalid_button"), alert=True
        )
        return
    await answer(query)
    await _send_export(update, context)


async def _send_export(update: Update, context: Context) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    data = context.bot_data
    # Only the reading happens in the transaction; the files are built after it has ended.
    async with unit_of_work(data.sessionmaker) as repos:
        stored = await export.collect(repos, user.id)
        t = await texts_for(repos, context, update)
    if stored is None:
        await context.bot.send_message(chat.id, t("export.nothing"))
        return
    zone = data.settings.default_timezone
    document = export.document(stored, zone, data.clock.now())
    rows = export.checkin_rows(stored, zone)
    for file in export_files.files(t, data.knowledge, document, rows):
        await context.bot.send_document(
            chat.id, file.content, filename=file.name, caption=file.caption
        )
