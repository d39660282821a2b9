"""Run the path tests written as data in `knowledge/tests/` and check what they cover."""

from __future__ import annotations

from bot.content.loader import Knowledge
from bot.content.models import PathTest, PathTests, Tier
from bot.content.triage_engine import InvalidPathError, Result, Step, TriageEngine


def _step(text: str) -> Step:
    node, _, answer = text.partition(".")
    return node, answer


def gear_problems(knowledge: Knowledge, test: PathTest) -> list[str]:
    """Return what is wrong with a path test's `gear` (unknown settings or options)."""
    problems = []
    for setting_id, option in test.gear.items():
        setting = knowledge.gear.get(setting_id)
        if setting is None:
            problems.append(f"path {test.name!r}: unknown gear setting {setting_id}")
        elif option not in setting.options:
            problems.append(f"path {test.name!r}: gear {setting_id} has no option {option}")
    return problems


def run_path_tests(engine: TriageEngine, tests: PathTests) -> list[str]:
    """Walk each path test with `engine`; return a line per failure and per outcome missed."""
    knowledge = engine.knowledge
    failures: list[str] = []
    seen_stops: set[str] = set()
    seen_tiers: set[Tier] = set()
    seen_causes: set[str] = set()
    seen_fixes: set[str] = set()
    for test in tests.paths:
        wrong_gear = gear_problems(knowledge, test)
        if wrong_gear:
            failures += wrong_gear
            continue
        try:
            view = engine.walk([_step(answer) for answer in test.answers], test.gear)
        except InvalidPathError as exc:
            failures.append(f"path {test.name!r}: {exc}")
            continue
        if not isinstance(view, Result):
            failures.append(f"path {test.name!r}: ends at question {view.node_id}, not a result")
            continue
        seen_tiers.add(view.tier)
        seen_causes.update(view.causes)
        shown_fixes = tuple(fix for fixes in view.fixes for fix in fixes)
        seen_fixes.update(shown_fixes)
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
        if expect.fixes is not None and shown_fixes != expect.fixes:
            failures.append(
                f"path {test.name!r}: expected fixes={expect.fixes}; got fixes={shown_fixes}"
            )
    failures += [
        f"no path test reaches outcome {s}" for s in sorted(set(knowledge.stops) - seen_stops)
    ]
    failures += [f"no path test reaches tier {t}" for t in Tier if t not in seen_tiers]
    failures += [
        f"no path test shows cause {c}" for c in sorted(set(knowledge.causes) - seen_causes)
    ]
    failures += [
        f"no path test shows fix variant {v}" for v in sorted(knowledge.fix_variants - seen_fixes)
    ]
    return failures
