"""The one codec for inline-button data: short, prefixed, versioned strings ≤ 64 bytes.

Formats (the digit after the prefix letter is the format version; unknown versions and
malformed data decode to None and get a polite answer, never an error):
    t1:new                          start a new triage in a new message
    t1:<session>:<step>:<action>    answer question number <step> of triage <session>;
                                    action is an answer id, or -back / -cancel
    s1:lang:<code|auto>             choose the language in /settings
    s1:del:<yes|no>                 confirm or refuse /delete_me
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
"""Telegram's limit on callback data."""
TRIAGE_PATTERN = r"^t1:"
SETTINGS_PATTERN = r"^s1:"
START_TRIAGE = "t1:new"
BACK = "-back"
CANCEL = "-cancel"
AUTO_LANGUAGE = "auto"

_TRIAGE = re.compile(r"^t1:(\d{1,15}):(\d{1,3}):([a-z][a-z0-9_]{0,23}|-back|-cancel)$")
_LANGUAGE = re.compile(r"^s1:lang:([a-z]{2,3}|auto)$")
_DELETE = re.compile(r"^s1:del:(yes|no)$")


@dataclass(frozen=True, slots=True)
class TriagePress:
    """A press on a triage button."""

    session_id: int
    step: int
    action: str


def triage(session_id: int, step: int, action: str) -> str:
    """Encode a triage button press."""
    return _checked(f"t1:{session_id}:{step}:{action}")


def language(code: str) -> str:
    """Encode a language choice (`auto` follows Telegram)."""
    return _checked(f"s1:lang:{code}")


def delete(confirmed: bool) -> str:
    """Encode the answer to the delete confirmation."""
    return f"s1:del:{'yes' if confirmed else 'no'}"


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
