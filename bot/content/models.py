"""Typed schema of the data files in `knowledge/`: strict, frozen pydantic models.

Every field carries a one-line docstring so the schema doubles as the editors' reference.
Texts are never stored here: nodes, answers, causes and fixes refer to catalogue keys that
are looked up in `knowledge/locales/<lang>.yaml` by a naming convention (see `keys.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

SCHEMA_VERSION = 1
"""The one schema version this code reads; every data file states it at its top."""

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,23}$")]
"""Node, answer, outcome, cause and fix ids: short, lowercase, safe inside callback data."""
SettingId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,15}$")]
"""Gear setting ids (`fit`, `lacing`...): shorter still, as they share callback data with an
option id and a shoe id."""
AnswerRef = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,23}\.[a-z0-9_]{1,24}$")]
"""A triage answer named as `node.answer`, as in the path tests."""
GearCondition = Annotated[
    dict[SettingId, Annotated[tuple[Identifier, ...], Field(min_length=1)]], Field(min_length=1)
]
"""Setting id → the option ids that satisfy it; every listed setting must be satisfied."""


class Tier(StrEnum):
    """The four urgency levels a triage can end in, from the most to the least urgent."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    SEE_DOCTOR = "see_doctor"
    SELF_CARE = "self_care"

    @property
    def rank(self) -> int:
        """Return how urgent the tier is: a higher rank is more urgent."""
        return _TIER_RANK[self]


_TIER_RANK = {Tier.SELF_CARE: 0, Tier.SEE_DOCTOR: 1, Tier.URGENT: 2, Tier.EMERGENCY: 3}


class StrictModel(BaseModel):
    """Base of every knowledge model: unknown keys are errors and values are immutable."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, use_attribute_docstrings=True
    )


class TierFloor(StrictModel):
    """A minimum tier that an answer imposes on the final result, with the reason shown."""

    tier: Tier
    """The result is at least this urgent once this answer was given."""
    reason: Identifier
    """Key under `reason.` in the locale: one line telling the runner why the level rose."""


class AnswerCondition(StrictModel):
    """A condition on the answers given in a triage: every list that is set must hold."""

    all_of: tuple[AnswerRef, ...] = ()
    """Each of these answers was given."""
    any_of: tuple[AnswerRef, ...] = ()
    """At least one of these answers was given (when the list is not empty)."""
    none_of: tuple[AnswerRef, ...] = ()
    """None of these answers was given."""

    @model_validator(mode="after")
    def _not_empty(self) -> AnswerCondition:
        if not (self.all_of or self.any_of):
            raise ValueError("a condition needs all_of or any_of")
        return self

    def holds(self, given: frozenset[str]) -> bool:
        """Return True when the answers `given` (as `node.answer`) meet the condition."""
        return (
            given.issuperset(self.all_of)
            and (not self.any_of or not given.isdisjoint(self.any_of))
            and given.isdisjoint(self.none_of)
        )

    def answers(self) -> tuple[str, ...]:
        """Return every answer the condition names."""
        return (*self.all_of, *self.any_of, *self.none_of)


class TierRule(StrictModel):
    """A floor raised by a combination of answers, where one answer alone doesn't decide."""

    when: AnswerCondition
    """The answers that raise the floor."""
    at_least: TierFloor
    """The floor, with the reason shown to the runner."""


class Answer(StrictModel):
    """One button under a question."""

    id: Identifier
    """Unique within its node; `unsure` is the conventional "not sure" answer."""
    next: Identifier | None = None
    """The node asked next, or `result` to finish the questionnaire and assess it."""
    stop: Identifier | None = None
    """An outcome id that ends the flow at once (red flags); exclusive with `next`."""
    red_flag: bool = False
    """True when this answer is an emergency sign; it must `stop` at an emergency outcome."""
    at_least: TierFloor | None = None
    """Raise the final tier to at least this level (used for unsure and worrying answers)."""
    suggests: dict[Identifier, Annotated[int, Field(ge=1, le=10)]] = Field(default_factory=dict)
    """Cause id → weight; the three heaviest causes at the end are shown."""
    clears_within: Annotated[int, Field(ge=1, le=240)] | None = None
    """The answer says feeling comes back within this many minutes of stopping or loosening."""
    still_numb: bool = False
    """The answer says feeling takes longer than `clear_minutes` to come back, or hasn't."""
    health: dict[Identifier, bool] = Field(default_factory=dict)
    """Health notes this answer sets (true) or clears (false), from `health_notes`."""

    @model_validator(mode="after")
    def _one_way_on(self) -> Answer:
        if (self.next is None) == (self.stop is None):
            raise ValueError("an answer needs exactly one of `next` or `stop`")
        if self.red_flag and self.stop is None:
            raise ValueError("a red-flag answer must `stop` the flow")
        if self.still_numb and self.clears_within is not None:
            raise ValueError("an answer is either `clears_within` or `still_numb`")
        return self


