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

    @model_validator(mode="after")
    def _one_way_on(self) -> Answer:
        if (self.next is None) == (self.stop is None):
            raise ValueError("an answer needs exactly one of `next` or `stop`")
        if self.red_flag and self.stop is None:
            raise ValueError("a red-flag answer must `stop` the flow")
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
    fallback_causes: tuple[Identifier, ...] = ()
    """Causes shown when no answer suggested any (keeps every result actionable)."""
    nodes: tuple[Node, ...]
    """All question nodes."""


class StopOutcome(StrictModel):
    """An outcome that ends the flow immediately, such as an emergency red flag."""

    id: Identifier
    """Unique outcome id; its text is `outcome.<id>`."""
    tier: Tier
    """The tier this outcome is; red-flag outcomes must be `emergency`."""
    causes: tuple[Identifier, ...] = Field(default=(), max_length=3)
    """Causes to show; emergency outcomes show none."""


class Outcomes(StrictModel):
    """`knowledge/outcomes.yaml`: the outcomes that end a triage before the last question."""

    schema_version: Literal[1]
    """Version of this file's format."""
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
    fixes: tuple[Identifier, ...] = Field(min_length=1, max_length=2)
    """Fix ids offered with this cause, best first."""
    gear_weights: tuple[GearWeight, ...] = ()
    """Nudges from the runner's default shoe; they apply only when the answers suggest the cause,
    and never touch the tier."""


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
