"""The one codec for inline-button data: short, prefixed, versioned strings ≤ 64 bytes.

Formats (the digit after the prefix letter is the format version; unknown versions and
malformed data decode to None and get a polite answer, never an error):
    t1:new                          start a new triage in a new message
    t1:<session>:<step>:<action>    answer question number <step> of triage <session>;
                                    action is an answer id, or -back / -cancel
    s1:lang:<code|auto>             choose the language in /settings
    s1:del:<yes|no>                 confirm or refuse /delete_me
    g1:l                            /gear: the runner's shoes
    g1:n                            add a shoe (the bot then waits for its typed name)
    g1:c                            stop waiting for a typed name
    g1:<o|d|r|x|y>:<shoe>           open, make default, rename, delete?, delete! a shoe
    g1:q:<shoe>:<setting>:<w|e>     ask about a setting, in the set-up (w) or to edit it (e)
    g1:s:<shoe>:<setting>:<w|e>:<option|->
                                    store a setting's option; - is "not sure"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
"""Telegram's limit on callback data."""
TRIAGE_PATTERN = r"^t1:"
SETTINGS_PATTERN = r"^s1:"
GEAR_PATTERN = r"^g1:"
START_TRIAGE = "t1:new"
BACK = "-back"
CANCEL = "-cancel"
AUTO_LANGUAGE = "auto"

_TRIAGE = re.compile(r"^t1:(\d{1,15}):(\d{1,3}):([a-z][a-z0-9_]{0,23}|-back|-cancel)$")
_LANGUAGE = re.compile(r"^s1:lang:([a-z]{2,3}|auto)$")
_DELETE = re.compile(r"^s1:del:(yes|no)$")
_GEAR = re.compile(
    r"^g1:(?:(?P<bare>[lnc])"
    r"|(?P<shoe_action>[odrxy]):(?P<shoe>\d{1,12})"
    r"|(?P<setting_action>[qs]):(?P<setting_shoe>\d{1,12}):(?P<setting>[a-z][a-z0-9_]{0,15})"
    r":(?P<mode>[we])(?::(?P<option>[a-z][a-z0-9_]{0,23}|-))?)$"
)

GEAR_LIST = "l"
GEAR_ADD = "n"
GEAR_CANCEL_NAMING = "c"
GEAR_OPEN = "o"
GEAR_DEFAULT = "d"
GEAR_RENAME = "r"
GEAR_DELETE = "x"
GEAR_DELETE_CONFIRMED = "y"
GEAR_ASK = "q"
GEAR_SET = "s"
_NOT_SURE = "-"


@dataclass(frozen=True, slots=True)
class TriagePress:
    """A press on a triage button."""

    session_id: int
    step: int
    action: str


@dataclass(frozen=True, slots=True)
class GearPress:
    """A /gear press that needs no shoe: list, add, or cancel the naming."""

    action: str


@dataclass(frozen=True, slots=True)
class ShoePress:
    """A press about one shoe: open, make default, rename, delete? or delete!"""

    action: str
    shoe_id: int


@dataclass(frozen=True, slots=True)
class SettingPress:
    """A press about one setting of a shoe: ask about it, or store an option (`store`)."""

    shoe_id: int
    setting: str
    wizard: bool
    store: bool
    option: str | None = None
    """The option stored; None is "not sure"."""


def triage(session_id: int, step: int, action: str) -> str:
    """Encode a triage button press."""
    return _checked(f"t1:{session_id}:{step}:{action}")


def language(code: str) -> str:
    """Encode a language choice (`auto` follows Telegram)."""
    return _checked(f"s1:lang:{code}")


def delete(confirmed: bool) -> str:
    """Encode the answer to the delete confirmation."""
    return f"s1:del:{'yes' if confirmed else 'no'}"


def gear(action: str) -> str:
    """Encode a /gear press that needs no shoe: list, add, or cancel the naming."""
    return _checked(f"g1:{action}")


def gear_shoe(action: str, shoe_id: int) -> str:
    """Encode a press about one shoe: open, make default, rename, delete? or delete!"""
    return _checked(f"g1:{action}:{shoe_id}")


def gear_ask(shoe_id: int, setting: str, wizard: bool) -> str:
    """Encode "ask about this setting of this shoe"."""
    return _checked(f"g1:{GEAR_ASK}:{shoe_id}:{setting}:{'w' if wizard else 'e'}")


def gear_set(shoe_id: int, setting: str, wizard: bool, option: str | None) -> str:
    """Encode storing an option (None: not sure) for a setting of a shoe."""
    mode = "w" if wizard else "e"
    return _checked(f"g1:{GEAR_SET}:{shoe_id}:{setting}:{mode}:{option or _NOT_SURE}")


def decode_gear(data: str | None) -> GearPress | ShoePress | SettingPress | None:
    """Decode /gear button data; None when it is malformed or of another version."""
    match = _GEAR.fullmatch(data or "")
    if match is None:
        return None
    if match["bare"]:
        return GearPress(match["bare"])
    if match["shoe_action"]:
        return ShoePress(match["shoe_action"], int(match["shoe"]))
    store, option = match["setting_action"] == GEAR_SET, match["option"]
    if store != (option is not None):
        return None
    return SettingPress(
        int(match["setting_shoe"]),
        match["setting"],
        wizard=match["mode"] == "w",
        store=store,
        option=None if option in (None, _NOT_SURE) else option,
    )


def decode_triage(data: str | None) -> TriagePress | None:
    """Decode triage button data; None when it is malformed or of another version."""
    match = _TRIAGE.match(data or "")
    if match is None:
        return None
    return TriagePress(int(match[1]), int(match[2]), match[3])


def decode_language(data: str | None) -> str | None:
    """Decode a language choice; None when malformed."""
    match = _LANGUAGE.match(data or "")
    return match[1] if match else None


def decode_delete(data: str | None) -> bool | None:
    """Decode the delete confirmation; None when malformed."""
    match = _DELETE.match(data or "")
    return None if match is None else match[1] == "yes"


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data
