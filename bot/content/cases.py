"""Walk the clinical case suite (`knowledge/tests/cases.yaml`) and score the advice.

Each case is a runner's story with the answer they give to each question; the walk asks the
real triage engine's questions in its own order and looks each answer up, so a case stays
valid when questions move. The report counts what matters for safety: emergencies stopped
on the first screen, urgent or emergency stories sent to a lower tier, self-care stories
sent to a doctor, and exact tiers; and it lists every case that missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.content.loader import UNSURE, Knowledge
from bot.content.models import CaseTargets, ClinicalCase, ClinicalCases, Tier
from bot.content.triage_engine import InvalidPathError, Result, Step, TriageEngine


@dataclass(frozen=True, slots=True)
class CaseResult:
    """Where one case's walk ended."""

    case: ClinicalCase
    tier: Tier | None
    """The result's tier; None when the case could not be walked (`problem` says why)."""
    on_first_screen: bool = False
    """True when the walk stopped on the first screen (or its one-by-one check)."""
    problem: str | None = None

    @property
    def accepted(self) -> bool:
        """Return True when the tier is the expected one or another acceptable one."""
        return self.tier is not None and (
            self.tier is self.case.expect or self.tier in self.case.acceptable
        )


@dataclass(frozen=True, slots=True)
class Figure:
    """One line of the safety table."""

    label: str
    count: int
    total: int
    target: str
    met: bool


@dataclass(frozen=True, slots=True)
class SafetyReport:
    """The scores of the whole suite against its targets."""

    results: tuple[CaseResult, ...]
    figures: tuple[Figure, ...]

    @property
    def problems(self) -> list[str]:
        """Return the cases that could not be walked, one line each."""
        return [f"case {r.case.id}: {r.problem}" for r in self.results if r.problem]

    @property
    def misses(self) -> list[CaseResult]:
        """Return the walked cases whose tier was not acceptable."""
        return [r for r in self.results if r.problem is None and not r.accepted]

    @property
    def met(self) -> bool:
        """Return True when every case walks and every target is met."""
        return not self.problems and all(figure.met for figure in self.figures)


def run_cases(engine: TriageEngine, cases: ClinicalCases) -> SafetyReport:
    """Walk every case with `engine` and score the results."""
    first_screen = _first_screen(engine.knowledge)
    results = tuple(_walk(engine, case, first_screen) for case in cases.cases)
    return SafetyReport(results, _figures(results, cases.targets))


def _first_screen(knowledge: Knowledge) -> frozenset[str]:
    """Return the root and the one-by-one check its "not sure" leads through."""
    root = knowledge.nodes[knowledge.tree.root]
    after = {a.next for a in root.answers if a.id != UNSURE and a.next is not None}
    screen, queue = {root.id}, [a.next for a in root.answers if a.id == UNSURE and a.next]
    while queue:
        node_id = queue.pop()
        if node_id in screen or node_id in after or node_id not in knowledge.nodes:
            continue
        screen.add(node_id)
        queue += [a.next for a in knowledge.nodes[node_id].answers if a.next is not None]
    return frozenset(screen)


def _walk(engine: TriageEngine, case: ClinicalCase, first_screen: frozenset[str]) -> CaseResult:
    path: list[Step] = []
    view = engine.walk(path)
    while not isinstance(view, Result):
        answer = case.answers.get(view.node_id)
        if answer is None:
            return CaseResult(case, None, problem=f"gives no answer to {view.node_id}")
        node_id = view.node_id
        path.append((node_id, answer))
        try:
            view = engine.walk(path)
        except InvalidPathError:
            return CaseResult(case, None, problem=f"{node_id} has no answer {answer}")
    stopped_first = view.stop is not None and all(node in first_screen for node, _ in path)
    return CaseResult(case, view.tier, on_first_screen=stopped_first)


def _figures(results: Sequence[CaseResult], targets: CaseTargets) -> tuple[Figure, ...]:
    walked = [r for r in results if r.tier is not None]

    def expecting(*tiers: Tier) -> list[CaseResult]:
        return [r for r in walked if r.case.expect in tiers]

    emergencies = expecting(Tier.EMERGENCY)
    serious = expecting(Tier.EMERGENCY, Tier.URGENT)
    self_care = expecting(Tier.SELF_CARE)
    first = sum(r.on_first_screen for r in emergencies)
    under = sum(r.tier is not None and r.tier.rank < r.case.expect.rank for r in serious)
    to_doctor = sum(r.tier is not Tier.SELF_CARE for r in self_care)
    exact = sum(r.tier is r.case.expect for r in walked)
    return (
        Figure(
            "Emergencies stopped at the first screen",
            first,
            len(emergencies),
            f"{targets.emergencies_first_screen:.0%}",
            first >= targets.emergencies_first_screen * len(emergencies),
        ),
        Figure(
            "Urgent or emergency stories under-triaged",
            under,
            len(serious),
            f"at most {targets.under_triaged}",
            under <= targets.under_triaged,
        ),
        Figure(
            "Self-care stories sent to a doctor",
            to_doctor,
            len(self_care),
            f"at most {targets.self_care_to_doctor:.0%}",
            to_doctor <= targets.self_care_to_doctor * len(self_care),
        ),
        Figure(
            "Exact tier",
            exact,
            len(results),
            f"at least {targets.exact:.0%}",
            exact >= targets.exact * len(results),
        ),
    )


def table(report: SafetyReport) -> str:
    """Return the report as a Markdown table, then one line per case that missed."""
    lines = ["| figure | cases | share | target | met |", "| --- | ---: | ---: | --- | --- |"]
    for figure in report.figures:
        share = figure.count / figure.total if figure.total else 0.0
        met = "yes" if figure.met else "**no**"
        lines.append(
            f"| {figure.label} | {figure.count} of {figure.total} | {share:.0%} "
            f"| {figure.target} | {met} |"
        )
    for result in report.results:
        if result.problem is None and result.tier is not result.case.expect:
            verdict = "acceptable" if result.accepted else "MISS"
            lines.append(
                f"- {verdict}: {result.case.id} expected {result.case.expect.value}, "
                f"got {result.tier.value if result.tier else '-'} ({result.case.source})"
            )
    return "\n".join(lines)
