"""Load `knowledge/`, validate it as a whole and return the immutable `Knowledge` bundle.

Validation never stops at the first problem: every schema error, dangling reference,
unreachable node, cycle, missing or stale text and safety-rule breach is collected, each
naming its file and node id, and raised together as one `KnowledgeError`.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, Field, ValidationError

from bot.content import keys
from bot.content.catalog import Catalog, placeholders
from bot.content.lacing import path_problems
from bot.content.models import (
    AnswerCondition,
    Cause,
    Causes,
    CheckinFlow,
    CheckinStep,
    ClinicalCases,
    EscalationRules,
    Fix,
    Gear,
    GearConditional,
    GearSetting,
    Lacing,
    LacingTechnique,
    Language,
    Node,
    Outcomes,
    PathTests,
    ScheduleOptions,
    StopOutcome,
    StrictModel,
    Tier,
    Tips,
    TriageTree,
)
from bot.telegram_html import html_problem, parse_html

RESULT = "result"
"""The reserved `next` target that finishes the questionnaire and assesses the answers."""
UNSURE = "unsure"
"""The answer id every question must offer."""
DEFAULT_LANGUAGE = "en"
"""The language the others are checked against, and the one shown when none fits."""
MESSAGE_LIMIT = 4096
"""The most characters Telegram shows in one message, counted after parsing its HTML."""
BUTTON_LIMIT = 30
"""The longest answer or option label: Telegram's buttons are narrow."""
SETTING_LABEL_LIMIT = 20
"""The longest name of a shoe setting, shown on the shoe card and its button."""
COMMAND_LIMITS = (3, 60)
"""How short and how long a command's description in the menu may be."""
TIP_LIMIT = 300
"""The longest pre-run tip: one or two sentences."""
SHOE = "shoe"
"""The placeholder a fix variant's text must have: the name of the runner's shoe."""
SHOE_ANSWER = re.compile(r"s([1-9][0-9]{0,14})")
"""The answer id of a shoe button in the check-in's shoe question: `s<shoe id>`."""

ModelT = TypeVar("ModelT", bound=BaseModel)


class KnowledgeError(Exception):
    """The knowledge directory is invalid; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            f"{len(self.problems)} problem(s) in knowledge/:\n"
            + "\n".join(f"  - {p}" for p in self.problems)
        )


class SafetyRules(StrictModel):
    """Per-language wording rules that keep the bot's advice safe."""

    forbidden: tuple[str, ...] = Field(min_length=1)
    """Regexes (case-insensitive) that no text may match, e.g. Epsom salt or soaking."""
    diagnosis_word: str = Field(min_length=3)
    """Regex for the word "diagnosis"; allowed only under `disclaimer.` keys."""
    unproven: tuple[str, ...] = Field(min_length=1)
    """Regexes for claims without evidence: never in a cause, elsewhere only hedged."""
    hedge_phrase: str = Field(min_length=3)
    """The hedge a text must contain to mention an unproven claim ("some runners find")."""


class LocaleFile(StrictModel):
    """`knowledge/locales/<code>.yaml`: one language's catalogue."""

    schema_version: Literal[1]
    """Version of this file's format."""
    language: Language
    """Which language this file holds."""
    safety: SafetyRules
    """Wording rules checked against every text of this language."""
    messages: dict[str, Any]
    """Nested mapping of keys to texts; nesting levels join with dots."""


@dataclass(frozen=True)
class Knowledge:
    """Everything loaded from `knowledge/`, validated and indexed for fast lookups."""

    tree: TriageTree
    nodes: Mapping[str, Node]
    stops: Mapping[str, StopOutcome]
    actions: tuple[str, ...]
    """The emergency instructions, most urgent first."""
    causes: Mapping[str, Cause]
    catalog: Catalog
    cause_rank: Mapping[str, int]
    fixes: Mapping[str, Fix]
    gear: Mapping[str, GearSetting]
    """The shoe settings of `gear.yaml`, in the order a new shoe is asked about them."""
    fix_variants: frozenset[str]
    """Ids of the fixes reworded for a shoe; their texts take the shoe's name."""
    gear_causes: frozenset[str]
    """Causes the runner's gear can bear on (gear weights, or fixes with variants)."""
    schedules: ScheduleOptions
    tips: tuple[str, ...]
    checkin: CheckinFlow
    checkin_steps: Mapping[str, CheckinStep]
    escalation: EscalationRules
    lacing: Mapping[str, LacingTechnique]
    """The lacing diagrams by technique id, in the order of `lacing.yaml`."""
    fix_diagrams: Mapping[str, str]
    """Fix or variant id → the technique whose diagram shows it."""
    tip_diagrams: Mapping[str, str]
    """Tip id → the technique whose diagram shows it."""


