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


def command_description(command: str) -> str:
    """Return the key of a command's one-line description (menu and /help)."""
    return f"command.{command}"


COMMANDS = ("triage", "gear", "settings", "privacy", "delete_me", "cancel", "help", "start")
"""The command menu, in the order shown; each needs a `command.<name>` description."""

UI_TEXTS: dict[str, tuple[str, ...]] = {
    "disclaimer.not_emergency": (),
    "disclaimer.not_diagnosis": (),
    "start.welcome": ("name", "not_emergency"),
    "start.button_triage": (),
    "help.text": ("commands", "not_emergency"),
    "help.command_line": ("command", "description"),
    "settings.text": ("language",),
    "settings.language_auto": ("language",),
    "settings.saved": ("language",),
    "privacy.text": (),
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
    "error.generic": (),
    "error.telegram_busy": (),
}
"""Every text the handlers show, with the placeholders the code fills in."""
