"""/history and its h1: page buttons: read the runner's history, send the list and the chart."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot import pictures
from bot.context import Context
from bot.db.uow import unit_of_work
from bot.handlers.replies import answer, send, service_context, show, texts_for
from bot.services import history
from bot.ui import callback_data, history_chart, history_screens


async def history_command(update: Update, context: Context) -> None:
    """Send the latest page of the list, then the chart drawn off the event loop (/history)."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    data = context.bot_data
    async with unit_of_work(data.sessionmaker) as repos:
        view = await history.history(repos, service_context(context), user.id, user.language_code)
        t = await texts_for(repos, context, update)
    if isinstance(view.chart, history.NotEnough):
        await send(message, history_screens.history_page(t, view.page))
        await send(message, history_screens.not_enough(t, data.knowledge, view.chart))
        return
    spec = history_screens.chart_spec(t, data.knowledge, view.chart)
    drawing = asyncio.create_task(pictures.render(history_chart.draw, spec))
    try:
        await send(message, history_screens.history_page(t, view.page))
    except BaseException:
        drawing.cancel()
        raise
    caption = history_screens.caption(t, data.knowledge, view.chart, view.page.year)
    await message.reply_photo(await drawing, caption=caption, filename="chart.png")


async def on_button(update: Update, context: Context) -> None:
    """Show another page of the list in place; a malformed press gets an alert."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    number = callback_data.decode_history(query.data)
    async with unit_of_work(context.bot_data.sessionmaker) as repos:
        t = await texts_for(repos, context, update)
        if number is None:
            page = None
        else:
            page = await history.page(repos, service_context(context), user.id, number)
    if page is None:
        await answer(query, t("history.invalid_button"), alert=True)
        return
    note = t("history.page_gone") if page.past_end else None
    await show(query, history_screens.history_page(t, page), note)