class Node(StrictModel):
    """One question screen of the triage flow."""

    id: Identifier
    """Unique node id; its texts are `triage.<id>.question` and `triage.<id>.<answer id>`."""
    answers: tuple[Answer, ...] = Field(min_length=2, max_length=12)
    """The buttons, in display order."""
    columns: Annotated[int, Field(ge=1, le=3)] = 1
    """How many answer buttons share a keyboard row."""


class TriageTree(StrictModel):
    """`knowledge/triage.yaml`: the question graph, red flags first."""

    schema_version: Literal[1]
    """Version of this file's format."""
    root: Identifier
    """The first node; it must be the red-flag screen."""
    max_causes: Annotated[int, Field(ge=1, le=3)] = 3
    """At most this many likely causes are shown in a result."""
    min_weight: Annotated[int, Field(ge=1, le=10)] = 1
    """A cause must get at least this much weight from the answers to be shown."""
    fallback_causes: tuple[Identifier, ...] = ()
    """Causes shown when no answer suggested any (keeps every result actionable)."""
    clear_minutes: Annotated[int, Field(ge=1, le=240)]
    """The one threshold: in the pressure pattern, feeling back within this many minutes of
    stopping or loosening is self-care; longer, or still numb, is at least see_doctor. Texts
    may state no other number of minutes than this one and the answers' `clears_within`."""
    health_notes: tuple[Identifier, ...] = ()
    """What answers may keep as the runner's health notes (`health`): text `health_note.<id>`;
    a check-in step can be asked only of runners with a note (`checkin.yaml` `health`)."""
    rules: tuple[TierRule, ...] = ()
    """Floors raised by combinations of answers, on top of each answer's own `at_least`."""
    nodes: tuple[Node, ...]
    """All question nodes."""


class StopOutcome(StrictModel):
    """An outcome that ends the flow immediately, such as an emergency red flag."""

    id: Identifier
    """Unique outcome id; its text is `outcome.<id>`."""
    tier: Tier
    """The tier this outcome is; red-flag outcomes must be `emergency`."""
    action: Identifier
    """What to do now, from `actions`: its text `action.<id>` comes first, the only
    instruction of the message, then `outcome.<id>` says what the signs could mean."""
    causes: tuple[Identifier, ...] = Field(default=(), max_length=3)
    """Causes to show; emergency outcomes show none."""


class Outcomes(StrictModel):
    """`knowledge/outcomes.yaml`: the outcomes that end a triage before the last question."""

    schema_version: Literal[1]
    """Version of this file's format."""
    actions: tuple[Identifier, ...] = Field(min_length=1)
    """The instructions a stop can give, most urgent first: a message about several stops
    at once (a check-in's warning signs) gives the most urgent of theirs."""
    stops: tuple[StopOutcome, ...]
    """Outcomes that end the flow at once."""


class GearConditional(StrictModel):
    """Base of the entries that apply only to a runner's default shoe set up a certain way."""

    when: GearCondition
    """Applies when, for every setting listed, the shoe's answer is one of the options."""

    def matches(self, gear: Mapping[str, str]) -> bool:
        """Return True when the shoe's settings satisfy every condition of `when`."""
        return all(gear.get(setting) in options for setting, options in self.when.items())


class GearWeight(GearConditional):
    """Extra weight for a cause the answers already suggest, when the shoe makes it likelier."""

    add: Annotated[int, Field(ge=1, le=3)]
    """Added to the cause's weight; gear only nudges, so it stays small."""


class FixVariant(GearConditional):
    """A fix reworded for the runner's shoe: its text `fix.<id>` has a `{shoe}` placeholder."""

    id: Identifier
    """Unique among all fix and variant ids."""


