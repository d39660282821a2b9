"""/triage and its buttons: parse the press, run the use case, render the screen in place."""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.db.uow import Repositories, unit_of_work
from bot.handlers.replies import answer, drop_buttons, send, show, texts_in
from bot.services import triage
from bot.services.triage import Cancelled, Stale, StaleReason, TriageView
from bot.ui import callback_data, screens
from bot.ui.callback_data import TriagePress


async def start_triage(update: Update, context: Context) -> None:
    """Start a new triage in a new message (/triage, /start triage, the welcome button)."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    data = context.bot_data
    async with unit_of_work(data.sessionmaker) as repos:
        view = await triage.start(
            repos, data.triage, user.id, user.language_code, data.clock.now()
        )
    t = texts_in(context, update, view.language)
    await send(message, screens.triage_screen(t, data.knowledge, view))


async def on_button(update: Update, context: Context) -> None:
    """Apply a triage button press: answer, back or cancel; stale presses get a short note."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    if query.data == callback_data.START_TRIAGE:
        await answer(query)
        await start_triage(update, context)
        return
    data = context.bot_data
    press = callback_data.decode_triage(query.data)
    async with unit_of_work(data.sessionmaker) as repos:
        outcome = await _apply(repos, context, user.id, press)
    # The runner's chosen language came with the session (none with a forged press).
    t = texts_in(context, update, outcome.language)
    match outcome:
        case Cancelled():
            await show(query, screens.Screen(t("triage_flow.cancelled")))
        case TriageView():
            await show(query, screens.triage_screen(t, data.knowledge, outcome))
        case Stale(_, current) if current is not None:
            screen = screens.triage_screen(t, data.knowledge, current)
            await show(query, screen, t("triage_flow.already_noted"))
        case Stale(StaleReason.UNKNOWN):
            await answer(query, t("triage_flow.invalid_button"), alert=True)
        case Stale():  # a closed session
            await drop_buttons(query, t("triage_flow.finished"))


async def _apply(
    repos: Repositories, context: Context, user_id: int, press: TriagePress | None
) -> triage.Outcome:
    engine, now = context.bot_data.triage, context.bot_data.clock.now()
    match press:
        case None:
            return Stale(StaleReason.UNKNOWN)
        case TriagePress(session_id, _, callback_data.CANCEL):
            return await triage.cancel(repos, user_id, session_id, now)
        case TriagePress(session_id, step, callback_data.BACK):
            return await triage.back(repos, engine, triage.Press(user_id, session_id, step), now)
        case TriagePress(session_id, step, answer_id):
            on_question = triage.Press(user_id, session_id, step)
            return await triage.answer(repos, engine, on_question, answer_id, now)
