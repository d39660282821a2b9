"""/gear and its g1: buttons: parse the press, run the gear use case, render it in place."""

from __future__ import annotations

from datetime import datetime

from telegram import Update, User

from bot.context import BotData, Context
from bot.db.uow import Repositories, unit_of_work
from bot.handlers.replies import answer, send, show, texts_for
from bot.services import gear
from bot.ui import callback_data, gear_screens
from bot.ui.callback_data import GearPress, SettingPress, ShoePress


async def gear_command(update: Update, context: Context) -> None:
    """Show the runner's shoes in a new message (/gear)."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    data = context.bot_data
    async with unit_of_work(data.sessionmaker) as repos:
        view = await gear.overview(
            repos, data.knowledge.gear, user.id, user.language_code, data.clock.now()
        )
        t = await texts_for(repos, context, update)
    await send(message, gear_screens.shoe_list(t, view))


async def on_button(update: Update, context: Context) -> None:
    """Apply a /gear button press; forged or outdated presses get an alert, stale ones a note."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    data = context.bot_data
    press = callback_data.decode_gear(query.data)
    async with unit_of_work(data.sessionmaker) as repos:
        if press is None:
            view: gear.GearView = gear.Refusal.INVALID
        else:
            view = await _apply(repos, data, user, press, data.clock.now())
        t = await texts_for(repos, context, update)
    reply = gear_screens.reply(t, data.knowledge.gear, view)
    if reply.screen is None:
        await answer(query, reply.note, alert=reply.alert)
    else:
        await show(query, reply.screen, reply.note, alert=reply.alert)


async def _apply(
    repos: Repositories,
    data: BotData,
    user: User,
    press: GearPress | ShoePress | SettingPress,
    now: datetime,
) -> gear.GearView:
    rules = data.knowledge.gear
    match press:
        case SettingPress(store=True):
            return await gear.choose(
                repos,
                rules,
                user.id,
                press.shoe_id,
                press.setting,
                press.option,
                press.wizard,
                now,
            )
        case SettingPress():
            return await gear.ask(
                repos, rules, user.id, press.shoe_id, press.setting, press.wizard
            )
        case ShoePress(action=callback_data.GEAR_OPEN):
            return await gear.open_shoe(repos, rules, user.id, press.shoe_id)
        case ShoePress(action=callback_data.GEAR_DEFAULT):
            return await gear.make_default(repos, rules, user.id, press.shoe_id, now)
        case ShoePress(action=callback_data.GEAR_RENAME):
            return await gear.ask_for_name(
                repos, rules, user.id, user.language_code, press.shoe_id, now
            )
        case ShoePress(action=callback_data.GEAR_DELETE):
            return await gear.ask_to_delete(repos, rules, user.id, press.shoe_id)
        case ShoePress():  # GEAR_DELETE_CONFIRMED, the codec's only other shoe action
            return await gear.delete(repos, rules, user.id, press.shoe_id, now)
        case GearPress(action=callback_data.GEAR_ADD):
            return await gear.ask_for_name(repos, rules, user.id, user.language_code, None, now)
        case GearPress(action=callback_data.GEAR_CANCEL_NAMING):
            return await gear.cancel_naming(repos, rules, user.id)
        case _:  # GEAR_LIST
            return await gear.shoe_list(repos, rules, user.id)