class Cause(StrictModel):
    """A likely cause the result can name: `cause.<id>.name` and `cause.<id>.why`."""

    id: Identifier
    """Unique cause id."""
    fixes: tuple[Identifier, ...] = Field(default=(), max_length=3)
    """Fix ids offered with this cause, best first; none for a cause only urgent answers
    suggest (an urgent result shows no fixes: getting checked today comes first)."""
    gear_weights: tuple[GearWeight, ...] = ()
    """Nudges from the runner's default shoe; they apply only when the answers suggest the cause,
    and never touch the tier."""
    hide_when: tuple[AnswerCondition, ...] = ()
    """Answers that contradict this cause's explanation, or point elsewhere: when any of
    these conditions holds, the cause isn't shown."""


class Fix(StrictModel):
    """A concrete fix: its text is `fix.<id>`."""

    id: Identifier
    """Unique fix id."""
    variants: tuple[FixVariant, ...] = ()
    """Versions fitted to the runner's default shoe; the matching one with the most conditions
    replaces the general text (the first listed wins a tie)."""


class Causes(StrictModel):
    """`knowledge/causes.yaml`: the causes and fixes the results draw on."""

    schema_version: Literal[1]
    """Version of this file's format."""
    causes: tuple[Cause, ...]
    """All causes."""
    fixes: tuple[Fix, ...]
    """All fixes."""


class GearSetting(StrictModel):
    """One question about a shoe; its texts are `gear_setting.<id>.*` and `gear_option.<id>.*`."""

    id: SettingId
    """Unique setting id, stored with the runner's answer."""
    options: tuple[Identifier, ...] = Field(min_length=2, max_length=8)
    """The answers, in display order; "Not sure" is added by the bot and stores nothing."""
    columns: Annotated[int, Field(ge=1, le=3)] = 1
    """How many option buttons share a keyboard row."""


class Gear(StrictModel):
    """`knowledge/gear.yaml`: what the bot asks about each of a runner's shoes, in order."""

    schema_version: Literal[1]
    """Version of this file's format."""
    settings: tuple[GearSetting, ...] = Field(min_length=1)
    """The settings, in the order a new shoe is asked about them."""


class PathExpectation(StrictModel):
    """What a path test expects at the end of its answers."""

    tier: Tier
    """The tier of the result."""
    stop: Identifier | None = None
    """The stop outcome, or None for an assessed result."""
    causes: tuple[Identifier, ...] | None = None
    """The causes in display order; None leaves them unchecked."""
    fixes: tuple[Identifier, ...] | None = None
    """Every fix shown, cause by cause, as fix or variant ids; None leaves them unchecked."""


