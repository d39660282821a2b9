"""The post-run check-in: /ran and /runs' "Just ran" start it; its buttons (c1:) answer it.

"I've seen a doctor about this", under a see-a-doctor message, is a check-in button too.
Answers are edited in place; the see-a-doctor message, when a check-in brings it, is a new one.
"""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.db.uow import Repositories, unit_of_work
from bot.handlers.replies import answer, drop_buttons, send, service_context, show, texts_for
from bot.services import checkins
from bot.services.checkins import (
    AlreadyNoted,
    CheckinDone,
    CheckinQuestion,
    Closed,
    DoctorSeen,
    NoRun,
    Snoozed,
    Stale,
)
from bot.ui import callback_data, schedule_screens
from bot.ui.callback_data import CheckinPress
from bot.ui.screens import Screen


async def ran_command(update: Update, context: Context) -> None:
    """/ran: start the check-in for the run just finished, or show the one already open."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    async with unit_of_work(context.bot_data.sessionmaker) as repos:
        outcome = await checkins.ran(repos, service_context(context), user.id, user.language_code)
        t = await texts_for(repos, context, update)
    if isinstance(outcome, AlreadyNoted):
        await send(message, Screen(t("ran_flow.already_noted")))
    else:
        await send(message, schedule_screens.checkin_message(t, outcome))


async def just_ran(update: Update, context: Context) -> None:
    """/runs' "Just ran": as /ran, the check-in taking the place of the list."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    async with unit_of_work(context.bot_data.sessionmaker) as repos:
        outcome = await checkins.ran(repos, service_context(context), user.id, user.language_code)
        t = await texts_for(repos, context, update)
    if isinstance(outcome, AlreadyNoted):
        await answer(query, t("ran_flow.already_noted"), alert=True)
        return
    await show(query, schedule_screens.checkin_message(t, outcome))


async def on_button(update: Update, context: Context) -> None:
    """Apply a check-in press; stale or forged presses get a short note."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    data = context.bot_data
    press = callback_data.decode_checkin(query.data)
    async with unit_of_work(data.sessionmaker) as repos:
        outcome = await _apply(repos, context, user.id, press)
        t = await texts_for(repos, context, update)

    escalation = None
    match outcome:
        case CheckinQuestion():
            await show(query, schedule_screens.checkin_message(t, outcome))
            escalation = outcome.escalation
        case CheckinDone():
            await show(query, schedule_screens.checkin_done(t, data.knowledge, outcome))
            escalation = outcome.escalation
        case DoctorSeen(days):
            await drop_buttons(query)
            await context.bot.send_message(user.id, t("checkin_flow.seen_doctor_noted", days=days))
        case Snoozed(minutes):
            await show(query, Screen(t("checkin_flow.snoozed", minutes=minutes)))
        case NoRun():
            await show(query, Screen(t("checkin_flow.noted_no_run")))
        case Stale(reason, current) if current is not None:
            gone = reason is Closed.SHOE_GONE
            note = t("checkin_flow.shoe_gone" if gone else "checkin_flow.already_noted")
            await show(query, schedule_screens.checkin_message(t, current), note)
        case Stale(Closed.UNKNOWN):
            await answer(query, t("checkin_flow.invalid_button"), alert=True)
        case Stale():
            await drop_buttons(query, t("checkin_flow.closed"))
    if escalation is not None and press is not None:
        message = schedule_screens.escalation_message(t, escalation, press.checkin_id)
        await context.bot.send_message(user.id, message.text, reply_markup=message.keyboard)


async def _apply(
    repos: Repositories, context: Context, user_id: int, press: CheckinPress | None
) -> checkins.Outcome:
    if press is None:
        return Stale(Closed.UNKNOWN)
    ctx, checkin_id = service_context(context), press.checkin_id
    on_step = checkins.Press(user_id, checkin_id, press.step or 0)
    match press.action:
        case callback_data.SNOOZE:
            return await checkins.snooze(repos, ctx, user_id, checkin_id)
        case callback_data.NO_RUN:
            return await checkins.no_run(repos, ctx, user_id, checkin_id)
        case callback_data.SEEN_DOCTOR:
            return await checkins.seen_doctor(repos, ctx, user_id, checkin_id)
        case callback_data.PICK:
            return await checkins.pick(repos, ctx, on_step, press.picked)
        case callback_data.DONE:
            return await checkins.answer_picked(repos, ctx, on_step, press.picked)
        case answer_id:
            return await checkins.answer(repos, ctx, on_step, answer_id)
