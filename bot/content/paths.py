"""Run the path tests written as data in `knowledge/tests/` and check what they cover."""

from __future__ import annotations

from bot.content.loader import Knowledge
from bot.content.models import PathTests, Tier
from bot.services.triage_engine import InvalidPathError, Result, Step, TriageEngine


def _step(text: str) -> Step:
    node, _, answer = text.partition(".")
    return node, answer


def run_path_tests(knowledge: Knowledge, tests: PathTests) -> list[str]:
    """Walk every path test; return one line per failure and per outcome left uncovered."""
    engine = TriageEngine(knowledge)
    failures: list[str] = []
    seen_stops: set[str] = set()
    seen_tiers: set[Tier] = set()
    seen_causes: set[str] = set()
    for test in tests.paths:
        try:
            view = engine.walk([_step(answer) for answer in test.answers])
        except InvalidPathError as exc:
            failures.append(f"path {test.name!r}: {exc}")
            continue
        if not isinstance(view, Result):
            failures.append(f"path {test.name!r}: ends at question {view.node_id}, not a result")
            continue
        seen_tiers.add(view.tier)
        seen_causes.update(view.causes)
        if view.stop is not None:
            seen_stops.add(view.stop)
        expect = test.expect
        got = (view.tier, view.stop, view.causes if expect.causes is not None else None)
        wanted = (expect.tier, expect.stop, expect.causes)
        if got != wanted:
            failures.append(
                f"path {test.name!r}: expected tier={wanted[0]}, stop={wanted[1]}, "
                f"causes={wanted[2]}; got tier={got[0]}, stop={got[1]}, causes={got[2]}"
            )
    failures += [
        f"no path test reaches outcome {s}" for s in sorted(set(knowledge.stops) - seen_stops)
    ]
    failures += [f"no path test reaches tier {t}" for t in Tier if t not in seen_tiers]
    failures += [
        f"no path test shows cause {c}" for c in sorted(set(knowledge.causes) - seen_causes)
    ]
    return failures
