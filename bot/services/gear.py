"""Gear use cases: a runner's shoes, the settings of each, and naming shoes by typed text.

State lives in the database: the shoes, and a shoe name the bot may be waiting for (the
runner's one `PendingInput`, shared with /runs: the latest question asked wins), so a restart
or a second process loses nothing. Each shoe's creation and every change to its settings is
also written to `gear_changes` with its time, so /history can compare before and after.
Settings are stored as the option ids of `knowledge/gear.yaml`; an id the content no longer
offers reads as "not set". Every function takes the repositories of the caller's unit of work
and plain values, and returns view-models; nothing here knows about Telegram.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.content.models import GearSetting
from bot.db.models import (
    GEAR_CREATED,
    SHOE_NAME_LENGTH,
    GearChange,
    PendingInput,
    PendingKind,
    Shoe,
)
from bot.db.uow import Repositories

MAX_SHOES = 10
"""The most shoes one runner can keep."""
NAME_MAX_LENGTH = SHOE_NAME_LENGTH
"""The longest shoe name, in characters."""
NAMING_EXPIRES_AFTER = timedelta(hours=1)
"""A name typed later than this after the bot asked for it is treated as ordinary text."""
NAMING = frozenset({PendingKind.ADD_SHOE, PendingKind.RENAME_SHOE})
"""The typed answers gear waits for."""

GearRules = Mapping[str, GearSetting]
"""The settings of `knowledge/gear.yaml` by id, in the order they are asked."""

# Characters that reorder or hide text around them: never part of a shoe name.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class NameProblem(StrEnum):
    """Why a typed shoe name was not taken."""

    EMPTY = "empty"
    """Nothing visible in it."""
    TOO_LONG = "too_long"
    """Longer than `NAME_MAX_LENGTH` characters."""
    SPECIAL = "special"
    """Several lines, or control characters."""
    TAKEN = "taken"
    """Another of the runner's shoes has this name (ignoring case)."""


class Refusal(StrEnum):
    """Why a gear action was not carried out."""

    LIMIT = "limit"
    """The runner already has `MAX_SHOES` shoes."""
    INVALID = "invalid"
    """A setting or option the content doesn't have (forged or outdated button)."""


@dataclass(frozen=True, slots=True)
class ShoeView:
    """A shoe as shown: its current settings only (outdated option ids are left out)."""

    id: int
    name: str
    is_default: bool
    settings: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class GearList:
    """The runner's shoes, oldest first."""

    shoes: tuple[ShoeView, ...]
    deleted: str | None = None
    """The name of the shoe just deleted, if any."""
    new_default: str | None = None
    """The shoe that became the default because the default was deleted."""
    shoe_gone: bool = False
    """True when the list stands in for a shoe that was deleted or was never this runner's."""


@dataclass(frozen=True, slots=True)
class ShoeCard:
    """One shoe with all its settings."""

    shoe: ShoeView
    made_default: bool = False
    """True right after the runner made this shoe the default."""


@dataclass(frozen=True, slots=True)
class SettingQuestion:
    """A question about one setting of a shoe.

    In the set-up of a new shoe (`wizard`), answering moves on to the next setting and back
    returns to the previous one; otherwise both return to the shoe card.
    """

    shoe: ShoeView
    setting: GearSetting
    wizard: bool
    number: int
    """The setting's place in the set-up, from 1."""
    total: int
    previous: str | None
    """The setting asked before this one in the set-up; None goes back to the shoe card."""


@dataclass(frozen=True, slots=True)
class DeletePrompt:
    """The "delete this shoe?" question."""

    shoe: ShoeView


@dataclass(frozen=True, slots=True)
class NamePrompt:
    """The bot waits for a typed name: for a new shoe, or for `shoe` when renaming it."""

    shoe: ShoeView | None = None
    problem: NameProblem | None = None
    """Why the last typed name was not taken, if it wasn't."""
    typed: str = ""
    """The name that was not taken, trimmed."""


@dataclass(frozen=True, slots=True)
class Named:
    """A typed name was taken: a new shoe is being set up, or a shoe was renamed."""

    next: SettingQuestion | ShoeCard
    added: bool


GearView = GearList | ShoeCard | SettingQuestion | DeletePrompt | NamePrompt | Named | Refusal
"""Everything a gear use case can return."""


@dataclass(frozen=True, slots=True)
class DefaultShoe:
    """The runner's default shoe, as triage results use it."""

    name: str
    settings: Mapping[str, str]


def clean_name(text: str) -> tuple[str, NameProblem | None]:
    """Return a typed shoe name trimmed, with runs of spaces made one, and any problem."""
    stripped = text.strip()
    if any(unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS for c in stripped):
        return stripped, NameProblem.SPECIAL
    name = " ".join(stripped.split())
    if not any(unicodedata.category(c)[0] not in "CZ" for c in name):
        return name, NameProblem.EMPTY
    if len(name) > NAME_MAX_LENGTH:
        return name, NameProblem.TOO_LONG
    return name, None


