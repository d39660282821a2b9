"""The post-run check-in's buttons (c1:): answers, warning signs, shoes, snooze, no run.

"I've seen a doctor about this", under a see-a-doctor message, is a check-in button too.
Answers are edited in place; the see-a-doctor message, when a check-in brings it, is a new one.
"""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.db.uow import unit_of_work
from bot.handlers.replies import answer, drop_buttons, show, texts_for
from bot.services import checkins
from bot.services.checkins import CheckinDone, CheckinQuestion, Closed, DoctorSeen, Stale
from bot.ui import callback_data, schedule_screens
from bot.ui.screens import Screen


async def on_button(update: Update, context: Context) -> None:
    """Apply a check-in press; stale or forged presses get a short note."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    data = context.bot_data
    knowledge, zone, now = data.knowledge, data.settings.default_timezone, data.clock.now()
    press = callback_data.decode_checkin(query.data)
    async with unit_of_work(data.sessionmaker) as repos:
        outcome: CheckinQuestion | CheckinDone | DoctorSeen | Stale
        if press is None:
            outcome = Stale(Closed.UNKNOWN)
        elif press.action == callback_data.SNOOZE:
            outcome = await checkins.snooze(repos, knowledge, user.id, press.checkin_id, now)
        elif press.action == callback_data.NO_RUN:
            outcome = await checkins.no_run(repos, user.id, press.checkin_id, now)
        elif press.action == callback_data.SEEN_DOCTOR:
            outcome = await checkins.seen_doctor(repos, knowledge, user.id, press.checkin_id, now)
        elif press.action == callback_data.PICK:
            outcome = await checkins.pick(
                repos, knowledge, zone, user.id, press.checkin_id, press.step or 0, press.picked
            )
        elif press.action == callback_data.DONE:
            outcome = await checkins.answer_picked(
                repos,
                knowledge,
                zone,
                user.id,
                press.checkin_id,
                press.step or 0,
                press.picked,
                now,
            )
        else:
            outcome = await checkins.answer(
                repos,
                knowledge,
                zone,
                user.id,
                press.checkin_id,
                press.step or 0,
                press.action,
                now,
            )
        t = await texts_for(repos, context, update)

    escalation = None
    if isinstance(outcome, CheckinQuestion):
        await answer(query)
        await show(query, schedule_screens.checkin_message(t, outcome))
        escalation = outcome.escalation
    elif isinstance(outcome, CheckinDone):
        await answer(query)
        await show(query, schedule_screens.checkin_done(t, outcome))
        escalation = outcome.escalation
    elif isinstance(outcome, DoctorSeen):
        await answer(query)
        await drop_buttons(query)
        noted = t("checkin_flow.seen_doctor_noted", days=outcome.days)
        await context.bot.send_message(user.id, noted)
    elif outcome.reason is Closed.SNOOZED:
        await answer(query)
        minutes = knowledge.schedules.snooze_minutes
        await show(query, Screen(t("checkin_flow.snoozed", minutes=minutes)))
    elif outcome.reason is Closed.NO_RUN:
        await answer(query)
        await show(query, Screen(t("checkin_flow.noted_no_run")))
    elif outcome.current is not None:
        gone = outcome.reason is Closed.SHOE_GONE
        await answer(query, t("checkin_flow.shoe_gone" if gone else "checkin_flow.already_noted"))
        await show(query, schedule_screens.checkin_message(t, outcome.current))
    elif outcome.reason is Closed.UNKNOWN:
        await answer(query, t("checkin_flow.invalid_button"), alert=True)
    else:
        await answer(query, t("checkin_flow.closed"))
        await drop_buttons(query)
    if escalation is not None and press is not None:
        message = schedule_screens.escalation_message(t, escalation, press.checkin_id)
        await context.bot.send_message(user.id, message.text, reply_markup=message.keyboard)
