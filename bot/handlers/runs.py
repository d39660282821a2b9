"""/runs, /pause, the time zone and the tip's buttons (r1:).

Typed times and zones arrive through `bot.handlers.common.free_text`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.context import Context
from bot.db.uow import Repositories, unit_of_work
from bot.handlers.replies import (
    answer,
    send,
    service_context,
    show,
    telegram_texts,
    texts_for,
)
from bot.services import schedules
from bot.services.context import Context as ServiceContext
from bot.services.schedules import RunsView
from bot.ui import callback_data, schedule_screens
from bot.ui.callback_data import PlanPress, RunsPress, SkipPress, ZonePress

_Page = Callable[[Repositories, int, str | None, ServiceContext], Awaitable[RunsView]]
"""A /runs use case that builds a page for a runner from nothing but a command or a button."""
_PAGES: dict[str, _Page] = {
    callback_data.RUNS_LIST: schedules.overview,
    callback_data.RUNS_ADD: schedules.start_adding,
    callback_data.TIMEZONE: schedules.timezone_screen,
    callback_data.PAUSE: schedules.pause_screen,
    callback_data.RESUME: schedules.resume,
}
"""The fixed r1: buttons and the use case behind each."""


async def runs_command(update: Update, context: Context) -> None:
    """List the runner's planned runs with buttons to add and change them."""
    await _show(update, context, schedules.overview)


async def pause_command(update: Update, context: Context) -> None:
    """Show whether reminders are paused, with the buttons to pause or resume them."""
    await _show(update, context, schedules.pause_screen)


async def _show(update: Update, context: Context, use_case: _Page) -> None:
    """Answer a command with the runs screen that `use_case` builds."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    async with unit_of_work(context.bot_data.sessionmaker) as repos:
        view = await use_case(repos, user.id, user.language_code, service_context(context))
        t = await texts_for(repos, context, update)
    await send(message, schedule_screens.runs_screen(t, context.bot_data.knowledge, view))


async def on_button(update: Update, context: Context) -> None:
    """Apply an r1: button; forged or malformed data gets a short alert."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    press = callback_data.decode_runs(query.data)
    if press is None:
        await answer(query, telegram_texts(context, update)("runs.invalid_button"), alert=True)
        return
    async with unit_of_work(context.bot_data.sessionmaker) as repos:
        view = await _apply(repos, user.id, user.language_code, press, service_context(context))
        t = await texts_for(repos, context, update)
    screen = schedule_screens.runs_screen(t, context.bot_data.knowledge, view)
    await show(query, screen, schedule_screens.note_text(t, view), alert=view.alert)


async def _apply(
    repos: Repositories,
    user_id: int,
    language_code: str | None,
    press: RunsPress,
    ctx: ServiceContext,
) -> RunsView:
    match press:
        case PlanPress(plan_id, action, argument):
            return await schedules.plan_action(
                repos, user_id, language_code, plan_id, action, argument, ctx
            )
        case ZonePress(zone, then_add):
            return await schedules.choose_timezone(
                repos, user_id, language_code, zone, then_add, ctx
            )
        case SkipPress(plan_id, run_at):
            return await schedules.skip_run(repos, user_id, plan_id, run_at, ctx)
        case callback_data.PAUSE_DAYS | callback_data.PAUSE_OPEN:
            open_ended = press == callback_data.PAUSE_OPEN
            return await schedules.pause(repos, user_id, language_code, open_ended, ctx)
    return await _PAGES[press](repos, user_id, language_code, ctx)