def load_knowledge(directory: Path) -> Knowledge:
    """Load and validate the knowledge directory; raise `KnowledgeError` listing all problems."""
    problems: list[str] = []
    tree = _load(directory / "triage.yaml", TriageTree, problems)
    outcomes = _load(directory / "outcomes.yaml", Outcomes, problems)
    causes = _load(directory / "causes.yaml", Causes, problems)
    gear = _load(directory / "gear.yaml", Gear, problems)
    schedules = _load(directory / "schedules.yaml", ScheduleOptions, problems)
    tips = _load(directory / "tips.yaml", Tips, problems)
    checkin = _load(directory / "checkin.yaml", CheckinFlow, problems)
    escalation = _load(directory / "escalation.yaml", EscalationRules, problems)
    lacing = _load(directory / "lacing.yaml", Lacing, problems)
    locales = _load_locales(directory / "locales", problems)
    if (
        tree is None
        or outcomes is None
        or causes is None
        or gear is None
        or schedules is None
        or tips is None
        or checkin is None
        or escalation is None
        or lacing is None
        or DEFAULT_LANGUAGE not in locales
    ):
        raise KnowledgeError(problems)

    _check_unique("triage.yaml", "node", (n.id for n in tree.nodes), problems)
    _check_unique("outcomes.yaml", "outcome", (o.id for o in outcomes.stops), problems)
    _check_unique("causes.yaml", "cause", (c.id for c in causes.causes), problems)
    variants = {v.id for f in causes.fixes for v in f.variants}
    _check_unique("causes.yaml", "fix", [f.id for f in causes.fixes] + sorted(variants), problems)
    nodes = {n.id: n for n in tree.nodes}
    stops = {o.id: o for o in outcomes.stops}
    cause_map = {c.id: c for c in causes.causes}
    settings = {s.id: s for s in gear.settings}
    _check_graph(tree, nodes, stops, cause_map, problems)
    _check_stops(outcomes, problems)
    _check_answer_refs(tree, nodes, causes, problems)
    _check_causes(outcomes, causes, cause_map, tree, problems)
    _check_gear(gear, causes, settings, problems)
    _check_schedules(schedules, problems)
    _check_unique("tips.yaml", "tip", (tip.id for tip in tips.tips), problems)
    checkin_steps = {step.id: step for step in checkin.steps}
    _check_checkin(checkin, checkin_steps, stops, {f.id for f in causes.fixes}, tree, problems)
    _check_unique("escalation.yaml", "rule", (r.id for r in escalation.recurring), problems)
    signs = {a.escalate for step in checkin.steps for a in step.answers if a.escalate}
    for rule in escalation.recurring:
        if rule.id in signs:
            problems.append(f"escalation.yaml: rule {rule.id}: a check-in answer escalates it")

    fix_ids = {f.id for f in causes.fixes} | variants
    _check_lacing(lacing, fix_ids, {tip.id for tip in tips.tips}, problems)

    required = _required_keys(tree, outcomes, causes, gear)
    required.update(_reminder_keys(tips, checkin, escalation))
    required.update(_lacing_keys(lacing))
    limits = _short_texts(tree, gear, tips, checkin)
    catalog = _check_locales(locales, required, _placeholders_required(causes), limits, problems)
    _check_thresholds(tree, checkin, locales, problems)
    if problems:
        raise KnowledgeError(problems)
    fixes = {f.id: f for f in causes.fixes}
    return Knowledge(
        tree=tree,
        nodes=nodes,
        stops=stops,
        actions=outcomes.actions,
        causes=cause_map,
        catalog=catalog,
        cause_rank={c.id: i for i, c in enumerate(causes.causes)},
        fixes=fixes,
        gear=settings,
        fix_variants=frozenset(variants),
        gear_causes=frozenset(
            c.id
            for c in causes.causes
            if c.gear_weights or any(fixes[f].variants for f in c.fixes)
        ),
        schedules=schedules,
        tips=tuple(tip.id for tip in tips.tips),
        checkin=checkin,
        checkin_steps=checkin_steps,
        escalation=escalation,
        lacing={technique.id: technique for technique in lacing.techniques},
        fix_diagrams={shown: t.id for t in lacing.techniques for shown in t.fixes},
        tip_diagrams={shown: t.id for t in lacing.techniques for shown in t.tips},
    )


def _check_lacing(
    lacing: Lacing, fix_ids: set[str], tip_ids: set[str], problems: list[str]
) -> None:
    """Check every diagram's paths, and that each fix or tip it names exists, once."""
    _check_unique("lacing.yaml", "technique", (t.id for t in lacing.techniques), problems)
    shown_by: dict[str, str] = {}
    for technique in lacing.techniques:
        where = f"lacing.yaml: technique {technique.id}"
        problems.extend(f"{where}: {problem}" for problem in path_problems(technique))
        for fix_id in technique.fixes:
            if fix_id not in fix_ids:
                problems.append(f"{where}: fix {fix_id} is not a fix in causes.yaml")
        for tip_id in technique.tips:
            if tip_id not in tip_ids:
                problems.append(f"{where}: tip {tip_id} is not in tips.yaml")
        for shown in (*technique.fixes, *technique.tips):
            if shown in shown_by:
                problems.append(f"{where}: {shown} already shows {shown_by[shown]}'s diagram")
            shown_by[shown] = technique.id
    for plain in lacing.no_diagram:
        if plain not in fix_ids | tip_ids:
            problems.append(f"lacing.yaml: no_diagram {plain}: not a fix or tip")
        elif plain in shown_by:
            problems.append(f"lacing.yaml: no_diagram {plain}: but {shown_by[plain]} shows it")


