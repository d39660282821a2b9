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


def command_description(command: str) -> str:
    """Return the key of a command's one-line description (menu and /help)."""
    return f"command.{command}"


COMMANDS = ("triage", "settings", "privacy", "delete_me", "cancel", "help", "start")
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
    "error.generic": (),
    "error.telegram_busy": (),
}
"""Every text the handlers show, with the placeholders the code fills in."""