class PathTest(StrictModel):
    """One scripted walk through the triage, from the root."""

    name: str
    """What the path represents, for failure messages."""
    gear: dict[SettingId, Identifier] = Field(default_factory=dict)
    """The runner's default shoe as setting → option; empty means the runner has no shoe."""
    answers: tuple[Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")], ...]
    """`node.answer` steps from the root, in order."""
    expect: PathExpectation
    """The result the walk must end in."""


class PathTests(StrictModel):
    """`knowledge/tests/triage_paths.yaml`: path tests written as data."""

    schema_version: Literal[1]
    """Version of this file's format."""
    paths: tuple[PathTest, ...] = Field(min_length=1)
    """The paths; together they must reach every outcome, tier and cause."""


class Language(StrictModel):
    """The header of a locale file."""

    code: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
    """The primary language subtag, matched against Telegram's `language_code`."""
    name: str = Field(min_length=1, max_length=40)
    """The language's own name, shown in /settings."""


LocalTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
"""A wall-clock time as 24-hour `HH:MM`."""


class ScheduleOptions(StrictModel):
    """`knowledge/schedules.yaml`: what /runs offers and when reminders go out."""

    schema_version: Literal[1]
    """Version of this file's format."""
    max_runs: Annotated[int, Field(ge=1, le=50)]
    """Most runs one runner can plan."""
    tip_minutes_before: Annotated[int, Field(ge=5, le=180)]
    """The pre-run tip goes out this many minutes before the planned start."""
    checkin_minutes_after: Annotated[int, Field(ge=0, le=240)]
    """The check-in goes out this many minutes after the planned end."""
    checkin_late_hours: Annotated[int, Field(ge=1, le=24)]
    """A check-in later than this (the bot was down) is skipped instead of sent."""
    snooze_minutes: Annotated[int, Field(ge=5, le=600)]
    """How long "remind me later" on a check-in waits."""
    ran_repeat_minutes: Annotated[int, Field(ge=1, le=120)]
    """A /ran this soon after the runner's last /ran is about the same run (no second
    check-in)."""
    pause_days: Annotated[int, Field(ge=1, le=60)]
    """How long "pause for a while" lasts."""
    one_off_days: Annotated[int, Field(ge=1, le=14)]
    """How many days ahead (today included) a one-off run can be planned."""
    timezones: tuple[Annotated[str, StringConstraints(max_length=64)], ...] = Field(
        min_length=1, max_length=12
    )
    """IANA time-zone names offered as buttons."""
    start_times: tuple[LocalTime, ...] = Field(min_length=1, max_length=24)
    """Start times offered as buttons."""
    durations: tuple[Annotated[int, Field(ge=5, le=600)], ...] = Field(min_length=1, max_length=8)
    """Typical run durations offered as buttons, in minutes."""


class Tip(StrictModel):
    """A short prevention tip sent before a run: its text is `tip.<id>`."""

    id: Identifier
    """Unique tip id."""


class Tips(StrictModel):
    """`knowledge/tips.yaml`: the pre-run tips, sent in turn."""

    schema_version: Literal[1]
    """Version of this file's format."""
    tips: tuple[Tip, ...] = Field(min_length=2)
    """At least two, so the same tip is never sent twice in a row."""


class CheckinAlert(StrictModel):
    """A check-in answer that ends the check-in with a tier's message and a reason."""

    tier: Tier
    """The tier whose heading and instruction are shown (urgent or see_doctor)."""
    reason: Identifier
    """Key under `reason.` in the locale, shared with the triage."""


class CheckinAnswer(StrictModel):
    """One button of a check-in step."""

    id: Identifier
    """Unique within its step; its label is `checkin.<step>.<id>`."""
    next: Identifier | None = None
    """The step asked next."""
    finish: bool = False
    """True when this answer ends the check-in with thanks."""
    stop: Identifier | None = None
    """A triage stop outcome (outcomes.yaml) that ends the check-in at once."""
    red_flag: bool = False
    """True when this answer is an emergency sign; it must `stop` at an emergency outcome."""
    alert: CheckinAlert | None = None
    """End the check-in with this tier's message instead of the thanks."""
    numb: bool = True
    """False only for the answer that means "no numbness or tingling"."""
    tip: Identifier | None = None
    """A fix id (causes.yaml) shown with the thanks when this answer was given."""
    clears_within: Annotated[int, Field(ge=1, le=240)] | None = None
    """The answer says the numbness went within this many minutes of stopping."""
    still_numb: bool = False
    """The answer says the numbness lasted longer than `clear_minutes` (triage.yaml), or is
    still there: it must `escalate`."""
    escalate: Identifier | None = None
    """A sign that calls for the see-a-doctor message `escalation.<id>`, sent once the
    questions about the runner's feet are answered (at most once per episode)."""

    @model_validator(mode="after")
    def _one_way_on(self) -> CheckinAnswer:
        ways = [self.next is not None, self.finish, self.stop is not None, self.alert is not None]
        if sum(ways) != 1:
            raise ValueError("a check-in answer needs exactly one of next, finish, stop, alert")
        if self.red_flag and self.stop is None:
            raise ValueError("a red-flag answer must `stop` the check-in")
        if self.still_numb and self.clears_within is not None:
            raise ValueError("an answer is either `clears_within` or `still_numb`")
        return self


class CheckinStep(StrictModel):
    """One question of the post-run check-in."""

    id: Identifier
    """Unique step id; texts `checkin.<id>.question` and `checkin.<id>.<answer id>`."""
    answers: tuple[CheckinAnswer, ...] = Field(min_length=1, max_length=12)
    """The buttons, in display order: at least two, or at least one after the shoe buttons."""
    columns: Annotated[int, Field(ge=1, le=3)] = 1
    """How many answer buttons share a keyboard row."""
    shoes: bool = False
    """True for "which shoes?": one button per shoe of the runner (the default first) comes
    before the answers listed, and the step is skipped for a runner without shoes. It is the
    last question, asked once the answers about the runner's feet are recorded, so all its
    answers `finish`."""
    multi: bool = False
    """True when the runner may pick several answers, then "Done": every answer is a warning
    sign (`stop`, or an urgent `alert`), and nothing picked goes on to `otherwise`."""
    health: Identifier | None = None
    """Asked only of a runner with this health note (triage.yaml `health_notes`); any other
    runner goes straight on to `otherwise`."""
    otherwise: Identifier | None = None
    """Where the check-in goes on when none of the step's answers applies: "Done" with
    nothing picked (`multi`), or a runner without the `health` note."""

    @model_validator(mode="after")
    def _enough_buttons(self) -> CheckinStep:
        if not self.shoes and len(self.answers) < 2:
            raise ValueError("a step needs at least two answers (one, after shoe buttons)")
        if (self.multi or self.health is not None) != (self.otherwise is not None):
            raise ValueError("`otherwise` belongs to, and is needed by, multi and health steps")
        return self


class HistoryRules(StrictModel):
    """What /history shows of the check-ins, and when a gear change has enough runs to judge."""

    weeks: Annotated[int, Field(ge=4, le=26)]
    """How many weeks the chart covers, this week included."""
    page_size: Annotated[int, Field(ge=3, le=15)]
    """Check-ins and triage results per page of the list."""
    chart_min_runs: Annotated[int, Field(ge=1, le=10)]
    """Check-ins in the chart's weeks needed to draw it; with fewer, /history says so."""
    min_runs_each_side: Annotated[int, Field(ge=2, le=20)]
    """Runs in the changed shoe needed both before and after a change to compare them."""
    details: tuple[Identifier, ...] = Field(min_length=1, max_length=4)
    """The steps whose answers a list line shows after "numb" (where, how long), in order."""


class CheckinFlow(StrictModel):
    """`knowledge/checkin.yaml`: the post-run check-in as a small graph of steps."""

    schema_version: Literal[1]
    """Version of this file's format."""
    first: Identifier
    """The step asked first."""
    steps: tuple[CheckinStep, ...] = Field(min_length=1)
    """All steps."""
    history: HistoryRules
    """How /history lists check-ins and compares runs before and after a gear change."""


class RecurringRule(StrictModel):
    """Numbness on enough check-ins: in the last N answered ones, or within D days."""

    id: Identifier
    """Unique rule id; its message is `escalation.<id>`."""
    numb_runs: Annotated[int, Field(ge=1, le=20)]
    """How many numb check-ins make the rule fire."""
    last_runs: Annotated[int, Field(ge=1, le=50)] | None = None
    """Count among this many most recent answered check-ins."""
    within_days: Annotated[int, Field(ge=1, le=90)] | None = None
    """Count among the check-ins of this many last days."""

    @model_validator(mode="after")
    def _one_window(self) -> RecurringRule:
        if (self.last_runs is None) == (self.within_days is None):
            raise ValueError("a rule needs exactly one of last_runs or within_days")
        if self.last_runs is not None and self.numb_runs > self.last_runs:
            raise ValueError("numb_runs cannot exceed last_runs")
        return self


class EscalationRules(StrictModel):
    """`knowledge/escalation.yaml`: when check-ins send the see-a-doctor message."""

    schema_version: Literal[1]
    """Version of this file's format."""
    quiet_days: Annotated[int, Field(ge=1, le=365)]
    """Days without a numb check-in that end an episode, so the messages may come again."""
    seen_doctor_days: Annotated[int, Field(ge=1, le=365)]
    """After "I've seen a doctor about this", the `recurring` messages stay quiet this many
    days; warning signs and numbness that doesn't clear are never quieted."""
    recurring: tuple[RecurringRule, ...] = Field(min_length=1)
    """The recurrence rules; any one of them firing escalates."""


CaseId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
"""A clinical case's id."""


class ClinicalCase(StrictModel):
    """A story told by a runner, written from a public medical source, and the tiers that fit."""

    id: CaseId
    """Unique case id, named in the safety report."""
    story: str = Field(min_length=20)
    """The story in the runner's own words."""
    source: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
    """The public page the story and its expected tier were written from."""
    expect: Tier
    """The tier the source's advice points to: the exact answer."""
    acceptable: tuple[Tier, ...] = ()
    """Other tiers a clinician would also accept; for an emergency or urgent case, only more
    urgent ones."""
    answers: dict[Identifier, Identifier] = Field(min_length=1)
    """Question id → the answer this runner gives, for every question on the story's path."""

    @model_validator(mode="after")
    def _acceptable_is_safe(self) -> ClinicalCase:
        if self.expect in self.acceptable:
            raise ValueError("`acceptable` lists other tiers than `expect`")
        if self.expect.rank >= Tier.URGENT.rank and any(
            tier.rank < self.expect.rank for tier in self.acceptable
        ):
            raise ValueError("an emergency or urgent case accepts only more urgent tiers")
        return self


Share = Annotated[float, Field(ge=0, le=1)]
"""A share of the cases, from 0 to 1."""


class CaseTargets(StrictModel):
    """What the case suite must show; `make test` fails below any of them."""

    emergencies_first_screen: Share
    """Share of emergency stories that stop on the first screen (or its one-by-one check)."""
    under_triaged: Annotated[int, Field(ge=0)]
    """Most urgent or emergency stories that may end at a less urgent tier."""
    self_care_to_doctor: Share
    """Largest share of self-care stories that may be sent to a doctor (or higher)."""
    exact: Share
    """Smallest share of all stories that must end at exactly the expected tier."""
    least_cases: dict[Tier, Annotated[int, Field(ge=1)]]
    """The fewest stories the suite may hold expecting each tier."""


class ClinicalCases(StrictModel):
    """`knowledge/tests/cases.yaml`: the clinical case suite."""

    schema_version: Literal[1]
    """Version of this file's format."""
    targets: CaseTargets
    """The figures the suite must reach."""
    cases: tuple[ClinicalCase, ...] = Field(min_length=1)
    """The stories, each walked through the triage by `make test`."""


LaceStep = Annotated[str, StringConstraints(pattern=r"^(~?[lr][1-9][0-9]?|>[lr])$")]
"""One step of a lace's path: an eyelet (`l3`: the third pair from the toes, left side),
reached over the top; `~l3`: reached along the inside of the shoe, up the same side;
`>r`: through the heel-lock loop on that side (only as the first or last step)."""


class LacingWindow(StrictModel):
    """A part of the lacing with no lace across it, shaded in the diagram."""

    from_row: Annotated[int, Field(ge=1, le=12)]
    """The eyelet pair just below it (1 is the pair nearest the toes)."""
    to_row: Annotated[int, Field(ge=2, le=12)]
    """The eyelet pair just above it; no lace crosses between these two rows."""

    @model_validator(mode="after")
    def _upwards(self) -> LacingWindow:
        if self.to_row <= self.from_row:
            raise ValueError("to_row must be above from_row")
        return self


class Lace(StrictModel):
    """One lace, from one end to the other, as the eyelets it goes through in order."""

    path: tuple[LaceStep, ...] = Field(min_length=2, max_length=30)
    """The steps; both ends of the lace stick out at the first and the last."""


class LacingTechnique(StrictModel):
    """A lacing diagram: texts `lacing.<id>.name` (button, title) and `lacing.<id>.caption`."""

    id: Identifier
    """Unique technique id, carried by the "Show me how" button."""
    rows: Annotated[int, Field(ge=3, le=12)]
    """How many pairs of eyelets the shoe in the diagram has."""
    laces: tuple[Lace, ...] = Field(min_length=1, max_length=2)
    """One lace, or two (then `lacing.<id>.lace_1` and `.lace_2` name them in the legend)."""
    unlaced: tuple[Annotated[str, StringConstraints(pattern=r"^[lr][1-9][0-9]?$")], ...] = ()
    """Eyelets left empty on purpose, drawn hollow; every other eyelet must be laced."""
    window: LacingWindow | None = None
    """A part no lace crosses, shaded and labelled `lacing.<id>.window`."""
    fixes: tuple[Identifier, ...] = ()
    """Fix and fix-variant ids (causes.yaml) whose text this diagram shows."""
    tips: tuple[Identifier, ...] = ()
    """Tip ids (tips.yaml) whose text this diagram shows."""


class Lacing(StrictModel):
    """`knowledge/lacing.yaml`: the lacing diagrams and which fixes and tips show them."""

    schema_version: Literal[1]
    """Version of this file's format."""
    techniques: tuple[LacingTechnique, ...] = Field(min_length=1)
    """The diagrams, in the order they are listed."""
    no_diagram: tuple[Identifier, ...] = ()
    """Fix and tip ids that speak of laces or eyelets but describe no lacing pattern (how
    tight, in what order), so they show no diagram on purpose."""