def _lacing_keys(lacing: Lacing) -> dict[str, str]:
    """Map each catalogue key the lacing diagrams need to the diagram that needs it."""
    required: dict[str, str] = {}
    for technique in lacing.techniques:
        where = f"lacing.yaml technique {technique.id}"
        required[keys.lacing_name(technique.id)] = where
        required[keys.lacing_caption(technique.id)] = where
        if technique.window is not None:
            required[keys.lacing_window(technique.id)] = where
        if len(technique.laces) > 1:
            for number in range(1, len(technique.laces) + 1):
                required[keys.lacing_lace(technique.id, number)] = where
    return required


def load_path_tests(directory: Path) -> PathTests:
    """Load `knowledge/tests/triage_paths.yaml`; raise `KnowledgeError` if it is malformed."""
    problems: list[str] = []
    tests = _load(directory / "tests" / "triage_paths.yaml", PathTests, problems)
    if tests is None:
        raise KnowledgeError(problems)
    return tests


def load_cases(directory: Path) -> ClinicalCases:
    """Load `knowledge/tests/cases.yaml`; raise `KnowledgeError` if it is malformed."""
    problems: list[str] = []
    cases = _load(directory / "tests" / "cases.yaml", ClinicalCases, problems)
    if cases is not None:
        _check_unique("cases.yaml", "case", (case.id for case in cases.cases), problems)
        for tier, least in cases.targets.least_cases.items():
            count = sum(case.expect is tier for case in cases.cases)
            if count < least:
                problems.append(
                    f"cases.yaml: {count} cases expect {tier.value}; the suite needs {least}"
                )
    if cases is None or problems:
        raise KnowledgeError(problems)
    return cases


def _load(path: Path, model: type[ModelT], problems: list[str]) -> ModelT | None:
    data = _read_yaml(path, problems)
    if data is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            where = _describe_location(data, error["loc"])
            problems.append(f"{path.name}: {where}: {error['msg']}")
        return None


def _read_yaml(path: Path, problems: list[str]) -> object | None:
    try:
        with path.open(encoding="utf-8") as handle:
            data: object = yaml.safe_load(handle)
            return data
    except FileNotFoundError:
        problems.append(f"{path.name}: file is missing")
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: not valid YAML: {exc}")
    return None


def _describe_location(data: object, loc: Sequence[int | str]) -> str:
    """Render a pydantic error location, naming list items by their `id` where they have one."""
    parts: list[str] = []
    current = data
    for step in loc:
        if isinstance(step, int) and isinstance(current, list) and step < len(current):
            current = current[step]
            item_id = current.get("id") if isinstance(current, dict) else None
            parts.append(f"[{item_id}]" if item_id else f"[{step}]")
        else:
            current = current.get(step) if isinstance(current, dict) else None
            parts.append(f".{step}" if parts else str(step))
    return "".join(parts) or "(top level)"


def _check_unique(file: str, kind: str, ids: Iterable[str], problems: list[str]) -> None:
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            problems.append(f"{file}: {kind} {item_id}: defined twice")
        seen.add(item_id)


def _check_graph(
    tree: TriageTree,
    nodes: Mapping[str, Node],
    stops: Mapping[str, StopOutcome],
    causes: Mapping[str, Cause],
    problems: list[str],
) -> None:
    if RESULT in nodes:
        problems.append(f"triage.yaml: node {RESULT}: the id is reserved for `next: {RESULT}`")
    if tree.root not in nodes:
        problems.append(f"triage.yaml: root {tree.root}: no such node")
    elif not _is_red_flag_node(nodes[tree.root]):
        problems.append(f"triage.yaml: node {tree.root}: the root must be the red-flag screen")
    for cause_id in tree.fallback_causes:
        if cause_id not in causes:
            problems.append(f"triage.yaml: fallback_causes: unknown cause {cause_id}")
    for node in tree.nodes:
        where = f"triage.yaml: node {node.id}"
        _check_unique("triage.yaml", f"node {node.id} answer", _answer_ids(node), problems)
        if UNSURE not in _answer_ids(node):
            problems.append(f"{where}: every question needs an `{UNSURE}` answer")
        for answer in node.answers:
            at = f"{where} answer {answer.id}"
            if answer.next is not None and answer.next != RESULT and answer.next not in nodes:
                problems.append(f"{at}: next {answer.next} is not a node")
            if answer.stop is not None:
                _check_stop(at, answer.stop, answer.red_flag, stops, problems)
            if answer.at_least is not None and answer.at_least.tier is Tier.EMERGENCY:
                problems.append(f"{at}: use `stop` with an emergency outcome, not at_least")
            for cause_id in answer.suggests:
                if cause_id not in causes:
                    problems.append(f"{at}: suggests unknown cause {cause_id}")
        if _is_red_flag_node(node):
            _check_unsure_is_safe(node, nodes, stops, where, problems)
        _check_unsure_raises_enough(node, problems)
    if tree.root in nodes:
        _check_reachability_and_cycles(tree, nodes, problems)


def _check_stops(outcomes: Outcomes, problems: list[str]) -> None:
    _check_unique("outcomes.yaml", "action", outcomes.actions, problems)
    for stop in outcomes.stops:
        if stop.tier is not Tier.EMERGENCY:
            problems.append(f"outcomes.yaml: outcome {stop.id}: a stop is an emergency")
        if stop.action not in outcomes.actions:
            problems.append(
                f"outcomes.yaml: outcome {stop.id}: action {stop.action} is not listed"
            )


