"""The triage walk over `knowledge/triage.yaml`: pure functions of the answers given so far.

A walk's whole state is its path, the list of `(node id, answer id)` steps taken from the
root; replaying the path yields the next question or the result. Red flags stop the walk at
once; otherwise the result's tier is the most urgent floor that any answer, or any rule about
a combination of answers, raised, and its causes are the heaviest ones the answers suggested,
less those the answers contradict (a cause's `hide_when`).

The runner's default shoe, when given, is fitted in last: it may add a little weight to causes
the answers already suggest, and picks each fix's wording for that shoe. It is never read
for the tier, the reasons or a red-flag stop.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.content.loader import RESULT, Knowledge
from bot.content.models import Answer, FixVariant, Tier

Step = tuple[str, str]
"""One answered question: `(node id, answer id)`."""
GearSettings = Mapping[str, str]
"""A shoe's answered settings, setting id → option id; unanswered settings are absent."""


class InvalidPathError(ValueError):
    """A path does not fit the current triage graph (forged, stale, or content changed)."""


@dataclass(frozen=True, slots=True)
class Question:
    """The next question to show."""

    node_id: str
    step: int
    answer_ids: tuple[str, ...]
    columns: int

    @property
    def can_go_back(self) -> bool:
        """Return True when there is an earlier question to go back to."""
        return self.step > 0


@dataclass(frozen=True, slots=True)
class Result:
    """Where a walk ended: its tier, the stop outcome if any, the likely causes and why."""

    tier: Tier
    stop: str | None
    causes: tuple[str, ...]
    reasons: tuple[str, ...]
    red_flag: bool
    fixes: tuple[tuple[str, ...], ...]
    """The fixes of each cause, in the causes' order: fix ids, or variants fitted to the shoe."""
    gear_matters: bool
    """True when a cause shown is one the runner's shoes, lacing or socks bear on."""
    health: tuple[tuple[str, bool], ...] = ()
    """The runner's health notes that the answers set (True) or cleared (False)."""


class TriageEngine:
    """Walks the triage graph of one `Knowledge` bundle."""

    def __init__(self, knowledge: Knowledge) -> None:
        self._knowledge = knowledge

    @property
    def knowledge(self) -> Knowledge:
        """Return the bundle this engine walks."""
        return self._knowledge

    def first(self) -> Question:
        """Return the first question: the red-flag screen."""
        return self._question(self._knowledge.tree.root, 0)

    def walk(self, path: Sequence[Step], gear: GearSettings | None = None) -> Question | Result:
        """Replay `path` from the root; return the next question or the result.

        `gear` is the runner's default shoe: it fits the result's causes and fixes to it.
        """
        node_id = self._knowledge.tree.root
        answers: list[Answer] = []
        for index, (step_node, answer_id) in enumerate(path):
            if step_node != node_id:
                raise InvalidPathError(f"step {index} is at {step_node}, expected {node_id}")
            answer = self._answer(node_id, answer_id)
            answers.append(answer)
            is_last = index == len(path) - 1
            if answer.stop is not None or answer.next == RESULT:
                if not is_last:
                    raise InvalidPathError(f"the walk ended at step {index} but the path goes on")
                given = frozenset(f"{node}.{answer_id}" for node, answer_id in path)
                return self._result(answers, given, gear or {})
            assert answer.next is not None  # the schema guarantees next or stop
            node_id = answer.next
        return self._question(node_id, len(path))

    def answer(self, path: Sequence[Step], answer_id: str) -> tuple[list[Step], Question | Result]:
        """Apply one answer to the question `path` leads to; return the new path and view."""
        current = self.walk(path)
        if not isinstance(current, Question):
            raise InvalidPathError("the walk has already ended")
        new_path = [*path, (current.node_id, answer_id)]
        return new_path, self.walk(new_path)

    def back(self, path: Sequence[Step]) -> tuple[list[Step], Question]:
        """Drop the last answer and return the question it answered."""
        new_path = list(path[:-1])
        view = self.walk(new_path)
        if not isinstance(view, Question):  # pragma: no cover - a shorter valid path never ends
            raise InvalidPathError("a shorter path cannot have ended")
        return new_path, view

    def _question(self, node_id: str, step: int) -> Question:
        node = self._knowledge.nodes[node_id]
        return Question(node_id, step, tuple(a.id for a in node.answers), node.columns)

    def _answer(self, node_id: str, answer_id: str) -> Answer:
        for answer in self._knowledge.nodes[node_id].answers:
            if answer.id == answer_id:
                return answer
        raise InvalidPathError(f"{node_id} has no answer {answer_id}")

    def _result(
        self, answers: Sequence[Answer], given: frozenset[str], gear: GearSettings
    ) -> Result:
        last = answers[-1]
        health = tuple({n: v for a in answers for n, v in a.health.items()}.items())
        if last.stop is not None:
            # A stop is decided by the answer alone: gear plays no part in it.
            stop = self._knowledge.stops[last.stop]
            fixes = self._fixes(stop.causes, {})
            return Result(stop.tier, stop.id, stop.causes, (), last.red_flag, fixes, False, health)
        floors = [a.at_least for a in answers if a.at_least is not None]
        floors += [r.at_least for r in self._knowledge.tree.rules if r.when.holds(given)]
        tier = max((floor.tier for floor in floors), key=lambda t: t.rank, default=Tier.SELF_CARE)
        reasons = tuple(dict.fromkeys(floor.reason for floor in floors if floor.tier is tier))
        causes = self._likely_causes(answers, given, gear)
        return Result(
            tier,
            None,
            causes,
            reasons,
            red_flag=False,
            fixes=self._fixes(causes, gear),
            gear_matters=not self._knowledge.gear_causes.isdisjoint(causes),
            health=health,
        )

    def _likely_causes(
        self, answers: Sequence[Answer], given: frozenset[str], gear: GearSettings
    ) -> tuple[str, ...]:
        causes = self._knowledge.causes
        hidden = {
            cause.id
            for cause in causes.values()
            if any(condition.holds(given) for condition in cause.hide_when)
        }
        tree = self._knowledge.tree
        weights: Counter[str] = Counter()
        for answer in answers:
            weights.update(answer.suggests)
        if not weights:
            return tuple(c for c in tree.fallback_causes if c not in hidden)[: tree.max_causes]
        weights = Counter({c: w for c, w in weights.items() if w >= tree.min_weight})
        for cause_id in list(weights):  # only causes the answers suggest: gear adds none
            for nudge in causes[cause_id].gear_weights:
                if nudge.matches(gear):
                    weights[cause_id] += nudge.add
        rank = self._knowledge.cause_rank
        ranked = sorted(
            (c for c in weights if c not in hidden),
            key=lambda cause: (-weights[cause], rank[cause]),
        )
        return tuple(ranked[: tree.max_causes])

    def _fixes(self, causes: Sequence[str], gear: GearSettings) -> tuple[tuple[str, ...], ...]:
        knowledge = self._knowledge
        return tuple(
            tuple(fitted_fix(knowledge, fix_id, gear) for fix_id in knowledge.causes[c].fixes)
            for c in causes
        )


def fitted_fix(knowledge: Knowledge, fix_id: str, gear: GearSettings) -> str:
    """Return the variant of a fix with the most conditions the shoe meets, else the fix."""
    best: FixVariant | None = None
    for variant in knowledge.fixes[fix_id].variants:
        if variant.matches(gear) and (best is None or len(variant.when) > len(best.when)):
            best = variant
    return fix_id if best is None else best.id
