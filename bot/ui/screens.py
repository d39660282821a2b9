"""Screens: the text and inline keyboard for each view, built only from catalogue texts."""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import keys
from bot.content.catalog import Catalog, Texts
from bot.content.keys import COMMANDS
from bot.content.loader import Knowledge
from bot.content.models import Tier
from bot.content.triage_engine import Question, Result
from bot.services.triage import TriageView
from bot.ui import callback_data, export_files, lacing_screens


@dataclass(frozen=True, slots=True)
class Screen:
    """A message to send or to edit in place."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


def welcome(t: Texts, first_name: str) -> Screen:
    """Return the /start greeting with its button into triage."""
    text = t.markup(
        "start.welcome", name=html.escape(first_name), not_emergency=t("disclaimer.not_emergency")
    )
    button = InlineKeyboardButton(
        t("start.button_triage"), callback_data=callback_data.START_TRIAGE
    )
    return Screen(text, InlineKeyboardMarkup([[button]]))


def help_screen(t: Texts) -> Screen:
    """Return /help: what the bot does and every command."""
    lines = "\n".join(
        t("help.command_line", command=name, description=t(keys.command_description(name)))
        for name in COMMANDS
    )
    return Screen(
        t.markup("help.text", commands=lines, not_emergency=t("disclaimer.not_emergency"))
    )


def privacy_screen(t: Texts, notes: Sequence[str], retention_days: int) -> Screen:
    """Return /privacy: what is kept, why and how long, the health notes, an export button."""
    names = ", ".join(t(keys.health_note(note)) for note in notes)
    your_notes = t("privacy.your_notes", notes=names) if notes else t("privacy.no_notes")
    keyboard = InlineKeyboardMarkup([[export_files.export_button(t)]])
    text = t.markup("privacy.text", your_notes=your_notes, days=str(retention_days))
    return Screen(text, keyboard)


def settings_screen(
    t: Texts,
    catalog: Catalog,
    chosen: str | None,
    telegram: str | None,
    reminders: ReminderSettings,
) -> Screen:
    """Return /settings: language buttons (current choice marked), time zone, pause, export."""
    current = catalog.names[catalog.resolve(chosen or telegram)]
    auto = t("settings.language_auto", language=catalog.names[catalog.resolve(telegram)])
    rows = [[_button(auto, callback_data.language(callback_data.AUTO_LANGUAGE), chosen is None)]]
    rows += [
        [_button(name, callback_data.language(code), chosen == code)]
        for code, name in sorted(catalog.names.items())
    ]
    pause = (
        InlineKeyboardButton(t("settings.button_resume"), callback_data=callback_data.RESUME)
        if reminders.paused
        else InlineKeyboardButton(t("settings.button_pause"), callback_data=callback_data.PAUSE)
    )
    timezone = InlineKeyboardButton(
        t("settings.button_timezone"), callback_data=callback_data.TIMEZONE
    )
    rows.append([timezone, pause])
    rows.append([export_files.export_button(t)])
    text = t(
        "settings.text",
        language=current,
        timezone=reminders.timezone,
        reminders=reminders.state,
    )
    return Screen(text, InlineKeyboardMarkup(rows))


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    """The reminder part of /settings, already in words."""

    timezone: str
    state: str
    paused: bool


def delete_confirmation(t: Texts) -> Screen:
    """Return the "delete everything?" question with yes/no buttons."""
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("delete.button_yes"), callback_data=callback_data.delete(True)
                )
            ],
            [
                InlineKeyboardButton(
                    t("delete.button_no"), callback_data=callback_data.delete(False)
                )
            ],
        ]
    )
    return Screen(t("delete.confirm"), keyboard)


def triage_screen(t: Texts, knowledge: Knowledge, triage: TriageView) -> Screen:
    """Return the screen for a triage session: its current question or its result."""
    if isinstance(triage.view, Result):
        text = result_text(t, knowledge, triage.view, triage.shoe_name, triage.invite_to_gear)
        return Screen(text, result_keyboard(t, knowledge, triage.view))
    first = triage.view.node_id == knowledge.tree.root
    return _question_screen(t, triage.session_id, triage.view, triage.restarted, first)


def _question_screen(
    t: Texts, session_id: int, question: Question, restarted: bool, first: bool
) -> Screen:
    parts = [t("triage_flow.restarted")] if restarted else []
    if first:  # the safety screen: not-for-emergencies comes before any question
        parts.append(t("disclaimer.not_emergency"))
    parts.append(t("triage_flow.progress", number=question.step + 1))
    parts.append(t(keys.question(question.node_id)))
    answers = [
        InlineKeyboardButton(
            t(keys.answer(question.node_id, answer_id)),
            callback_data=callback_data.triage(session_id, question.step, answer_id),
        )
        for answer_id in question.answer_ids
    ]
    rows = _rows(answers, question.columns)
    navigation = [
        InlineKeyboardButton(
            t("triage_flow.cancel"),
            callback_data=callback_data.triage(session_id, question.step, callback_data.CANCEL),
        )
    ]
    if question.can_go_back:
        navigation.insert(
            0,
            InlineKeyboardButton(
                t("triage_flow.back"),
                callback_data=callback_data.triage(session_id, question.step, callback_data.BACK),
            ),
        )
    return Screen("\n\n".join(parts), InlineKeyboardMarkup([*rows, navigation]))


def result_text(
    t: Texts,
    knowledge: Knowledge,
    result: Result,
    shoe_name: str | None = None,
    invite_to_gear: bool = False,
) -> str:
    """Return a finished triage: tier, instruction, why, likely causes and fixes, disclaimer.

    What to do comes first, and an emergency or urgent result says nothing after it that
    could read as a softer instruction: an emergency is its action and what the signs could
    mean; an urgent result names the likely causes without fixes. `shoe_name` is the
    default shoe the fixes were fitted to; `invite_to_gear` adds a line pointing to /gear for
    a runner who has no shoe yet.
    """
    if result.stop is not None:
        return emergency_text(t, knowledge.stops[result.stop].action, (result.stop,))
    urgent = result.tier.rank >= Tier.URGENT.rank
    parts = [t(keys.tier_heading(result.tier)), t(keys.tier_instruction(result.tier))]
    if result.reasons:
        reasons = "\n".join(f"• {t(keys.reason(reason))}" for reason in result.reasons)
        parts.append(f"<b>{t('triage_flow.reasons_heading')}</b>\n{reasons}")
    if result.causes:
        causes = "\n\n".join(
            _cause(t, knowledge, number, cause_id, () if urgent else fixes, shoe_name)
            for number, (cause_id, fixes) in enumerate(
                zip(result.causes, result.fixes, strict=True), start=1
            )
        )
        parts.append(f"<b>{t('triage_flow.causes_heading')}</b>\n\n{causes}")
    parts.append(f"<i>{t('disclaimer.not_diagnosis')}</i>")
    if urgent:
        return "\n\n".join(parts)
    if invite_to_gear:
        parts.append(t("triage_flow.gear_invite"))
    parts.append(t("triage_flow.again"))
    return "\n\n".join(parts)


def result_keyboard(t: Texts, knowledge: Knowledge, result: Result) -> InlineKeyboardMarkup | None:
    """Return "Show me how" buttons for the lacing fixes a result shows, or None."""
    if result.stop is not None or result.tier.rank >= Tier.URGENT.rank:
        return None  # no fixes are shown: getting help comes first
    fixes = itertools.chain.from_iterable(result.fixes)
    rows = lacing_screens.show_me_rows(t, lacing_screens.techniques_for_fixes(knowledge, fixes))
    return InlineKeyboardMarkup(rows) if rows else None


def emergency_text(t: Texts, action: str, stops: Sequence[str]) -> str:
    """Return the emergency message: its one instruction first, then what the signs mean."""
    parts = [t(keys.tier_heading(Tier.EMERGENCY)), t(keys.action(action))]
    parts += [t(keys.outcome(stop)) for stop in stops]
    return "\n\n".join(parts)


def _cause(
    t: Texts,
    knowledge: Knowledge,
    number: int,
    cause_id: str,
    fix_ids: Sequence[str],
    shoe_name: str | None,
) -> str:
    fixes = "\n".join(
        t.markup("triage_flow.fix", fix=_fix(t, knowledge, fix_id, shoe_name))
        for fix_id in fix_ids
    )
    return t.markup(
        "triage_flow.cause",
        number=str(number),
        name=t(keys.cause_name(cause_id)),
        why=t(keys.cause_why(cause_id)),
        fixes=fixes,
    ).rstrip()


def _fix(t: Texts, knowledge: Knowledge, fix_id: str, shoe_name: str | None) -> str:
    # A variant exists only in a result fitted to a shoe, so its name is known; the name is
    # the runner's own text and is escaped like every placeholder value.
    if fix_id in knowledge.fix_variants and shoe_name is not None:
        return t(keys.fix(fix_id), shoe=shoe_name)
    return t(keys.fix(fix_id))


def _rows(
    buttons: Sequence[InlineKeyboardButton], columns: int
) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + columns]) for i in range(0, len(buttons), columns)]


def _button(label: str, data: str, selected: bool) -> InlineKeyboardButton:
    return InlineKeyboardButton(f"✓ {label}" if selected else label, callback_data=data)
