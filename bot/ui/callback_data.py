"""The one codec for inline-button data: short, prefixed, versioned strings ≤ 64 bytes.

Formats (the digit after the prefix letter is the format version; unknown versions and
malformed data decode to None and get a polite answer, never an error):
    t1:new                          start a new triage in a new message
    t1:<session>:<step>:<action>    answer question number <step> of triage <session>;
                                    action is an answer id, or -back / -cancel
    s1:lang:<code|auto>             choose the language in /settings
    s1:del:<yes|no>                 confirm or refuse /delete_me
    r1:list | r1:add                /runs: the list, and adding a run
    r1:p:<plan>:<action>[:<arg>]    a button of a run plan (days, date, time, length, …)
    r1:tz | r1:tz:<zone> | r1:tza:<zone>   the zone screen; choose one (tza: then add a run)
    r1:pause | r1:pause:w | r1:pause:u | r1:resume   pause for days / until resumed; resume
    r1:skip:<plan>:<run start, epoch minutes>        the tip's "Skip this run"
    r1:ran                          /runs' "Just ran": the post-run check-in now, as /ran
    c1:<checkin>:<step>:<answer>    answer step number <step> of a post-run check-in
    c1:<checkin>:<step>:pick:<bits> show a multi step with these answers picked (bit i:
                                    answer i); nothing is stored
    c1:<checkin>:<step>:done:<bits> "Done" on a multi step with these answers picked
    c1:<checkin>:snooze | c1:<checkin>:norun         "remind me later", "I didn't run"
    c1:<checkin>:seen               "I've seen a doctor about this" (under its message)
    g1:l                            /gear: the runner's shoes
    g1:n                            add a shoe (the bot then waits for its typed name)
    g1:c                            stop waiting for a typed name
    g1:<o|d|r|x|y>:<shoe>           open, make default, rename, delete?, delete! a shoe
    g1:q:<shoe>:<setting>:<w|e>     ask about a setting, in the set-up (w) or to edit it (e)
    g1:s:<shoe>:<setting>:<w|e>:<option|->
                                    store a setting's option; - is "not sure"
    x1:all                          /export's button under /privacy and /settings
    l1:<technique>                  "Show me how": send the lacing diagram of a technique
    h1:<page>                       /history: a page of the list, 0 the newest
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.services.schedules import RunsAction

MAX_BYTES = 64
"""Telegram's limit on callback data."""
TRIAGE_PATTERN = r"^t1:"
SETTINGS_PATTERN = r"^s1:"
RUNS_PATTERN = r"^r1:"
GEAR_PATTERN = r"^g1:"
CHECKIN_PATTERN = r"^c1:"
EXPORT_PATTERN = r"^x1:"
EXPORT = "x1:all"
LACING_PATTERN = r"^l1:"
HISTORY_PATTERN = r"^h1:"
RUNS_LIST = "r1:list"
RUNS_ADD = "r1:add"
TIMEZONE = "r1:tz"
PAUSE = "r1:pause"
PAUSE_DAYS = "r1:pause:w"
PAUSE_OPEN = "r1:pause:u"
RESUME = "r1:resume"
JUST_RAN = "r1:ran"
JUST_RAN_PATTERN = r"^r1:ran$"
"""Matched before `RUNS_PATTERN`: the button starts a check-in, not a /runs page."""
SNOOZE = "snooze"
NO_RUN = "norun"
SEEN_DOCTOR = "seen"
PICK = "pick"
DONE = "done"
START_TRIAGE = "t1:new"
BACK = "-back"
CANCEL = "-cancel"
AUTO_LANGUAGE = "auto"

_TRIAGE = re.compile(r"^t1:(\d{1,15}):(\d{1,3}):([a-z][a-z0-9_]{0,23}|-back|-cancel)$")
_LANGUAGE = re.compile(r"^s1:lang:([a-z]{2,3}|auto)$")
_DELETE = re.compile(r"^s1:del:(yes|no)$")
_PLAN = re.compile(rf"^r1:p:(\d{{1,15}}):({'|'.join(RunsAction)})(?::(\d{{1,8}}))?$")
_ZONE = re.compile(r"^r1:tz(a?):([A-Za-z][A-Za-z0-9_+-]{0,31}(?:/[A-Za-z0-9_+-]{1,31}){0,2})$")
_SKIP = re.compile(r"^r1:skip:(\d{1,15}):(\d{1,10})$")
_CHECKIN = re.compile(r"^c1:(\d{1,15}):(\d{1,2}):([a-z][a-z0-9_]{0,23})$")
_CHECKIN_PICKED = re.compile(r"^c1:(\d{1,15}):(\d{1,2}):(pick|done):(\d{1,5})$")
_CHECKIN_COMMAND = re.compile(r"^c1:(\d{1,15}):(snooze|norun|seen)$")
_LACING = re.compile(r"^l1:([a-z][a-z0-9_]{0,23})$")
_HISTORY = re.compile(r"^h1:(\d{1,3})$")
_SIMPLE_RUNS = {RUNS_LIST, RUNS_ADD, TIMEZONE, PAUSE, PAUSE_DAYS, PAUSE_OPEN, RESUME}
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
_ARGUMENTS = {
    RunsAction.WEEKDAY: r"[0-6]",
    RunsAction.DAY: r"\d{8}",
    RunsAction.SET_TIME: r"\d{4}",
    RunsAction.SET_DURATION: r"\d{1,3}",
}
"""The plan actions that carry an argument, and its form."""


@dataclass(frozen=True, slots=True)
class TriagePress:
    """A press on a triage button."""

    session_id: int
    step: int
    action: str


