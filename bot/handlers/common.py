"""The commands every Telegram user expects, and the answers to anything unexpected."""

from __future__ import annotations

from telegram import Update

from bot.content.catalog import Texts
from bot.content.loader import Knowledge
from bot.context import Context
from bot.db.models import PendingKind
from bot.db.uow import unit_of_work
from bot.handlers.replies import (
    answer,
    reply_with,
    send,
    service_context,
    telegram_texts,
    texts_for,
)
from bot.handlers.triage import start_triage
from bot.services import schedules, triage, typed_text, users
from bot.ui import gear_screens, schedule_screens, screens

DEEP_LINK_TRIAGE = "triage"
"""`t.me/<bot>?start=triage` opens the check straight away."""
STOPPED_WAITING = {
    PendingKind.ADD_SHOE: "gear_flow.naming_stopped",
    PendingKind.RENAME_SHOE: "gear_flow.naming_stopped",
    PendingKind.TIMEZONE: "tz.typing_stopped",
    PendingKind.RUN_TIME: "runs.typing_stopped",
}
"""What /cancel says after it stopped waiting for each kind of typed answer."""


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
        await users.seen(repos, user.id, user.language_code, data.clock.now())
        t = await texts_for(repos, context, update)
    await send(message, screens.welcome(t, user.first_name))


async def help_command(update: Update, context: Context) -> None:
    """List what the bot does and every command."""
    await reply_with(update, context, screens.help_screen)


async def privacy(update: Update, context: Context) -> None:
    """Explain what is stored, why, for how long and how to delete it, with their notes."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    async with unit_of_work(context.bot_data.sessionmaker) as repos:
        notes = await repos.health.for_user(user.id)
        t = await texts_for(repos, context, update)
    retention_days = context.bot_data.settings.retention_days
    await send(message, screens.privacy_screen(t, notes, retention_days))


async def cancel(update: Update, context: Context) -> None:
    """Stop waiting for typed text if the bot is; else stop the runner's unfinished triage."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    data = context.bot_data
    now = data.clock.now()
    async with unit_of_work(data.sessionmaker) as repos:
        # A question still awaited is newer than any open triage: starting one stops it.
        stopped = await typed_text.stop(repos, user.id, now)
        cancelled = stopped is None and await triage.cancel_open(repos, user.id, now)
        t = await texts_for(repos, context, update)
    if stopped is not None:
        key = STOPPED_WAITING[stopped]
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
    """Answer typed text: the awaited shoe name, time or zone, else the open question or help."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    data = context.bot_data
    async with unit_of_work(data.sessionmaker) as repos:
        reply = await typed_text.receive(
            repos,
            data.triage,
            service_context(context),
            user.id,
            user.language_code,
            message.text or "",
        )
        t = await texts_for(repos, context, update)
    await send(message, _typed_screen(t, data.knowledge, reply))


def _typed_screen(t: Texts, knowledge: Knowledge, reply: typed_text.TypedReply) -> screens.Screen:
    if reply is None:
        return screens.Screen(t("fallback.free_text"))
    if isinstance(reply, triage.TriageView):
        question = screens.triage_screen(t, knowledge, reply)
        hint = t("fallback.free_text_in_triage")
        return screens.Screen(f"{hint}\n\n{question.text}", question.keyboard)
    if isinstance(reply, schedules.RunsView):
        return schedule_screens.typed_reply(t, knowledge, reply)
    return gear_screens.typed_reply(t, knowledge.gear, reply)


async def not_text(update: Update, context: Context) -> None:
    """Answer stickers, photos, voice notes and files, which the bot doesn't read."""
    await reply_with(update, context, lambda t: screens.Screen(t("fallback.not_text")))


async def unknown_button(update: Update, context: Context) -> None:
    """Answer a press on a button the bot doesn't recognise (old versions, forged data)."""
    if update.callback_query is None:
        return
    t = telegram_texts(context, update)
    await answer(update.callback_query, t("triage_flow.invalid_button"), alert=True)