def _check_answer_refs(
    tree: TriageTree, nodes: Mapping[str, Node], causes: Causes, problems: list[str]
) -> None:
    """Check the answers that rules and causes name, and the health notes answers set."""
    _check_unique("triage.yaml", "health note", tree.health_notes, problems)

    def check(where: str, condition: AnswerCondition) -> None:
        for ref in condition.answers():
            node_id, _, answer_id = ref.partition(".")
            node = nodes.get(node_id)
            if node is None or answer_id not in _answer_ids(node):
                problems.append(f"{where}: {ref} is not an answer in triage.yaml")

    for index, rule in enumerate(tree.rules):
        check(f"triage.yaml: rules[{index}]", rule.when)
    for cause in causes.causes:
        for condition in cause.hide_when:
            check(f"causes.yaml: cause {cause.id} hide_when", condition)
    for node in tree.nodes:
        for answer in node.answers:
            for note in answer.health:
                if note not in tree.health_notes:
                    problems.append(
                        f"triage.yaml: node {node.id} answer {answer.id}: health note {note} "
                        "is not in health_notes"
                    )


def _check_unsure_raises_enough(node: Node, problems: list[str]) -> None:
    """Check that "not sure" raises the floor as far as any other answer to the question."""
    unsure = next((a for a in node.answers if a.id == UNSURE), None)
    floors = [a.at_least for a in node.answers if a.id != UNSURE and a.at_least is not None]
    if unsure is None or not floors:
        return
    highest = max(floors, key=lambda floor: floor.tier.rank)
    raised = unsure.at_least.tier.rank if unsure.at_least is not None else -1
    if raised < highest.tier.rank:
        problems.append(
            f"triage.yaml: node {node.id} answer {UNSURE}: it must raise the tier to at least "
            f"{highest.tier.value}, like another answer to the question, with its own reason"
        )


def _check_thresholds(
    tree: TriageTree,
    checkin: CheckinFlow,
    locales: Mapping[str, tuple[LocaleFile, dict[str, str]]],
    problems: list[str],
) -> None:
    """Hold triage, check-ins and texts to the one `clear_minutes` threshold."""
    limit = tree.clear_minutes
    used = {limit}
    for node in tree.nodes:
        for answer in node.answers:
            at = f"triage.yaml: node {node.id} answer {answer.id}"
            if answer.clears_within is not None:
                used.add(answer.clears_within)
            slow = _slower_than(limit, answer.clears_within, answer.still_numb)
            floor = answer.at_least.tier.rank if answer.at_least is not None else -1
            if slow and floor < Tier.SEE_DOCTOR.rank:
                problems.append(f"{at}: longer than {limit} minutes must be at least see_doctor")
            if answer.clears_within is not None and not slow and answer.at_least is not None:
                problems.append(f"{at}: clearing within {limit} minutes raises no floor")
    for step in checkin.steps:
        for item in step.answers:
            at = f"checkin.yaml: step {step.id} answer {item.id}"
            if item.clears_within is not None:
                used.add(item.clears_within)
            slow = _slower_than(limit, item.clears_within, item.still_numb)
            if slow and item.escalate is None:
                problems.append(f"{at}: longer than {limit} minutes must escalate")
            if item.clears_within is not None and not slow and item.escalate is not None:
                problems.append(f"{at}: clearing within {limit} minutes doesn't escalate")
    for code, (_, messages) in locales.items():
        for key, text in messages.items():
            if not key.startswith(_CLINICAL_TEXTS):
                continue
            for minutes in stated_minutes(text):
                if minutes not in used:
                    problems.append(
                        f"locales/{code}.yaml: {key}: states {minutes} minutes, a threshold the "
                        f"rules don't use (they use {sorted(used)})"
                    )


def _slower_than(limit: int, clears_within: int | None, still_numb: bool) -> bool:
    """Return True when an answer says feeling takes longer than `limit` minutes to return."""
    return still_numb or (clears_within or 0) > limit


_CLINICAL_TEXTS = (
    "triage.",
    "reason.",
    "tier.",
    "action.",
    "outcome.",
    "cause.",
    "fix.",
    "tip.",
    "checkin.",
    "escalation.",
)
"""The texts that give medical advice; the others (such as how long the bot waits for a
typed answer) state times that are not about numbness."""
_MINUTES = re.compile(
    r"(?:(\d+)\s*(?:to|or|bis|oder|-|–)\s*)?(\d+)\s*(?:min(?:ute[ns]?|s)?|(hours?|stunden?))\b"
    r"|(half an hour|halbe[n]? stunde)"
    r"|\b(an|one|eine[rn]?) (?:hour|stunde)\b",
    re.IGNORECASE,
)
"""A span of time in English or German ("5 to 30 minutes", "30 Minuten", "eine Stunde")."""


def stated_minutes(text: str) -> list[int]:
    """Return every span of time a text states, in minutes ("5 to 30 minutes", "an hour")."""
    found: list[int] = []
    for match in _MINUTES.finditer(text):
        low, high, hours, half, one = match.groups()
        if half:
            found.append(30)
        elif one:
            found.append(60)
        else:
            scale = 60 if hours else 1
            found += [int(n) * scale for n in (low, high) if n is not None]
    return found


