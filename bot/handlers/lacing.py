"""The "Show me how" button (l1:): send a lacing diagram as a photo replying to the fix.

The diagrams never change while the bot runs, so each is drawn once per language, in the
picture worker, and kept in memory (`BotData.diagrams`: at most one PNG per technique and
language, so its size is bounded by the content).
"""

from __future__ import annotations

from telegram import Message, Update

from bot import pictures
from bot.content.catalog import Texts
from bot.content.models import LacingTechnique
from bot.context import BotData, Context
from bot.db.uow import unit_of_work
from bot.handlers.replies import answer, texts_for
from bot.ui import callback_data, lacing_screens
from bot.ui.lacing_diagram import draw


async def on_button(update: Update, context: Context) -> None:
    """Send the diagram a "Show me how" button names; an unknown one gets a short alert."""
    query = update.callback_query
    if query is None:
        return
    data = context.bot_data
    async with unit_of_work(data.sessionmaker) as repos:
        t = await texts_for(repos, context, update)
    technique = data.knowledge.lacing.get(callback_data.decode_lacing(query.data) or "")
    if technique is None:
        await answer(query, t("lacing_flow.invalid_button"), alert=True)
        return
    await answer(query)
    picture = await diagram(data, t, technique)
    caption = lacing_screens.caption(t, technique)
    name = f"{technique.id}.png"  # a PNG's name, or it is uploaded as application/octet-stream
    message = query.message
    if isinstance(message, Message):
        await message.reply_photo(picture, caption=caption, do_quote=True, filename=name)
    elif message is not None:  # too old to reply to: send it to the same chat
        await context.bot.send_photo(message.chat.id, picture, caption=caption, filename=name)


async def diagram(data: BotData, t: Texts, technique: LacingTechnique) -> bytes:
    """Return the technique's diagram in the language of `t`, drawn the first time only."""
    key = (technique.id, t.language)
    picture = data.diagrams.get(key)
    if picture is None:
        picture = await pictures.render(draw, lacing_screens.diagram_spec(t, technique))
        data.diagrams[key] = picture
    return picture
