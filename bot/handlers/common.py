"""The commands every Telegram user expects, and the answers to anything unexpected."""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.db.uow import unit_of_work
from bot.handlers.replies import answer, reply_with, send, telegram_texts, texts_for
from bot.handlers.runs import typed_text
from bot.handlers.triage import start_triage
from bot.services import gear, triage
from bot.ui import gear_screens, screens

DEEP_LINK_TRIAGE = "triage"
"""`t.me/<bot>?start=triage` opens the check straight away."""


async def start(update: Update, context: Context) -> None:
    """Greet the runner; the `triage` deep link goes straight into the check."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    if context.args and context.args[0] == DEEP_LINK_TRIAGE:
        await start_triage(update, context)
        return
    data = context.bot_data
    async with unit_of_work(data.sessionmaker) as repos:
        await repos.users.seen(user.id, user.language_code, data.clock.now())
        t = await texts_for(repos, context, update)
    await send(message, screens.welcome(t, user.first_name))


async def help_command(update: Update, context: Context) -> None:
    """List what the bot does and every command."""
    await reply_with(update, context, screens.help_screen)


async def privacy(update: Update, context: Context) -> None:
    """Explain what is stored, why, for how long and how to delete it."""
    await reply_with(update, context, lambda t: screens.Screen(t("privacy.text")))


async def cancel(update: Update, context: Context) -> None:
    """Stop waiting for a shoe name if the bot is; else stop the runner's unfinished triage."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    data = context.bot_data
    async with unit_of_work(data.sessionmaker) as repos:
        # A naming still awaited is newer than any open triage: starting one stops it.
        stopped_naming = await gear.stop_naming(repos, user.id)
        cancelled = not stopped_naming and await triage.cancel(repos, user.id, data.clock.now())
        t = await texts_for(repos, context, update)
    if stopped_naming:
        key = "gear_flow.naming_stopped"
    else:
        key = "cancel.done" if cancelled else "cancel.nothing"
    await send(message, screens.Screen(t(key)))


async def unknown_command(update: Update, context: Context) -> None:
    """Answer a command the bot doesn't have."""
    text = update.effective_message.text if update.effective_message else None
    command = (text or "/").split(maxsplit=1)[0].lstrip("/").split("@", 1)[0][:40]
    await reply_with(
        update, context, lambda t: screens.Screen(t("fallback.unknown_command", command=command))
    )


async def free_text(update: Update, context: Context) -> None:
    """Answer typed text: an awaited time, zone or shoe name, else the open question or help."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or await typed_text(update, context):
        return
    data = context.bot_data
    async with unit_of_work(data.sessionmaker) as repos:
        named = await gear.receive_name(
            repos, data.knowledge.gear, user.id, message.text or "", data.clock.now()
        )
        open_triage = None
        if named is None:
            open_triage = await triage.current(repos, data.triage, user.id)
        t = await texts_for(repos, context, update)
    if named is not None:
        await send(message, gear_screens.typed_reply(t, data.knowledge.gear, named))
        return
    if open_triage is None:
        await send(message, screens.Screen(t("fallback.free_text")))
        return
    question = screens.triage_screen(t, data.knowledge, open_triage)
    hint = t("fallback.free_text_in_triage")
    await send(message, screens.Screen(f"{hint}\n\n{question.text}", question.keyboard))


async def not_text(update: Update, context: Context) -> None:
    """Answer stickers, photos, voice notes and files, which the bot doesn't read."""
    await reply_with(update, context, lambda t: screens.Screen(t("fallback.not_text")))


async def unknown_button(update: Update, context: Context) -> None:
    """Answer a press on a button the bot doesn't recognise (old versions, forged data)."""
    if update.callback_query is None:
        return
    t = telegram_texts(context, update)
    await answer(update.callback_query, t("triage_flow.invalid_button"), alert=True)
