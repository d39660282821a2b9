"""The naming convention that ties knowledge ids to catalogue keys in `knowledge/locales/`."""

from __future__ import annotations

from bot.content.models import Tier


def question(node_id: str) -> str:
    """Return the key of a node's question text."""
    return f"triage.{node_id}.question"


def answer(node_id: str, answer_id: str) -> str:
    """Return the key of an answer button's label."""
    return f"triage.{node_id}.{answer_id}"


def outcome(outcome_id: str) -> str:
    """Return the key of a stop outcome's message."""
    return f"outcome.{outcome_id}"


def action(action_id: str) -> str:
    """Return the key of an emergency's one instruction (what to do now)."""
    return f"action.{action_id}"


def health_note(note_id: str) -> str:
    """Return the key of a health note's name, as /privacy lists it."""
    return f"health_note.{note_id}"


def cause_name(cause_id: str) -> str:
    """Return the key of a cause's short name."""
    return f"cause.{cause_id}.name"


def cause_why(cause_id: str) -> str:
    """Return the key of a cause's one-line explanation."""
    return f"cause.{cause_id}.why"


def fix(fix_id: str) -> str:
    """Return the key of a fix's text."""
    return f"fix.{fix_id}"


def reason(reason_id: str) -> str:
    """Return the key of a tier-raising reason."""
    return f"reason.{reason_id}"


def tier_heading(tier: Tier) -> str:
    """Return the key of a tier's heading in a result."""
    return f"tier.{tier.value}.heading"


def tier_instruction(tier: Tier) -> str:
    """Return the key of a tier's concrete instruction."""
    return f"tier.{tier.value}.instruction"


def gear_question(setting_id: str) -> str:
    """Return the key of the question asked about a shoe setting."""
    return f"gear_setting.{setting_id}.question"


def gear_label(setting_id: str) -> str:
    """Return the key of a shoe setting's short name, shown on the shoe card."""
    return f"gear_setting.{setting_id}.label"


def gear_option(setting_id: str, option_id: str) -> str:
    """Return the key of a shoe setting option's label (button and shoe card)."""
    return f"gear_option.{setting_id}.{option_id}"


def checkin_question(step_id: str) -> str:
    """Return the key of a check-in step's question."""
    return f"checkin.{step_id}.question"


def checkin_answer(step_id: str, answer_id: str) -> str:
    """Return the key of a check-in answer button's label."""
    return f"checkin.{step_id}.{answer_id}"


def tip(tip_id: str) -> str:
    """Return the key of a pre-run tip's text."""
    return f"tip.{tip_id}"


def escalation(rule_id: str) -> str:
    """Return the key of the see-a-doctor message for an escalation rule."""
    return f"escalation.{rule_id}"


def export_column(step_id: str) -> str:
    """Return the key of a check-in step's column heading in the /export CSV."""
    return f"export_column.{step_id}"


def lacing_name(technique_id: str) -> str:
    """Return the key of a lacing diagram's name (its title and "Show me how" button)."""
    return f"lacing.{technique_id}.name"


def lacing_caption(technique_id: str) -> str:
    """Return the key of a lacing diagram's caption (HTML, under the picture)."""
    return f"lacing.{technique_id}.caption"


def lacing_window(technique_id: str) -> str:
    """Return the key of the label on a lacing diagram's window (the part no lace crosses)."""
    return f"lacing.{technique_id}.window"


def lacing_lace(technique_id: str, number: int) -> str:
    """Return the key of a lace's name in a two-lace diagram's legend (number 1 or 2)."""
    return f"lacing.{technique_id}.lace_{number}"


def command_description(command: str) -> str:
    """Return the key of a command's one-line description (menu and /help)."""
    return f"command.{command}"


COMMANDS = (
    "triage",
    "gear",
    "runs",
    "ran",
    "history",
    "pause",
    "settings",
    "privacy",
    "export",
    "delete_me",
    "cancel",
    "help",
    "start",
)
"""The command menu, in the order shown; each needs a `command.<name>` description."""

