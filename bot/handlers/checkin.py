"""The post-run check-in's buttons (c1:): answers and shoes, snooze, "I didn't run".

Answers are edited in place; the see-a-doctor message, when a check-in brings it, is a new one.
"""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.db.uow import unit_of_work
from bot.handlers.replies import answer, drop_buttons, show, texts_for
from bot.services import checkins
from bot.services.checkins import CheckinDone, CheckinQuestion, Closed, Stale
from bot.ui import callback_data, schedule_screens
from bot.ui.screens import Screen


async def on_button(update: Update, context: Context) -> None:
    """Apply a check-in press; stale or forged presses get a short note."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    data = context.bot_data
    zone, now = data.settings.default_timezone, data.clock.now()
    press = callback_data.decode_checkin(query.data)
    async with unit_of_work(data.sessionmaker) as repos:
        outcome: CheckinQuestion | CheckinDone | Stale
        if press is None:
            outcome = Stale(Closed.UNKNOWN)
        elif press.action == callback_data.SNOOZE:
            outcome = await checkins.snooze(
                repos, data.knowledge, zone, user.id, press.checkin_id, now
            )
        elif press.action == callback_data.NO_RUN:
            outcome = await checkins.no_run(
                repos, data.knowledge, zone, user.id, press.checkin_id, now
            )
        else:
            outcome = await checkins.answer(
                repos,
                data.knowledge,
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
    elif outcome.reason is Closed.SNOOZED:
        await answer(query)
        minutes = data.knowledge.schedules.snooze_minutes
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
    if escalation is not None:
        message = schedule_screens.escalation_message(t, escalation)
        await context.bot.send_message(user.id, message.text, reply_markup=message.keyboard)