@dataclass(frozen=True, slots=True)
class PlanPress:
    """A press on a button of one run plan."""

    plan_id: int
    action: RunsAction
    argument: str | None = None


@dataclass(frozen=True, slots=True)
class ZonePress:
    """A time zone chosen from the list (`then_add`: adding a run follows)."""

    zone: str
    then_add: bool


@dataclass(frozen=True, slots=True)
class SkipPress:
    """The tip's "Skip this run" for the run of `plan_id` starting at `run_at`."""

    plan_id: int
    run_at: datetime


RunsPress = PlanPress | ZonePress | SkipPress | str
"""A decoded r1: press; a `str` is one of the fixed values (`RUNS_LIST`, `PAUSE`…)."""


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


@dataclass(frozen=True, slots=True)
class CheckinPress:
    """A press on a check-in button: an answer to step `step`, a pick, or a command."""

    checkin_id: int
    step: int | None
    action: str
    """An answer id, `pick` or `done` (with `picked`), or snooze / norun / seen."""
    picked: int = 0
    """For `pick` and `done`: the answers picked on a multi step, bit i for answer i."""


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


def plan(plan_id: int, action: RunsAction, argument: str | None = None) -> str:
    """Encode a run-plan button."""
    return _checked(f"r1:p:{plan_id}:{action}" + (f":{argument}" if argument else ""))


def zone(name: str, *, then_add: bool = False) -> str:
    """Encode a time-zone choice (then_add: adding a run follows)."""
    return _checked(f"r1:tz{'a' if then_add else ''}:{name}")


def skip(plan_id: int, run_at: datetime) -> str:
    """Encode the tip's "Skip this run" for the run starting at `run_at`."""
    return _checked(f"r1:skip:{plan_id}:{int(run_at.timestamp()) // 60}")


def checkin(checkin_id: int, step: int, answer: str) -> str:
    """Encode a check-in answer, or `snooze` / `norun` / `seen` (with any step)."""
    if answer in (SNOOZE, NO_RUN, SEEN_DOCTOR):
        return _checked(f"c1:{checkin_id}:{answer}")
    return _checked(f"c1:{checkin_id}:{step}:{answer}")


def checkin_picked(checkin_id: int, step: int, action: str, picked: int) -> str:
    """Encode `pick` (show these picked) or `done` on a multi step of a check-in."""
    return _checked(f"c1:{checkin_id}:{step}:{action}:{picked}")


def decode_runs(data: str | None) -> RunsPress | None:
    """Decode a /runs, time-zone, pause or tip button; None when malformed."""
    data = data or ""
    if data in _SIMPLE_RUNS:
        return data
    if match := _PLAN.fullmatch(data):
        action, argument = RunsAction(match[2]), match[3]
        pattern = _ARGUMENTS.get(action)
        if (pattern is None) != (argument is None):
            return None
        if pattern is not None and not _valid_argument(action, argument or "", pattern):
            return None
        return PlanPress(int(match[1]), action, argument)
    if match := _ZONE.fullmatch(data):
        return ZonePress(match[2], then_add=match[1] == "a")
    if match := _SKIP.fullmatch(data):
        return SkipPress(int(match[1]), datetime.fromtimestamp(int(match[2]) * 60, UTC))
    return None


def _valid_argument(action: RunsAction, argument: str, pattern: str) -> bool:
    if re.fullmatch(pattern, argument) is None:
        return False
    if action is RunsAction.SET_TIME:
        return int(argument[:2]) < 24 and int(argument[2:]) < 60
    if action is RunsAction.DAY:
        try:
            date(int(argument[:4]), int(argument[4:6]), int(argument[6:]))
        except ValueError:
            return False
    return True


def decode_checkin(data: str | None) -> CheckinPress | None:
    """Decode a check-in button; None when malformed."""
    data = data or ""
    if match := _CHECKIN.fullmatch(data):
        return CheckinPress(int(match[1]), int(match[2]), match[3])
    if match := _CHECKIN_PICKED.fullmatch(data):
        return CheckinPress(int(match[1]), int(match[2]), match[3], int(match[4]))
    if match := _CHECKIN_COMMAND.fullmatch(data):
        return CheckinPress(int(match[1]), None, match[2])
    return None


def decode_triage(data: str | None) -> TriagePress | None:
    """Decode triage button data; None when it is malformed or of another version."""
    match = _TRIAGE.fullmatch(data or "")
    if match is None:
        return None
    return TriagePress(int(match[1]), int(match[2]), match[3])


def lacing(technique_id: str) -> str:
    """Encode "Show me how" for a lacing technique's diagram."""
    return _checked(f"l1:{technique_id}")


def decode_lacing(data: str | None) -> str | None:
    """Decode "Show me how" into its technique id; None when malformed."""
    match = _LACING.fullmatch(data or "")
    return match[1] if match else None


def decode_language(data: str | None) -> str | None:
    """Decode a language choice; None when malformed."""
    match = _LANGUAGE.fullmatch(data or "")
    return match[1] if match else None


def decode_delete(data: str | None) -> bool | None:
    """Decode the delete confirmation; None when malformed."""
    match = _DELETE.fullmatch(data or "")
    return None if match is None else match[1] == "yes"


def history_page(page: int) -> str:
    """Encode a /history page button (0 is the newest page)."""
    return _checked(f"h1:{page}")


def decode_history(data: str | None) -> int | None:
    """Decode a /history page button; None when malformed."""
    match = _HISTORY.fullmatch(data or "")
    return None if match is None else int(match[1])


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data
