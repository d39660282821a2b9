"""/gear screens: the shoe list, a shoe's card, its questions, and the naming prompts.

Shoe names are the runner's own text: escaped wherever they go into HTML, and put verbatim
into button labels and toasts, which Telegram shows as plain text.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import keys
from bot.content.catalog import Texts
from bot.content.models import GearSetting
from bot.services import gear
from bot.ui import callback_data
from bot.ui.screens import Screen


@dataclass(frozen=True, slots=True)
class GearReply:
    """How to answer a gear action: a screen to show, and a toast or alert for a press."""

    screen: Screen | None
    note: str | None = None
    """Plain text: a toast for a button press, or a first line for a typed message."""
    alert: bool = False


def reply(t: Texts, rules: Mapping[str, GearSetting], view: gear.GearView) -> GearReply:
    """Return the answer to any gear use case's result."""
    if isinstance(view, gear.Refusal):
        if view is gear.Refusal.LIMIT:
            return GearReply(None, t("gear_flow.limit_reached", limit=gear.MAX_SHOES), True)
        return GearReply(None, t("gear_flow.invalid_button"), alert=True)
    if isinstance(view, gear.GearList):
        return GearReply(shoe_list(t, view), _list_note(t, view))
    if isinstance(view, gear.ShoeCard):
        note = t.markup("gear_flow.made_default", name=view.shoe.name)
        return GearReply(shoe_card(t, rules, view.shoe), note if view.made_default else None)
    if isinstance(view, gear.SettingQuestion):
        return GearReply(setting_question(t, view))
    if isinstance(view, gear.DeletePrompt):
        return GearReply(delete_confirmation(t, view.shoe))
    if isinstance(view, gear.NamePrompt):
        return GearReply(name_prompt(t, view))
    return GearReply(named(t, rules, view))


def typed_reply(t: Texts, rules: Mapping[str, GearSetting], view: gear.GearView) -> Screen:
    """Return the message answering a typed shoe name: notes become its first line."""
    answer = reply(t, rules, view)
    note = html.escape(answer.note) if answer.note else None
    if answer.screen is None:
        return Screen(note or "")
    if note is None:
        return answer.screen
    return Screen(f"{note}\n\n{answer.screen.text}", answer.screen.keyboard)


def shoe_list(t: Texts, view: gear.GearList) -> Screen:
    """Return /gear: the runner's shoes (default marked) and the button to add one."""
    add = [_button(t("gear_flow.button_add"), callback_data.gear(callback_data.GEAR_ADD))]
    if not view.shoes:
        return Screen(t("gear_flow.list_empty"), InlineKeyboardMarkup([add]))
    lines = "\n".join(
        t(
            "gear_flow.list_line_default" if shoe.is_default else "gear_flow.list_line",
            name=shoe.name,
        )
        for shoe in view.shoes
    )
    rows = [
        [
            _button(
                t.markup("gear_flow.button_shoe_default", name=shoe.name)
                if shoe.is_default
                else shoe.name,
                callback_data.gear_shoe(callback_data.GEAR_OPEN, shoe.id),
            )
        ]
        for shoe in view.shoes
    ]
    return Screen(t.markup("gear_flow.list", shoes=lines), InlineKeyboardMarkup([*rows, add]))


def shoe_card(t: Texts, rules: Mapping[str, GearSetting], shoe: gear.ShoeView) -> Screen:
    """Return a shoe's card: its settings, with buttons to change each and manage the shoe."""
    settings = "\n".join(
        t.markup(
            "gear_flow.card_line",
            setting=t(keys.gear_label(setting_id)),
            value=_value(t, setting_id, shoe.settings.get(setting_id)),
        )
        for setting_id in rules
    )
    status = t("gear_flow.card_default" if shoe.is_default else "gear_flow.card_not_default")
    text = f"{t('gear_flow.card_heading', name=shoe.name)}\n{status}\n\n{settings}"
    change = [
        _button(
            t.markup("gear_flow.button_setting", setting=t(keys.gear_label(setting_id))),
            callback_data.gear_ask(shoe.id, setting_id, wizard=False),
        )
        for setting_id in rules
    ]
    manage = [
        _button(
            t("gear_flow.button_rename"),
            callback_data.gear_shoe(callback_data.GEAR_RENAME, shoe.id),
        )
    ]
    if not shoe.is_default:
        manage.insert(
            0,
            _button(
                t("gear_flow.button_make_default"),
                callback_data.gear_shoe(callback_data.GEAR_DEFAULT, shoe.id),
            ),
        )
    last = [
        _button(
            t("gear_flow.button_delete"),
            callback_data.gear_shoe(callback_data.GEAR_DELETE, shoe.id),
        ),
        _button(t("gear_flow.button_list"), callback_data.gear(callback_data.GEAR_LIST)),
    ]
    return Screen(text, InlineKeyboardMarkup([*_rows(change, 2), manage, last]))