async def overview(
    repos: Repositories, rules: GearRules, user_id: int, language_code: str | None, now: datetime
) -> GearList:
    """Return the runner's shoes for /gear; a name the bot was waiting for is no longer."""
    await repos.users.seen(user_id, language_code, now)
    await repos.pending.clear(user_id, NAMING)
    return GearList(_views(rules, await repos.shoes.for_user(user_id)))


async def shoe_list(repos: Repositories, rules: GearRules, user_id: int) -> GearList:
    """Return the runner's shoes."""
    return GearList(_views(rules, await repos.shoes.for_user(user_id)))


async def ask_for_name(
    repos: Repositories,
    rules: GearRules,
    user_id: int,
    language_code: str | None,
    shoe_id: int | None,
    now: datetime,
) -> NamePrompt | GearList | Refusal:
    """Wait for a typed name: for a new shoe (`shoe_id` None) or to rename one."""
    await repos.users.seen(user_id, language_code, now)
    if shoe_id is None:
        if len(await repos.shoes.for_user(user_id)) >= MAX_SHOES:
            return Refusal.LIMIT
        await repos.pending.wait_for(
            user_id, PendingKind.ADD_SHOE, None, now, now + NAMING_EXPIRES_AFTER
        )
        return NamePrompt()
    shoe = await repos.shoes.get(user_id, shoe_id)
    if shoe is None:
        return await _gone(repos, rules, user_id)
    await repos.pending.wait_for(
        user_id, PendingKind.RENAME_SHOE, shoe.id, now, now + NAMING_EXPIRES_AFTER
    )
    return NamePrompt(_view(rules, shoe))


async def cancel_naming(
    repos: Repositories, rules: GearRules, user_id: int
) -> ShoeCard | GearList:
    """Stop waiting for a typed name; return to the shoe being renamed, or to the list.

    A question asked since (a time zone, say) is not a name: it stays awaited.
    """
    pending = await repos.pending.get(user_id)
    if pending is None or pending.kind not in NAMING:
        return await shoe_list(repos, rules, user_id)
    renaming = pending.ref_id if pending.kind == PendingKind.RENAME_SHOE else None
    await repos.pending.clear(user_id, NAMING)
    if renaming is not None:
        shoe = await repos.shoes.get(user_id, renaming)
        if shoe is not None:
            return ShoeCard(_view(rules, shoe))
    return await shoe_list(repos, rules, user_id)


async def receive_name(
    repos: Repositories,
    rules: GearRules,
    user_id: int,
    pending: PendingInput,
    text: str,
    now: datetime,
) -> Named | NamePrompt | GearList | Refusal:
    """Take typed text as the shoe name `pending` (a naming, still current) waits for."""
    shoes = await repos.shoes.for_user(user_id)
    renamed = next((s for s in shoes if s.id == pending.ref_id), None)
    if pending.kind == PendingKind.RENAME_SHOE and renamed is None:
        await repos.pending.clear(user_id)
        return await _gone(repos, rules, user_id)
    name, problem = clean_name(text)
    if problem is None and any(
        s.name.casefold() == name.casefold() and s is not renamed for s in shoes
    ):
        problem = NameProblem.TAKEN
    if problem is not None:
        shown = None if renamed is None else _view(rules, renamed)
        return NamePrompt(shown, problem, name)
    await repos.pending.clear(user_id)
    if renamed is None and len(shoes) >= MAX_SHOES:
        return Refusal.LIMIT
    if renamed is not None:
        renamed.name, renamed.updated_at = name, now
        return Named(ShoeCard(_view(rules, renamed)), added=False)
    shoe = await repos.shoes.add(
        Shoe(
            user_id=user_id,
            name=name,
            is_default=not shoes,
            settings={},
            created_at=now,
            updated_at=now,
        )
    )
    _record(repos, shoe, GEAR_CREATED, None, None, now)
    first = next(iter(rules))
    return Named(_question(rules, _view(rules, shoe), first, wizard=True), added=True)


async def open_shoe(
    repos: Repositories, rules: GearRules, user_id: int, shoe_id: int
) -> ShoeCard | GearList:
    """Return one of the runner's shoes with its settings."""
    shoe = await repos.shoes.get(user_id, shoe_id)
    return await _gone(repos, rules, user_id) if shoe is None else ShoeCard(_view(rules, shoe))


async def ask(
    repos: Repositories,
    rules: GearRules,
    user_id: int,
    shoe_id: int,
    setting_id: str,
    wizard: bool,
) -> SettingQuestion | GearList | Refusal:
    """Return the question about one setting of a shoe."""
    if setting_id not in rules:
        return Refusal.INVALID
    shoe = await repos.shoes.get(user_id, shoe_id)
    if shoe is None:
        return await _gone(repos, rules, user_id)
    return _question(rules, _view(rules, shoe), setting_id, wizard)


