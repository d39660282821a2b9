"""Screens of /runs, the time zone, /pause, pre-run tips and post-run check-ins.

Built only from catalogue texts and the services' view-models; every button carries data
from `bot.ui.callback_data`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import keys
from bot.content.catalog import Texts
from bot.content.loader import Knowledge
from bot.content.models import Tier
from bot.services.checkins import CheckinDone, CheckinQuestion
from bot.services.reminders import Outgoing
from bot.services.schedules import (
    PAUSED_UNTIL_RESUMED,
    PlanView,
    RunsAction,
    RunsPage,
    RunsView,
    ZoneView,
)
from bot.services.scheduling import clock_text
from bot.ui import callback_data, lacing_screens
from bot.ui.screens import Screen, emergency_text

Rows = list[list[InlineKeyboardButton]]


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def _rows(buttons: Sequence[InlineKeyboardButton], columns: int) -> Rows:
    return [list(buttons[i : i + columns]) for i in range(0, len(buttons), columns)]


def day_label(t: Texts, day: date) -> str:
    """Return a date as the runner reads it, e.g. "Mon 23 Nov"."""
    weekdays, months = t("runs.day_names").split(","), t("runs.month_names").split(",")
    return t(
        "runs.date", weekday=weekdays[day.weekday()], day=day.day, month=months[day.month - 1]
    )


def moment_label(t: Texts, moment: datetime) -> str:
    """Return a local moment as "Mon 30 Nov, 07:30" ("Mo, 30. Nov., 07:30 Uhr")."""
    return t("runs.moment", date=day_label(t, moment.date()), time=f"{moment:%H:%M}")


def zone_label(t: Texts, zone: ZoneView) -> str:
    """Return the zone as /settings shows it: its name, or that it is only assumed."""
    return zone.name if zone.chosen else t("tz.assumed", zone=zone.name)


def reminders_label(t: Texts, view: RunsView) -> str:
    """Return whether reminders are on or paused (and until when)."""
    if view.paused_until is None:
        return t("pause.state_on")
    if view.paused_until >= PAUSED_UNTIL_RESUMED:
        return t("pause.state_open")
    local = view.paused_until.astimezone(ZoneInfo(view.zone.name))
    return t("pause.state_until", until=moment_label(t, local))


def run_line(t: Texts, plan: PlanView) -> str:
    """Return one run: its days or date, start time and length."""
    start = f"{plan.start:%H:%M}" if plan.start is not None else "…"
    duration = plan.duration if plan.duration is not None else "…"
    if plan.one_off is not None:
        return t("runs.once", date=day_label(t, plan.one_off), time=start, duration=duration)
    names = t("runs.day_names").split(",")
    days = (
        t("runs.every_day")
        if len(plan.weekdays) == len(names)
        else ", ".join(names[d] for d in sorted(plan.weekdays))
    )
    return t("runs.weekly", days=days, time=start, duration=duration)


def _flags(t: Texts, plan: PlanView) -> str:
    state = {True: t("runs.on"), False: t("runs.off")}
    return t("runs.flags", tip=state[plan.tip_on], checkin=state[plan.checkin_on])


def note_text(t: Texts, view: RunsView) -> str | None:
    """Return the toast or alert that goes with a view, if any."""
    if view.note is None:
        return None
    if view.note == "runs.limit":
        return t(view.note, max=view.limits["max"])
    if view.note == "tz.saved":
        return t(view.note, zone=view.zone.name, now=f"{view.zone.now:%H:%M}")
    return t(view.note)


def runs_screen(t: Texts, knowledge: Knowledge, view: RunsView) -> Screen:
    """Return the screen a /runs, time-zone or pause view asks for."""
    builders = {
        RunsPage.LIST: _list,
        RunsPage.TIMEZONE: _timezone,
        RunsPage.DAYS: _days,
        RunsPage.DATE: _date,
        RunsPage.TIME: _time,
        RunsPage.DURATION: _duration,
        RunsPage.PLAN: _plan,
        RunsPage.CONFIRM_DELETE: _confirm_delete,
        RunsPage.PAUSE: _pause,
    }
    if view.page is RunsPage.CANCELLED:
        return Screen(t("runs.cancelled"))
    if view.page is RunsPage.SKIPPED:
        return Screen(t("tip_flow.skipped"))
    return builders[view.page](t, knowledge, view)


def typed_reply(t: Texts, knowledge: Knowledge, view: RunsView) -> Screen:
    """Return the message answering a typed time or zone: a note becomes its first line."""
    screen = runs_screen(t, knowledge, view)
    note = note_text(t, view)
    if note is None:
        return screen
    return Screen(f"{html.escape(note, quote=False)}\n\n{screen.text}", screen.keyboard)


def _list(t: Texts, knowledge: Knowledge, view: RunsView) -> Screen:
    parts = [t("runs.title"), t("runs.zone_line", zone=zone_label(t, view.zone))]
    if view.paused_until is not None:
        parts[-1] += "\n" + t("runs.paused_line", state=reminders_label(t, view))
    if view.plans:
        parts.append(
            "\n\n".join(
                f"{number}. {run_line(t, plan)}\n{_flags(t, plan)}"
                for number, plan in enumerate(view.plans, start=1)
            )
        )
    else:
        parts.append(t("runs.none", before=view.limits["before"], after=view.limits["after"]))
    rows: Rows = [
        [_button(f"{number}. {run_line(t, plan)}", callback_data.plan(plan.id, RunsAction.OPEN))]
        for number, plan in enumerate(view.plans, start=1)
    ]
    if view.can_add:
        rows.append([_button(t("runs.add"), callback_data.RUNS_ADD)])
    rows.append([_button(t("ran_flow.button"), callback_data.JUST_RAN)])
    rows.append(
        [
            _button(t("settings.button_timezone"), callback_data.TIMEZONE),
            _pause_button(t, view),
        ]
    )
    return Screen("\n\n".join(parts), InlineKeyboardMarkup(rows))


def _pause_button(t: Texts, view: RunsView) -> InlineKeyboardButton:
    if view.paused_until is None:
        return _button(t("settings.button_pause"), callback_data.PAUSE)
    return _button(t("settings.button_resume"), callback_data.RESUME)


def _timezone(t: Texts, knowledge: Knowledge, view: RunsView) -> Screen:
    zone, now = view.zone.name, f"{view.zone.now:%H:%M}"
    text = t("tz.ask" if view.zone.chosen else "tz.ask_first", zone=zone, now=now)
    if view.typed is not None:
        text = f"{t('tz.unknown', text=view.typed)}\n\n{text}"
    names = list(knowledge.schedules.timezones)
    buttons = [
        _button(
            f"✓ {name}" if view.zone.chosen and name == zone else name,
            callback_data.zone(name, then_add=view.then_add),
        )
        for name in names
    ]
    rows = _rows(buttons, 2)
    if not view.zone.chosen:
        rows.append(
            [_button(t("tz.keep", zone=zone), callback_data.zone(zone, then_add=view.then_add))]
        )
    rows.append([_button(t("runs.back"), callback_data.RUNS_LIST)])
    return Screen(text, InlineKeyboardMarkup(rows))


def _back_or_cancel(t: Texts, plan: PlanView) -> InlineKeyboardButton:
    if plan.draft:
        return _button(t("runs.cancel"), callback_data.plan(plan.id, RunsAction.CANCEL))
    return _button(t("runs.back"), callback_data.plan(plan.id, RunsAction.OPEN))


def _days(t: Texts, knowledge: Knowledge, view: RunsView) -> Screen:
    plan = _plan_of(view)
    names = t("runs.day_names").split(",")
    toggles = [
        _button(
            f"✓ {name}" if day in plan.weekdays else name,
            callback_data.plan(plan.id, RunsAction.WEEKDAY, str(day)),
        )
        for day, name in enumerate(names)
    ]
    rows = _rows(toggles, 4)
    rows.append(
        [
            _button(t("runs.just_once"), callback_data.plan(plan.id, RunsAction.ONCE)),
            _button(t("runs.next"), callback_data.plan(plan.id, RunsAction.NEXT)),
        ]
    )
    rows.append([_back_or_cancel(t, plan)])
    return Screen(
        t("runs.ask_days" if plan.draft else "runs.ask_days_edit"), InlineKeyboardMarkup(rows)
    )


def _date(t: Texts, knowledge: Knowledge, view: RunsView) -> Screen:
    plan = _plan_of(view)
    today = view.zone.now.date()
    buttons = []
    for offset in range(knowledge.schedules.one_off_days):
        day = today + timedelta(days=offset)
        label = day_label(t, day)
        if offset == 0:
            label = t("runs.today", date=label)
        elif offset == 1:
            label = t("runs.tomorrow", date=label)
        buttons.append(
            _button(label, callback_data.plan(plan.id, RunsAction.DAY, f"{day:%Y%m%d}"))
        )
    rows = _rows(buttons, 2)
    rows.append([_button(t("runs.back"), callback_data.plan(plan.id, RunsAction.DAYS))])
    return Screen(t("runs.ask_date"), InlineKeyboardMarkup(rows))


def _time(t: Texts, knowledge: Knowledge, view: RunsView) -> Screen:
    plan = _plan_of(view)
    text = t("runs.ask_time")
    if view.typed is not None:
        text = f"{t('runs.bad_time', text=view.typed)}\n\n{text}"
    buttons = [
        _button(
            f"✓ {start}" if plan.start is not None and f"{plan.start:%H:%M}" == start else start,
            callback_data.plan(plan.id, RunsAction.SET_TIME, start.replace(":", "")),
        )
        for start in knowledge.schedules.start_times
    ]
    rows = _rows(buttons, 4)
    rows.append([_back_or_cancel(t, plan)])
    return Screen(text, InlineKeyboardMarkup(rows))


def _duration(t: Texts, knowledge: Knowledge, view: RunsView) -> Screen:
    plan = _plan_of(view)
    buttons = [
        _button(
            f"✓ {t('runs.minutes', minutes=m)}"
            if plan.duration == m
            else t("runs.minutes", minutes=m),
            callback_data.plan(plan.id, RunsAction.SET_DURATION, str(m)),
        )
        for m in knowledge.schedules.durations
    ]
    rows = _rows(buttons, 3)
    rows.append([_back_or_cancel(t, plan)])
    return Screen(t("runs.ask_duration", after=view.limits["after"]), InlineKeyboardMarkup(rows))


def _plan(t: Texts, knowledge: Knowledge, view: RunsView) -> Screen:
    plan = _plan_of(view)
    run = f"{run_line(t, plan)}\n{_flags(t, plan)}"
    state = {True: t("runs.on"), False: t("runs.off")}
    toggles = [
        _button(
            t("runs.button_tip", state=state[plan.tip_on]),
            callback_data.plan(plan.id, RunsAction.TIP),
        ),
        _button(
            t("runs.button_checkin", state=state[plan.checkin_on]),
            callback_data.plan(plan.id, RunsAction.CHECKIN),
        ),
    ]
    if plan.draft:
        rows: Rows = [[toggles[0]], [toggles[1]]]
        rows.append(
            [
                _button(t("runs.save"), callback_data.plan(plan.id, RunsAction.SAVE)),
                _button(t("runs.cancel"), callback_data.plan(plan.id, RunsAction.CANCEL)),
            ]
        )
        return Screen(t.markup("runs.summary_draft", run=run), InlineKeyboardMarkup(rows))
    upcoming = moment_label(t, plan.next_run) if plan.next_run else t("runs.no_next")
    rows = [
        [
            _button(t("runs.change_days"), callback_data.plan(plan.id, RunsAction.DAYS)),
            _button(t("runs.change_time"), callback_data.plan(plan.id, RunsAction.TIME)),
            _button(t("runs.change_duration"), callback_data.plan(plan.id, RunsAction.DURATION)),
        ],
        [toggles[0]],
        [toggles[1]],
        [
            _button(t("runs.delete"), callback_data.plan(plan.id, RunsAction.DELETE)),
            _button(t("runs.all_runs"), callback_data.RUNS_LIST),
        ],
    ]
    text = t.markup("runs.summary", run=run, next=upcoming)
    return Screen(text, InlineKeyboardMarkup(rows))


def _confirm_delete(t: Texts, knowledge: Knowledge, view: RunsView) -> Screen:
    plan = _plan_of(view)
    rows = [
        [_button(t("runs.delete_yes"), callback_data.plan(plan.id, RunsAction.CONFIRM_DELETE))],
        [_button(t("runs.back"), callback_data.plan(plan.id, RunsAction.OPEN))],
    ]
    text = t.markup("runs.delete_confirm", run=run_line(t, plan))
    return Screen(text, InlineKeyboardMarkup(rows))


def _pause(t: Texts, knowledge: Knowledge, view: RunsView) -> Screen:
    if view.paused_until is None:
        days = view.limits["pause_days"]
        text = t("pause.ask")
        rows = [
            [_button(t("pause.week", days=days), callback_data.PAUSE_DAYS)],
            [_button(t("pause.open_ended"), callback_data.PAUSE_OPEN)],
        ]
    else:
        if view.paused_until >= PAUSED_UNTIL_RESUMED:
            text = t("pause.paused_open")
        else:
            local = view.paused_until.astimezone(ZoneInfo(view.zone.name))
            text = t("pause.paused_until", until=moment_label(t, local))
        rows = [[_button(t("pause.resume"), callback_data.RESUME)]]
    rows.append([_button(t("runs.back"), callback_data.RUNS_LIST)])
    return Screen(text, InlineKeyboardMarkup(rows))


def _plan_of(view: RunsView) -> PlanView:
    if view.plan is None:
        raise ValueError(f"the {view.page} page needs a plan")
    return view.plan


# ── Reminders ──────────────────────────────────────────────────────────────────


def tip_message(t: Texts, knowledge: Knowledge, outgoing: Outgoing) -> Screen:
    """Return the pre-run tip with "Skip this run" and "Pause reminders".

    A tip that describes a lacing pattern also gets its "Show me how" button first.
    """
    start = clock_text(outgoing.run_at, ZoneInfo(outgoing.zone))
    text = t.markup("tip_flow.message", time=start, tip=t(keys.tip(outgoing.tip_id or "")))
    technique = knowledge.tip_diagrams.get(outgoing.tip_id or "")
    rows = lacing_screens.show_me_rows(t, [technique] if technique else [])
    rows += [
        [
            _button(t("tip_flow.skip"), callback_data.skip(outgoing.plan_id, outgoing.run_at)),
            _button(t("tip_flow.pause"), callback_data.PAUSE),
        ]
    ]
    return Screen(text, InlineKeyboardMarkup(rows))


def checkin_message(t: Texts, question: CheckinQuestion) -> Screen:
    """Return a check-in step; the first one also offers "remind me later" and "didn't run".

    A check-in without a plan (a /ran) is about the run just finished, not a planned time,
    and has no "remind me later".

    A multi step shows its picks ticked, each button toggling one, and "Done" (or "None of
    these" while nothing is picked).
    """
    heading = t("ran_flow.heading")
    if question.planned:
        start = clock_text(question.run_at, ZoneInfo(question.zone))
        heading = t("checkin_flow.heading", time=start)
    text = f"{heading}\n\n{t(keys.checkin_question(question.step_id))}"
    # Shoe names are the runner's own text, put verbatim into the plain-text labels.
    shoes = [
        _button(
            t.markup("checkin_flow.shoe_default", name=shoe.name)
            if shoe.is_default
            else shoe.name,
            callback_data.checkin(question.checkin_id, question.step, shoe.answer_id),
        )
        for shoe in question.shoes
    ]
    answers = [
        _answer_button(t, question, index, answer_id)
        for index, answer_id in enumerate(question.answer_ids)
    ]
    rows = _rows(shoes, 1) + _rows(answers, question.columns)
    if question.multi:
        done = "checkin_flow.signs_done" if question.picked else "checkin_flow.signs_none"
        data = callback_data.checkin_picked(
            question.checkin_id, question.step, callback_data.DONE, question.picked
        )
        rows.append([_button(t(done), data)])
    if question.step == 0:
        no_run = _button(
            t("checkin_flow.no_run"),
            callback_data.checkin(question.checkin_id, 0, callback_data.NO_RUN),
        )
        snooze = _button(
            t("checkin_flow.snooze"),
            callback_data.checkin(question.checkin_id, 0, callback_data.SNOOZE),
        )
        rows.append([snooze, no_run] if question.planned else [no_run])
    return Screen(text, InlineKeyboardMarkup(rows))


def _answer_button(
    t: Texts, question: CheckinQuestion, index: int, answer_id: str
) -> InlineKeyboardButton:
    label = t(keys.checkin_answer(question.step_id, answer_id))
    if not question.multi:
        return _button(label, callback_data.checkin(question.checkin_id, question.step, answer_id))
    bit = 1 << index
    if question.picked & bit:
        label = t.markup("checkin_flow.picked", label=label)
    picked = question.picked ^ bit
    data = callback_data.checkin_picked(
        question.checkin_id, question.step, callback_data.PICK, picked
    )
    return _button(label, data)


def checkin_done(t: Texts, knowledge: Knowledge, done: CheckinDone) -> Screen:
    """Return how a check-in ended: thanks and a fix, or the emergency or urgent message.

    A fix that describes a lacing pattern comes with its "Show me how" button.
    """
    if done.stops and done.action is not None:
        return Screen(emergency_text(t, done.action, done.stops))
    if done.alert_tier is not None:
        parts = [
            t(keys.tier_heading(done.alert_tier)),
            t(keys.tier_instruction(done.alert_tier)),
            "\n".join(f"• {t(keys.reason(reason))}" for reason in done.alert_reasons),
            t("checkin_flow.triage_hint"),
        ]
        return Screen("\n\n".join(parts))
    if not done.numb:
        return Screen(t("checkin_flow.thanks_clear"))
    parts = [t("checkin_flow.thanks_numb")]
    if done.fix is not None:
        fix = t(keys.fix(done.fix), shoe=done.shoe) if done.shoe else t(keys.fix(done.fix))
        parts.append(t.markup("checkin_flow.tip", tip=fix))
    if done.invite_to_gear:
        parts.append(t("checkin_flow.gear_invite"))
    parts.append(t("checkin_flow.triage_hint"))
    techniques = lacing_screens.techniques_for_fixes(knowledge, [done.fix] if done.fix else [])
    rows = lacing_screens.show_me_rows(t, techniques)
    return Screen("\n\n".join(parts), InlineKeyboardMarkup(rows) if rows else None)


def escalation_message(t: Texts, escalation: str, checkin_id: int) -> Screen:
    """Return the see-a-doctor message, with "I've seen a doctor about this"."""
    parts = [
        t(keys.tier_heading(Tier.SEE_DOCTOR)),
        t(keys.escalation(escalation)),
        t("checkin_flow.triage_hint"),
        f"<i>{t('disclaimer.not_diagnosis')}</i>",
    ]
    seen = _button(
        t("checkin_flow.seen_doctor"),
        callback_data.checkin(checkin_id, 0, callback_data.SEEN_DOCTOR),
    )
    return Screen("\n\n".join(parts), InlineKeyboardMarkup([[seen]]))
