"""/triage and its buttons: parse the press, run the use case, render the screen in place."""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.db.uow import unit_of_work
from bot.handlers.replies import answer, drop_buttons, send, show
from bot.services import triage
from bot.services.triage import Cancelled, Stale, StaleReason, TriageView
from bot.ui import callback_data, screens


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
    t = data.knowledge.catalog.texts(view.language or user.language_code)
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
    now = data.clock.now()
    async with unit_of_work(data.sessionmaker) as repos:
        if press is None:
            outcome: TriageView | Stale | Cancelled = Stale(StaleReason.UNKNOWN)
        elif press.action == callback_data.CANCEL:
            outcome = await triage.cancel(repos, user.id, press.session_id, now)
        elif press.action == callback_data.BACK:
            outcome = await triage.back(
                repos, data.triage, user.id, press.session_id, press.step, now
            )
        else:
            outcome = await triage.answer(
                repos, data.triage, user.id, press.session_id, press.step, press.action, now
            )
    # The runner's chosen language came with the session; a forged press falls back to
    # the language Telegram reports.
    t = data.knowledge.catalog.texts(outcome.language or user.language_code)
    if isinstance(outcome, Cancelled):
        await answer(query)
        await show(query, screens.Screen(t("triage_flow.cancelled")))
    elif isinstance(outcome, TriageView):
        await answer(query)
        await show(query, screens.triage_screen(t, data.knowledge, outcome))
    elif isinstance(outcome, Stale) and outcome.current is not None:
        await answer(query, t("triage_flow.already_noted"))
        await show(query, screens.triage_screen(t, data.knowledge, outcome.current))
    elif isinstance(outcome, Stale) and outcome.reason is StaleReason.UNKNOWN:
        await answer(query, t("triage_flow.invalid_button"), alert=True)
    else:  # a closed session
        await answer(query, t("triage_flow.finished"))
        await drop_buttons(query)