def setting_question(t: Texts, question: gear.SettingQuestion) -> Screen:
    """Return a question about one setting of a shoe, the current answer ticked."""
    shoe, setting = question.shoe, question.setting
    if question.wizard:
        heading = t(
            "gear_flow.question_progress",
            name=shoe.name,
            number=question.number,
            total=question.total,
        )
    else:
        heading = t("gear_flow.question_heading", name=shoe.name)
    current = shoe.settings.get(setting.id)
    options = [
        _button(
            f"✓ {label}" if option == current else label,
            callback_data.gear_set(shoe.id, setting.id, question.wizard, option),
        )
        for option in setting.options
        for label in [t(keys.gear_option(setting.id, option))]
    ]
    unsure = _button(
        t("gear_flow.button_unsure"),
        callback_data.gear_set(shoe.id, setting.id, question.wizard, None),
    )
    to_card = callback_data.gear_shoe(callback_data.GEAR_OPEN, shoe.id)
    back = (
        to_card
        if question.previous is None
        else callback_data.gear_ask(shoe.id, question.previous, wizard=True)
    )
    navigation = [_button(t("gear_flow.button_back"), back)]
    if question.wizard:
        navigation.append(_button(t("gear_flow.button_finish"), to_card))
    keyboard = [*_rows(options, setting.columns), [unsure], navigation]
    text = f"{heading}\n\n{t(keys.gear_question(setting.id))}"
    return Screen(text, InlineKeyboardMarkup(keyboard))


def delete_confirmation(t: Texts, shoe: gear.ShoeView) -> Screen:
    """Return the "delete this shoe?" question."""
    yes = callback_data.gear_shoe(callback_data.GEAR_DELETE_CONFIRMED, shoe.id)
    no = callback_data.gear_shoe(callback_data.GEAR_OPEN, shoe.id)
    keyboard = [
        [_button(t("gear_flow.button_delete_yes"), yes)],
        [_button(t("gear_flow.button_delete_no"), no)],
    ]
    return Screen(t("gear_flow.delete_confirm", name=shoe.name), InlineKeyboardMarkup(keyboard))


def name_prompt(t: Texts, prompt: gear.NamePrompt) -> Screen:
    """Return the request for a typed name, or why the last one was not taken."""
    limit = gear.NAME_MAX_LENGTH
    if prompt.problem is gear.NameProblem.TOO_LONG:
        text = t("gear_flow.name_too_long", length=len(prompt.typed), limit=limit)
    elif prompt.problem is gear.NameProblem.EMPTY:
        text = t("gear_flow.name_empty")
    elif prompt.problem is gear.NameProblem.SPECIAL:
        text = t("gear_flow.name_special")
    elif prompt.problem is gear.NameProblem.TAKEN:
        text = t("gear_flow.name_taken", name=prompt.typed)
    elif prompt.shoe is None:
        text = t("gear_flow.ask_name", limit=limit)
    else:
        text = t("gear_flow.ask_rename", name=prompt.shoe.name, limit=limit)
    cancel = _button(
        t("gear_flow.button_cancel"), callback_data.gear(callback_data.GEAR_CANCEL_NAMING)
    )
    return Screen(text, InlineKeyboardMarkup([[cancel]]))


def named(t: Texts, rules: Mapping[str, GearSetting], view: gear.Named) -> Screen:
    """Return the message after a typed name was taken: the first question, or the card."""
    following = view.next
    if isinstance(following, gear.SettingQuestion):
        shoe = following.shoe
        key = "gear_flow.added_default" if shoe.is_default else "gear_flow.added"
        screen = setting_question(t, following)
    else:
        shoe = following.shoe
        key = "gear_flow.renamed"
        screen = shoe_card(t, rules, shoe)
    return Screen(f"{t(key, name=shoe.name)}\n\n{screen.text}", screen.keyboard)


def _list_note(t: Texts, view: gear.GearList) -> str | None:
    if view.shoe_gone:
        return t("gear_flow.shoe_gone")
    if view.deleted is not None and view.new_default is not None:
        return t.markup(
            "gear_flow.deleted_new_default", name=view.deleted, default=view.new_default
        )
    if view.deleted is not None:
        return t.markup("gear_flow.deleted", name=view.deleted)
    return None


def _value(t: Texts, setting_id: str, option: str | None) -> str:
    return t("gear_flow.not_set") if option is None else t(keys.gear_option(setting_id, option))


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def _rows(
    buttons: Sequence[InlineKeyboardButton], columns: int
) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + columns]) for i in range(0, len(buttons), columns)]