def _answer_ids(node: Node) -> list[str]:
    return [a.id for a in node.answers]


def _is_red_flag_node(node: Node) -> bool:
    return any(a.red_flag for a in node.answers)


def _check_unsure_is_safe(
    node: Node,
    nodes: Mapping[str, Node],
    stops: Mapping[str, StopOutcome],
    where: str,
    problems: list[str],
) -> None:
    """On a red-flag screen, "not sure" must lead to more red-flag checks or raise to urgent."""
    unsure = next((a for a in node.answers if a.id == UNSURE), None)
    if unsure is None:
        return
    raises = unsure.at_least is not None and unsure.at_least.tier.rank >= Tier.URGENT.rank
    follows_up = unsure.next in nodes and _is_red_flag_node(nodes[str(unsure.next)])
    stop = stops.get(unsure.stop) if unsure.stop is not None else None
    stops_urgently = stop is not None and stop.tier.rank >= Tier.URGENT.rank
    if not (raises or follows_up or stops_urgently):
        problems.append(
            f"{where} answer {UNSURE}: on a red-flag screen it must raise the tier to at least "
            "urgent, stop at an urgent or emergency outcome, or lead to another red-flag screen"
        )


def _check_reachability_and_cycles(
    tree: TriageTree, nodes: Mapping[str, Node], problems: list[str]
) -> None:
    state: dict[str, Literal["open", "done"]] = {}

    def visit(node_id: str, trail: list[str]) -> None:
        if state.get(node_id) == "done":
            return
        if state.get(node_id) == "open":
            cycle = " -> ".join([*trail[trail.index(node_id) :], node_id])
            problems.append(f"triage.yaml: node {node_id}: cycle {cycle}")
            return
        state[node_id] = "open"
        for answer in nodes[node_id].answers:
            if answer.next is not None and answer.next in nodes:
                visit(answer.next, [*trail, node_id])
        state[node_id] = "done"

    visit(tree.root, [])
    for node_id in nodes:
        if node_id not in state:
            problems.append(f"triage.yaml: node {node_id}: unreachable from {tree.root}")


def _check_causes(
    outcomes: Outcomes,
    causes: Causes,
    cause_map: Mapping[str, Cause],
    tree: TriageTree,
    problems: list[str],
) -> None:
    fix_ids = {f.id for f in causes.fixes}
    for stop in outcomes.stops:
        if stop.tier is Tier.EMERGENCY and stop.causes:
            problems.append(f"outcomes.yaml: outcome {stop.id}: emergencies list no causes")
        for cause_id in stop.causes:
            if cause_id not in cause_map:
                problems.append(f"outcomes.yaml: outcome {stop.id}: unknown cause {cause_id}")
    used_fixes: set[str] = set()
    for cause in causes.causes:
        for fix_id in cause.fixes:
            used_fixes.add(fix_id)
            if fix_id not in fix_ids:
                problems.append(f"causes.yaml: cause {cause.id}: unknown fix {fix_id}")
    for fix_id in sorted(fix_ids - used_fixes):
        problems.append(f"causes.yaml: fix {fix_id}: no cause uses it")
    for node in tree.nodes:
        for answer in node.answers:
            floor = answer.at_least.tier.rank if answer.at_least is not None else -1
            for cause_id in answer.suggests:
                suggested_cause = cause_map.get(cause_id)
                bare = suggested_cause is not None and not suggested_cause.fixes
                if bare and floor < Tier.URGENT.rank:
                    problems.append(
                        f"triage.yaml: node {node.id} answer {answer.id}: cause {cause_id} has "
                        "no fixes, so only an urgent answer may suggest it"
                    )
    suggested = {c for n in tree.nodes for a in n.answers for c in a.suggests}
    suggested |= set(tree.fallback_causes) | {c for s in outcomes.stops for c in s.causes}
    for cause_id in sorted(set(cause_map) - suggested):
        problems.append(f"causes.yaml: cause {cause_id}: no answer or outcome leads to it")


def _check_gear(
    gear: Gear, causes: Causes, settings: Mapping[str, GearSetting], problems: list[str]
) -> None:
    """Check gear.yaml, and that every gear condition in causes.yaml names real options."""
    _check_unique("gear.yaml", "setting", (s.id for s in gear.settings), problems)
    for setting in gear.settings:
        _check_unique("gear.yaml", f"setting {setting.id} option", setting.options, problems)

    def check(where: str, entry: GearConditional) -> None:
        for setting_id, options in entry.when.items():
            if setting_id not in settings:
                problems.append(f"causes.yaml: {where}: unknown gear setting {setting_id}")
                continue
            for option in options:
                if option not in settings[setting_id].options:
                    problems.append(
                        f"causes.yaml: {where}: {setting_id} has no option {option} in gear.yaml"
                    )

    for cause in causes.causes:
        for weight in cause.gear_weights:
            check(f"cause {cause.id} gear_weights", weight)
    for fix in causes.fixes:
        seen: list[dict[str, frozenset[str]]] = []
        for variant in fix.variants:
            check(f"fix {fix.id} variant {variant.id}", variant)
            when = {k: frozenset(v) for k, v in variant.when.items()}
            if when in seen:
                problems.append(
                    f"causes.yaml: fix {fix.id} variant {variant.id}: same `when` as an earlier "
                    "variant, so it can never be chosen"
                )
            seen.append(when)