async def choose(
    repos: Repositories,
    rules: GearRules,
    user_id: int,
    shoe_id: int,
    setting_id: str,
    option: str | None,
    wizard: bool,
    now: datetime,
) -> SettingQuestion | ShoeCard | GearList | Refusal:
    """Store a setting of a shoe (None: not sure); return the next question or the card."""
    setting = rules.get(setting_id)
    if setting is None or (option is not None and option not in setting.options):
        return Refusal.INVALID
    shoe = await repos.shoes.get(user_id, shoe_id)
    if shoe is None:
        return await _gone(repos, rules, user_id)
    settings = {k: v for k, v in shoe.settings.items() if k != setting_id}
    if option is not None:
        settings[setting_id] = option
    old = shoe.settings.get(setting_id)
    if old != option:
        _record(repos, shoe, setting_id, old, option, now)
    shoe.settings, shoe.updated_at = settings, now
    view = _view(rules, shoe)
    order = list(rules)
    position = order.index(setting_id)
    if wizard and position + 1 < len(order):
        return _question(rules, view, order[position + 1], wizard=True)
    return ShoeCard(view)


async def make_default(
    repos: Repositories, rules: GearRules, user_id: int, shoe_id: int, now: datetime
) -> ShoeCard | GearList:
    """Make one of the runner's shoes the default that check results refer to."""
    shoes = await repos.shoes.for_user(user_id)
    chosen = next((s for s in shoes if s.id == shoe_id), None)
    if chosen is None:
        return await _gone(repos, rules, user_id)
    if not chosen.is_default:
        await repos.shoes.make_default(shoes, chosen)
        chosen.updated_at = now
    return ShoeCard(_view(rules, chosen), made_default=True)


async def ask_to_delete(
    repos: Repositories, rules: GearRules, user_id: int, shoe_id: int
) -> DeletePrompt | GearList:
    """Return the confirmation question before deleting a shoe."""
    shoe = await repos.shoes.get(user_id, shoe_id)
    return await _gone(repos, rules, user_id) if shoe is None else DeletePrompt(_view(rules, shoe))


async def delete(
    repos: Repositories, rules: GearRules, user_id: int, shoe_id: int, now: datetime
) -> GearList:
    """Delete a shoe; when it was the default, the oldest remaining shoe takes over."""
    shoes = await repos.shoes.for_user(user_id)
    doomed = next((s for s in shoes if s.id == shoe_id), None)
    if doomed is None:
        return GearList(_views(rules, shoes), shoe_gone=True)
    pending = await repos.pending.get(user_id)
    if (
        pending is not None
        and pending.kind == PendingKind.RENAME_SHOE
        and pending.ref_id == doomed.id
    ):
        await repos.pending.clear(user_id)  # its new name is no longer awaited
    await repos.shoes.delete(doomed)
    remaining = [s for s in shoes if s is not doomed]
    new_default = None
    if doomed.is_default and remaining:
        promoted = remaining[0]
        await repos.shoes.make_default(remaining, promoted)
        promoted.updated_at = now
        new_default = promoted.name
    return GearList(_views(rules, remaining), deleted=doomed.name, new_default=new_default)


async def default_shoe(repos: Repositories, user_id: int) -> DefaultShoe | None:
    """Return the runner's default shoe, or None when they have no shoes."""
    shoe = await repos.shoes.default_for(user_id)
    return None if shoe is None else DefaultShoe(shoe.name, dict(shoe.settings))


def _record(
    repos: Repositories,
    shoe: Shoe,
    setting: str,
    old: str | None,
    new: str | None,
    now: datetime,
) -> None:
    repos.gear_changes.add(
        GearChange(
            user_id=shoe.user_id,
            shoe_id=shoe.id,
            setting=setting,
            old_value=old,
            new_value=new,
            changed_at=now,
        )
    )


async def _gone(repos: Repositories, rules: GearRules, user_id: int) -> GearList:
    return GearList(_views(rules, await repos.shoes.for_user(user_id)), shoe_gone=True)


def _question(rules: GearRules, shoe: ShoeView, setting_id: str, wizard: bool) -> SettingQuestion:
    order = list(rules)
    position = order.index(setting_id)
    previous = order[position - 1] if wizard and position > 0 else None
    return SettingQuestion(shoe, rules[setting_id], wizard, position + 1, len(order), previous)


def _views(rules: GearRules, shoes: Sequence[Shoe]) -> tuple[ShoeView, ...]:
    return tuple(_view(rules, shoe) for shoe in shoes)


def _view(rules: GearRules, shoe: Shoe) -> ShoeView:
    settings = {
        setting_id: option
        for setting_id, option in shoe.settings.items()
        if setting_id in rules and option in rules[setting_id].options
    }
    return ShoeView(shoe.id, shoe.name, shoe.is_default, settings)
