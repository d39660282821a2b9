"""/settings (language for now) and /delete_me, with their buttons."""

from __future__ import annotations

from telegram import Update

from bot.content.catalog import Texts
from bot.context import Context
from bot.db.uow import Repositories, unit_of_work
from bot.handlers.replies import answer, reply_with, send, service_context, show, texts_for
from bot.services import schedules, users
from bot.ui import callback_data, schedule_screens, screens


async def settings(update: Update, context: Context) -> None:
    """Show the runner's settings with buttons to change them."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    data = context.bot_data
    async with unit_of_work(data.sessionmaker) as repos:
        chosen = await users.seen(repos, user.id, user.language_code, data.clock.now())
        t = await texts_for(repos, context, update)
        reminders = await _reminder_settings(repos, context, user.id, t)
    catalog = data.knowledge.catalog
    screen = screens.settings_screen(t, catalog, chosen, user.language_code, reminders)
    await send(message, screen)


async def _reminder_settings(
    repos: Repositories, context: Context, user_id: int, t: Texts
) -> screens.ReminderSettings:
    view = await schedules.settings_summary(repos, user_id, service_context(context))
    return screens.ReminderSettings(
        timezone=schedule_screens.zone_label(t, view.zone),
        state=schedule_screens.reminders_label(t, view),
        paused=view.paused_until is not None,
    )


async def delete_me(update: Update, context: Context) -> None:
    """Ask the runner to confirm deleting everything stored about them."""
    await reply_with(update, context, screens.delete_confirmation)


async def on_button(update: Update, context: Context) -> None:
    """Apply a settings button: a language choice or the delete confirmation."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    data = context.bot_data
    language = callback_data.decode_language(query.data)
    confirmed = callback_data.decode_delete(query.data)
    async with unit_of_work(data.sessionmaker) as repos:
        if language is not None:
            choice = await users.choose_language(
                repos,
                user.id,
                user.language_code,
                None if language == callback_data.AUTO_LANGUAGE else language,
                data.knowledge.catalog.languages,
                data.clock.now(),
            )
        elif confirmed:
            await users.delete_everything(repos, user.id)
        t = await texts_for(repos, context, update)
        reminders = await _reminder_settings(repos, context, user.id, t)

    if language is not None:
        catalog = data.knowledge.catalog
        screen = screens.settings_screen(t, catalog, choice, user.language_code, reminders)
        await show(query, screen, t("settings.saved", language=catalog.names[t.language]))
    elif confirmed is not None:
        await show(query, screens.Screen(t("delete.done" if confirmed else "delete.kept")))
    else:
        await answer(query, t("triage_flow.invalid_button"), alert=True)
