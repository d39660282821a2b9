"""`python -m bot.content check|safety|mermaid`: validate, score or draw `knowledge/`.

`check` validates the content and walks its path tests, `safety` scores the advice on the
clinical case suite, `mermaid` draws the triage graph.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.content import keys
from bot.content.cases import run_cases, table
from bot.content.loader import (
    RESULT,
    Knowledge,
    KnowledgeError,
    load_cases,
    load_knowledge,
    load_path_tests,
)
from bot.content.paths import run_path_tests
from bot.content.triage_engine import TriageEngine


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bot.content", description=__doc__)
    parser.add_argument("command", choices=("check", "safety", "mermaid"))
    parser.add_argument("--dir", type=Path, default=PROJECT_ROOT / "knowledge")
    args = parser.parse_args(argv)
    try:
        knowledge = load_knowledge(args.dir)
        tests = load_path_tests(args.dir)
        cases = load_cases(args.dir)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.command == "mermaid":
        print(mermaid(knowledge))
        return 0
    engine = TriageEngine(knowledge)
    report = run_cases(engine, cases)
    if args.command == "safety":
        for problem in report.problems:
            print(f"  - {problem}", file=sys.stderr)
        print(table(report))
        return 0 if report.met else 1
    failures = run_path_tests(engine, tests) + report.problems
    if report.problems == [] and not report.met:
        failures.append("the clinical cases miss a target: run `python -m bot.content safety`")
    for failure in failures:
        print(f"  - {failure}", file=sys.stderr)
    if failures:
        print(f"{len(failures)} problem(s) in the path tests or clinical cases", file=sys.stderr)
        return 1
    print(
        f"knowledge OK: {len(knowledge.nodes)} questions, {len(knowledge.stops)} stop outcomes, "
        f"{len(knowledge.causes)} causes, {len(knowledge.fix_variants)} fixes fitted to gear, "
        f"{len(knowledge.gear)} gear settings, {len(knowledge.catalog.languages)} language(s), "
        f"{len(tests.paths)} path tests pass, {len(cases.cases)} clinical cases meet their "
        "targets"
    )
    return 0


def mermaid(knowledge: Knowledge) -> str:
    """Return the triage graph as a Mermaid flowchart (answers as edge labels)."""
    t = knowledge.catalog.texts(None)
    lines = ["flowchart TD"]
    for node in knowledge.tree.nodes:
        lines.append(f'    {node.id}["{node.id}"]')
        for answer in node.answers:
            label = t(keys.answer(node.id, answer.id)).replace('"', "'")
            if answer.stop is not None:
                target = f"stop_{answer.stop}"
                lines.append(f'    {target}(["{answer.stop}"])')
            else:
                target = str(answer.next)
            lines.append(f'    {node.id} -->|"{label}"| {target}')
    lines.append(f'    {RESULT}(["assess tier and causes"])')
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