UI_TEXTS: dict[str, tuple[str, ...]] = {
    "disclaimer.not_emergency": (),
    "disclaimer.not_diagnosis": (),
    "start.welcome": ("name", "not_emergency"),
    "start.button_triage": (),
    "help.text": ("commands", "not_emergency"),
    "help.command_line": ("command", "description"),
    "settings.text": ("language", "timezone", "reminders"),
    "settings.button_timezone": (),
    "settings.button_pause": (),
    "settings.button_resume": (),
    "settings.language_auto": ("language",),
    "settings.saved": ("language",),
    "privacy.text": ("your_notes", "days"),
    "privacy.your_notes": ("notes",),
    "privacy.no_notes": (),
    "delete.confirm": (),
    "delete.button_yes": (),
    "delete.button_no": (),
    "delete.done": (),
    "delete.kept": (),
    "cancel.done": (),
    "cancel.nothing": (),
    "fallback.unknown_command": ("command",),
    "fallback.free_text": (),
    "fallback.free_text_in_triage": (),
    "fallback.not_text": (),
    "triage_flow.progress": ("number",),
    "triage_flow.back": (),
    "triage_flow.cancel": (),
    "triage_flow.cancelled": (),
    "triage_flow.finished": (),
    "triage_flow.invalid_button": (),
    "triage_flow.already_noted": (),
    "triage_flow.restarted": (),
    "triage_flow.reasons_heading": (),
    "triage_flow.causes_heading": (),
    "triage_flow.cause": ("number", "name", "why", "fixes"),
    "triage_flow.fix": ("fix",),
    "triage_flow.again": (),
    "triage_flow.gear_invite": (),
    "gear_flow.list_empty": (),
    "gear_flow.list": ("shoes",),
    "gear_flow.list_line": ("name",),
    "gear_flow.list_line_default": ("name",),
    "gear_flow.button_add": (),
    "gear_flow.button_shoe_default": ("name",),
    "gear_flow.ask_name": ("limit",),
    "gear_flow.ask_rename": ("name", "limit"),
    "gear_flow.button_cancel": (),
    "gear_flow.name_empty": (),
    "gear_flow.name_too_long": ("length", "limit"),
    "gear_flow.name_special": (),
    "gear_flow.name_taken": ("name",),
    "gear_flow.limit_reached": ("limit",),
    "gear_flow.naming_stopped": (),
    "gear_flow.added": ("name",),
    "gear_flow.added_default": ("name",),
    "gear_flow.renamed": ("name",),
    "gear_flow.card_heading": ("name",),
    "gear_flow.card_default": (),
    "gear_flow.card_not_default": (),
    "gear_flow.card_line": ("setting", "value"),
    "gear_flow.not_set": (),
    "gear_flow.button_setting": ("setting",),
    "gear_flow.button_make_default": (),
    "gear_flow.button_rename": (),
    "gear_flow.button_delete": (),
    "gear_flow.button_list": (),
    "gear_flow.made_default": ("name",),
    "gear_flow.question_heading": ("name",),
    "gear_flow.question_progress": ("name", "number", "total"),
    "gear_flow.button_unsure": (),
    "gear_flow.button_back": (),
    "gear_flow.button_finish": (),
    "gear_flow.delete_confirm": ("name",),
    "gear_flow.button_delete_yes": (),
    "gear_flow.button_delete_no": (),
    "gear_flow.deleted": ("name",),
    "gear_flow.deleted_new_default": ("name", "default"),
    "gear_flow.shoe_gone": (),
    "gear_flow.invalid_button": (),
    "tz.ask": ("zone", "now"),
    "tz.ask_first": ("zone", "now"),
    "tz.keep": ("zone",),
    "tz.saved": ("zone", "now"),
    "tz.unknown": ("text",),
    "tz.assumed": ("zone",),
    "tz.typing_stopped": (),
    "runs.title": (),
    "runs.none": ("before", "after"),
    "runs.zone_line": ("zone",),
    "runs.paused_line": ("state",),
    "runs.weekly": ("days", "time", "duration"),
    "runs.once": ("date", "time", "duration"),
    "runs.every_day": (),
    "runs.day_names": (),
    "runs.month_names": (),
    "runs.date": ("weekday", "day", "month"),
    "runs.moment": ("date", "time"),
    "runs.flags": ("tip", "checkin"),
    "runs.on": (),
    "runs.off": (),
    "runs.add": (),
    "runs.limit": ("max",),
    "runs.ask_days": (),
    "runs.ask_days_edit": (),
    "runs.just_once": (),
    "runs.next": (),
    "runs.need_a_day": (),
    "runs.ask_date": (),
    "runs.today": ("date",),
    "runs.tomorrow": ("date",),
    "runs.ask_time": (),
    "runs.bad_time": ("text",),
    "runs.ask_duration": ("after",),
    "runs.minutes": ("minutes",),
    "runs.summary_draft": ("run",),
    "runs.summary": ("run", "next"),
    "runs.no_next": (),
    "runs.button_tip": ("state",),
    "runs.button_checkin": ("state",),
    "runs.save": (),
    "runs.saved": (),
    "runs.change_days": (),
    "runs.change_time": (),
    "runs.change_duration": (),
    "runs.delete": (),
    "runs.delete_confirm": ("run",),
    "runs.delete_yes": (),
    "runs.deleted": (),
    "runs.all_runs": (),
    "runs.back": (),
    "runs.cancel": (),
    "runs.cancelled": (),
    "runs.gone": (),
    "runs.in_past": (),
    "runs.invalid_button": (),
    "runs.typing_stopped": (),
    "pause.ask": (),
    "pause.week": ("days",),
    "pause.open_ended": (),
    "pause.paused_until": ("until",),
    "pause.paused_open": (),
    "pause.resume": (),
    "pause.resumed": (),
    "pause.state_on": (),
    "pause.state_until": ("until",),
    "pause.state_open": (),
    "tip_flow.message": ("time", "tip"),
    "tip_flow.skip": (),
    "tip_flow.pause": (),
    "tip_flow.skipped": (),
    "checkin_flow.heading": ("time",),
    "checkin_flow.snooze": (),
    "checkin_flow.no_run": (),
    "checkin_flow.snoozed": ("minutes",),
    "checkin_flow.noted_no_run": (),
    "checkin_flow.thanks_clear": (),
    "checkin_flow.thanks_numb": (),
    "checkin_flow.tip": ("tip",),
    "checkin_flow.triage_hint": (),
    "checkin_flow.closed": (),
    "checkin_flow.already_noted": (),
    "checkin_flow.invalid_button": (),
    "checkin_flow.shoe_default": ("name",),
    "checkin_flow.shoe_gone": (),
    "checkin_flow.gear_invite": (),
    "checkin_flow.picked": ("label",),
    "checkin_flow.signs_none": (),
    "checkin_flow.signs_done": (),
    "checkin_flow.seen_doctor": (),
    "checkin_flow.seen_doctor_noted": ("days",),
    "ran_flow.button": (),
    "ran_flow.heading": (),
    "ran_flow.already_noted": (),
    "export.nothing": (),
    "export.json_caption": (),
    "export.csv_caption": (),
    "export.button": (),
    "export.column_date": (),
    "export.column_time": ("zone",),
    "export.column_status": (),
    "export.status_open": (),
    "export.status_answered": (),
    "export.status_no_run": (),
    "export.deleted_shoe": (),
    "lacing_flow.button": ("name",),
    "lacing_flow.toes": (),
    "lacing_flow.ankle": (),
    "lacing_flow.inside": (),
    "lacing_flow.unlaced": (),
    "lacing_flow.invalid_button": (),
    "history.heading": (),
    "history.heading_page": ("page",),
    "history.empty": (),
    "history.line": ("date", "parts"),
    "history.date": ("day", "month"),
    "history.date_year": ("day", "month", "year"),
    "history.numb": (),
    "history.clear": (),
    "history.in_shoe": ("name",),
    "history.in_deleted_shoe": (),
    "history.triage_emergency": (),
    "history.triage_urgent": (),
    "history.triage_see_doctor": (),
    "history.triage_self_care": (),
    "history.button_older": (),
    "history.button_newer": (),
    "history.page_gone": (),
    "history.invalid_button": (),
    "history.not_enough": ("runs", "needed", "weeks"),
    "history.chart_title": ("weeks",),
    "history.chart_numb": (),
    "history.chart_clear": (),
    "history.chart_no_shoe": (),
    "history.chart_other_shoes": (),
    "history.chart_deleted_shoe": (),
    "history.caption": ("runs", "weeks"),
    "history.change": ("setting", "option"),
    "history.change_line": (
        "shoe",
        "change",
        "date",
        "numb_after",
        "runs_after",
        "numb_before",
        "runs_before",
    ),
    "history.change_line_until": (
        "shoe",
        "change",
        "date",
        "until",
        "numb_after",
        "runs_after",
        "numb_before",
        "runs_before",
    ),
    "history.no_comparison": ("needed",),
    "history.caution": (),
    "error.generic": (),
    "error.telegram_busy": (),
}
"""Every text the handlers show, with the placeholders the code fills in."""