def _check_schedules(schedules: ScheduleOptions, problems: list[str]) -> None:
    known = zoneinfo.available_timezones()
    for name in schedules.timezones:
        if name not in known:
            problems.append(f"schedules.yaml: timezones: {name} is not an IANA time zone")
    _check_unique("schedules.yaml", "start time", schedules.start_times, problems)
    _check_unique("schedules.yaml", "duration", (str(d) for d in schedules.durations), problems)


def _check_stop(
    at: str, stop_id: str, red_flag: bool, stops: Mapping[str, StopOutcome], problems: list[str]
) -> None:
    """Check that an answer stops at a known outcome, and a red flag at an emergency one."""
    stop = stops.get(stop_id)
    if stop is None:
        problems.append(f"{at}: stop {stop_id} is not an outcome")
    elif red_flag and stop.tier is not Tier.EMERGENCY:
        problems.append(f"{at}: a red flag must stop at an emergency outcome")


def _check_checkin(
    flow: CheckinFlow,
    steps: Mapping[str, CheckinStep],
    stops: Mapping[str, StopOutcome],
    fix_ids: set[str],
    tree: TriageTree,
    problems: list[str],
) -> None:
    _check_unique("checkin.yaml", "step", (step.id for step in flow.steps), problems)
    if flow.first not in steps:
        problems.append(f"checkin.yaml: first {flow.first}: no such step")
    elif steps[flow.first].shoes:
        problems.append(f"checkin.yaml: first {flow.first}: the shoe question can't come first")
    for detail in flow.history.details:
        if detail not in steps or steps[detail].multi or steps[detail].shoes:
            problems.append(
                f"checkin.yaml: history details {detail}: not a single-answer step about the feet"
            )
    for step in flow.steps:
        where = f"checkin.yaml: step {step.id}"
        _check_unique(
            "checkin.yaml", f"step {step.id} answer", (a.id for a in step.answers), problems
        )
        if step.otherwise is not None and step.otherwise not in steps:
            problems.append(f"{where}: otherwise {step.otherwise} is not a step")
        if step.health is not None and step.health not in tree.health_notes:
            problems.append(f"{where}: health {step.health} is not in triage.yaml health_notes")
        if step.shoes and (step.multi or step.health is not None):
            problems.append(f"{where}: the shoe question can't be multi or depend on health")
        for answer in step.answers:
            at = f"{where} answer {answer.id}"
            if SHOE_ANSWER.fullmatch(answer.id):
                problems.append(f"{at}: ids like s1, s2 are the shoe buttons' ids")
            if step.shoes and (
                not answer.finish
                or not answer.numb
                or answer.tip is not None
                or answer.escalate is not None
            ):
                problems.append(
                    f"{at}: the shoe question only records the shoes; its answers must "
                    "finish, with no numb: false, tip or escalate"
                )
            if step.multi and not (
                answer.stop is not None
                or (answer.alert is not None and answer.alert.tier is Tier.URGENT)
            ):
                problems.append(f"{at}: a multi step's answers are warning signs: stop or alert")
            if answer.next is not None and answer.next not in steps:
                problems.append(f"{at}: next {answer.next} is not a step")
            if answer.stop is not None:
                _check_stop(at, answer.stop, answer.red_flag, stops, problems)
            if answer.alert is not None and answer.alert.tier is Tier.EMERGENCY:
                problems.append(f"{at}: use `stop` with an emergency outcome, not alert")
            if answer.tip is not None and answer.tip not in fix_ids:
                problems.append(f"{at}: tip {answer.tip} is not a fix in causes.yaml")
            if answer.escalate is not None and (answer.stop or answer.alert):
                problems.append(f"{at}: an answer that escalates must go on or finish")
    state: dict[str, Literal["open", "done"]] = {}

    def visit(step_id: str) -> None:
        if state.get(step_id) == "open":
            problems.append(f"checkin.yaml: step {step_id}: it is part of a cycle")
            return
        if step_id in state:
            return
        state[step_id] = "open"
        step = steps[step_id]
        following = [a.next for a in step.answers] + [step.otherwise]
        for next_id in following:
            if next_id is not None and next_id in steps:
                visit(next_id)
        state[step_id] = "done"

    if flow.first in steps:
        visit(flow.first)
    for step_id in steps:
        if step_id not in state:
            problems.append(f"checkin.yaml: step {step_id}: unreachable from {flow.first}")


def _reminder_keys(tips: Tips, flow: CheckinFlow, escalation: EscalationRules) -> dict[str, str]:
    """Map each catalogue key the reminder data needs to the place that needs it."""
    required: dict[str, str] = {}
    for tip in tips.tips:
        required[keys.tip(tip.id)] = f"tips.yaml tip {tip.id}"
    for step in flow.steps:
        required[keys.checkin_question(step.id)] = f"checkin.yaml step {step.id}"
        required[keys.export_column(step.id)] = f"checkin.yaml step {step.id}"
        for answer in step.answers:
            required[keys.checkin_answer(step.id, answer.id)] = f"checkin.yaml step {step.id}"
            if answer.alert is not None:
                required[keys.reason(answer.alert.reason)] = f"checkin.yaml step {step.id}"
            if answer.escalate is not None:
                required[keys.escalation(answer.escalate)] = f"checkin.yaml step {step.id}"
    for rule in escalation.recurring:
        required[keys.escalation(rule.id)] = f"escalation.yaml rule {rule.id}"
    return required


def _required_keys(
    tree: TriageTree, outcomes: Outcomes, causes: Causes, gear: Gear
) -> dict[str, str]:
    """Map each catalogue key the data needs to the place that needs it."""
    required: dict[str, str] = {}
    for node in tree.nodes:
        required[keys.question(node.id)] = f"triage.yaml node {node.id}"
        for answer in node.answers:
            required[keys.answer(node.id, answer.id)] = f"triage.yaml node {node.id}"
            if answer.at_least is not None:
                required[keys.reason(answer.at_least.reason)] = f"triage.yaml node {node.id}"
    for index, rule in enumerate(tree.rules):
        required[keys.reason(rule.at_least.reason)] = f"triage.yaml rules[{index}]"
    for note in tree.health_notes:
        required[keys.health_note(note)] = "triage.yaml health_notes"
    for action in outcomes.actions:
        required[keys.action(action)] = f"outcomes.yaml action {action}"
    for stop in outcomes.stops:
        required[keys.outcome(stop.id)] = f"outcomes.yaml outcome {stop.id}"
    for cause in causes.causes:
        required[keys.cause_name(cause.id)] = f"causes.yaml cause {cause.id}"
        required[keys.cause_why(cause.id)] = f"causes.yaml cause {cause.id}"
    for fix in causes.fixes:
        required[keys.fix(fix.id)] = f"causes.yaml fix {fix.id}"
        for variant in fix.variants:
            required[keys.fix(variant.id)] = f"causes.yaml fix {fix.id} variant {variant.id}"
    for setting in gear.settings:
        where = f"gear.yaml setting {setting.id}"
        required[keys.gear_question(setting.id)] = where
        required[keys.gear_label(setting.id)] = where
        for option in setting.options:
            required[keys.gear_option(setting.id, option)] = where
    for tier in Tier:
        required[keys.tier_heading(tier)] = f"tier {tier.value}"
        if tier is not Tier.EMERGENCY:  # an emergency's instruction is its stop's action
            required[keys.tier_instruction(tier)] = f"tier {tier.value}"
    for command in keys.COMMANDS:
        required[keys.command_description(command)] = f"the /{command} command"
    for key in keys.UI_TEXTS:
        required[key] = "the bot's screens"
    return required


def _placeholders_required(causes: Causes) -> dict[str, frozenset[str]]:
    """Map each text that takes placeholders to exactly the ones it must have."""
    expected = {key: frozenset(names) for key, names in keys.UI_TEXTS.items()}
    for fix in causes.fixes:
        for variant in fix.variants:
            expected[keys.fix(variant.id)] = frozenset({SHOE})
    return expected


def _load_locales(
    directory: Path, problems: list[str]
) -> dict[str, tuple[LocaleFile, dict[str, str]]]:
    locales: dict[str, tuple[LocaleFile, dict[str, str]]] = {}
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        problems.append(f"locales/: no locale files in {directory}")
    for path in paths:
        locale = _load(path, LocaleFile, problems)
        if locale is None:
            continue
        if locale.language.code != path.stem:
            problems.append(f"locales/{path.name}: language.code must equal the file name")
        flat: dict[str, str] = {}
        _flatten(locale.messages, "", flat, f"locales/{path.name}", problems)
        locales[locale.language.code] = (locale, flat)
    if DEFAULT_LANGUAGE not in locales and paths:
        problems.append(f"locales/: the default language {DEFAULT_LANGUAGE} is missing")
    return locales


def _flatten(
    tree: Mapping[str, Any], prefix: str, out: dict[str, str], file: str, problems: list[str]
) -> None:
    for name, value in tree.items():
        key = f"{prefix}{name}"
        if not isinstance(name, str):
            problems.append(
                f"{file}: {key}: a key must be text; quote it (YAML reads yes, no, on and off "
                "as true/false)"
            )
            continue
        if isinstance(value, dict):
            _flatten(value, f"{key}.", out, file, problems)
        elif isinstance(value, str) and value.strip():
            out[key] = value.strip()
        else:
            problems.append(f"{file}: {key}: must be a non-empty text or a mapping")


def _short_texts(
    tree: TriageTree, gear: Gear, tips: Tips, checkin: CheckinFlow
) -> dict[str, tuple[int, int, bool]]:
    """Map each length-limited text to its (least, most) characters and whether it is plain."""
    limits: dict[str, tuple[int, int, bool]] = {}
    for node in tree.nodes:
        for answer in node.answers:
            limits[keys.answer(node.id, answer.id)] = (1, BUTTON_LIMIT, True)
    for step in checkin.steps:
        for item in step.answers:
            limits[keys.checkin_answer(step.id, item.id)] = (1, BUTTON_LIMIT, True)
    for setting in gear.settings:
        limits[keys.gear_label(setting.id)] = (1, SETTING_LABEL_LIMIT, True)
        for option in setting.options:
            limits[keys.gear_option(setting.id, option)] = (1, BUTTON_LIMIT, True)
    for command in keys.COMMANDS:
        limits[keys.command_description(command)] = (*COMMAND_LIMITS, True)
    for tip in tips.tips:
        limits[keys.tip(tip.id)] = (1, TIP_LIMIT, False)
    return limits


def _check_locales(
    locales: Mapping[str, tuple[LocaleFile, dict[str, str]]],
    required: Mapping[str, str],
    placeholders_of: Mapping[str, frozenset[str]],
    limits: Mapping[str, tuple[int, int, bool]],
    problems: list[str],
) -> Catalog:
    _, default = locales[DEFAULT_LANGUAGE]
    for code, (_, messages) in sorted(locales.items()):
        for key, needed_by in required.items():
            if key not in messages:
                problems.append(f"locales/{code}.yaml: {key}: missing (for {needed_by})")
    for key in required:
        expected = placeholders_of.get(key, frozenset())
        if key in default and _placeholders_or_none(default[key]) not in (None, set(expected)):
            problems.append(
                f"locales/{DEFAULT_LANGUAGE}.yaml: {key}: placeholders must be exactly "
                f"{sorted(expected)}"
            )
    for code, (locale, messages) in locales.items():
        file = f"locales/{code}.yaml"
        for key, text in messages.items():
            found = _placeholders_or_none(text)
            if found is None:
                problems.append(
                    f"{file}: {key}: unbalanced braces; write {{{{ and }}}} for literal ones"
                )
            elif key not in required:
                problems.append(f"{file}: {key}: no knowledge entry or screen uses this text")
            elif (
                code != DEFAULT_LANGUAGE
                and key in default
                and found != _placeholders_or_none(default[key])
            ):
                problems.append(f"{file}: {key}: placeholders differ from {DEFAULT_LANGUAGE}.yaml")
        _check_texts(file, locale.safety, messages, problems)
        _check_lengths(file, messages, limits, problems)
        _check_name_lists(file, messages, problems)
    return Catalog(
        default=DEFAULT_LANGUAGE,
        languages={code: messages for code, (_, messages) in locales.items()},
        names={code: locale.language.name for code, (locale, _) in locales.items()},
    )


def _check_texts(
    file: str, safety: SafetyRules, messages: Mapping[str, str], problems: list[str]
) -> None:
    forbidden = [re.compile(p, re.IGNORECASE) for p in safety.forbidden]
    diagnosis = re.compile(safety.diagnosis_word, re.IGNORECASE)
    for key, text in messages.items():
        at = f"{file}: {key}"
        problem = html_problem(_blank_placeholders(text))
        if problem:
            problems.append(f"{at}: invalid Telegram HTML: {problem}")
        for pattern in forbidden:
            if pattern.search(text):
                problems.append(f"{at}: safety rule: must not mention /{pattern.pattern}/")
        if diagnosis.search(text) and not key.startswith("disclaimer."):
            problems.append(f"{at}: safety rule: only disclaimer.* texts may speak of diagnosis")
    unproven = [re.compile(p, re.IGNORECASE) for p in safety.unproven]
    for key, text in messages.items():
        claim = next((p.pattern for p in unproven if p.search(text)), None)
        if claim is None:
            continue
        if key.startswith("cause."):
            problems.append(f"{file}: {key}: safety rule: /{claim}/ is unproven, not a cause")
        elif safety.hedge_phrase.lower() not in text.lower():
            problems.append(
                f'{file}: {key}: safety rule: /{claim}/ only as "{safety.hedge_phrase}"'
            )


def _check_lengths(
    file: str,
    messages: Mapping[str, str],
    limits: Mapping[str, tuple[int, int, bool]],
    problems: list[str],
) -> None:
    """Hold every text to Telegram's message limit, and buttons and commands to theirs."""
    for key, text in messages.items():
        shown = parse_html(_blank_placeholders(text)).text
        if len(shown) > MESSAGE_LIMIT:
            problems.append(
                f"{file}: {key}: {len(shown)} characters, more than Telegram's {MESSAGE_LIMIT}"
            )
        if key not in limits:
            continue
        least, most, plain = limits[key]
        if not least <= len(text) <= most:
            problems.append(f"{file}: {key}: {len(text)} characters; it must have {least}–{most}")
        if plain and set("<>&{}") & set(text):
            problems.append(f"{file}: {key}: a button or command is plain text, without <>&{{}}")


NAME_LISTS = {"runs.day_names": 7, "runs.month_names": 12}
"""Texts that are comma-separated lists of names, Monday and January first, and their length."""


def _check_name_lists(file: str, messages: Mapping[str, str], problems: list[str]) -> None:
    """Check that the weekday and month names are complete lists without blanks."""
    for key, count in NAME_LISTS.items():
        if key not in messages:
            continue
        names = [name.strip() for name in messages[key].split(",")]
        if len(names) != count or not all(names):
            problems.append(f"{file}: {key}: must be {count} names separated by commas")


def _placeholders_or_none(text: str) -> set[str] | None:
    """Return a text's placeholder names, or None when its braces are malformed."""
    try:
        return set(placeholders(text))
    except ValueError:
        return None


def _blank_placeholders(text: str) -> str:
    return re.sub(r"\{[a-z_]+\}", "x", text)
