"""knowledge/lacing.yaml: every lacing fix and tip has a diagram, and every diagram is sound."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.content import keys
from bot.content.lacing import Run, parse_path
from bot.content.loader import Knowledge, KnowledgeError, load_knowledge
from bot.content.models import Lacing

LACING_WORDS = re.compile(r"eyelet|lacing|heel lock|runner's loop", re.IGNORECASE)
"""Words of a text that describes how to lace a shoe (English catalogue)."""


def lacing_file() -> Lacing:
    return Lacing.model_validate(
        yaml.safe_load((PROJECT_ROOT / "knowledge/lacing.yaml").read_text())
    )


def lacing_texts(knowledge: Knowledge) -> dict[str, str]:
    """Every fix, fix variant and tip whose English text speaks of lacing, by id."""
    t = knowledge.catalog.texts("en")
    fix_ids = [*knowledge.fixes, *knowledge.fix_variants]
    texts = {fix_id: t(keys.fix(fix_id)) for fix_id in fix_ids}
    texts |= {tip_id: t(keys.tip(tip_id)) for tip_id in knowledge.tips}
    return {shown: text for shown, text in texts.items() if LACING_WORDS.search(text)}


def test_every_lacing_fix_and_tip_has_a_diagram_or_is_plain_on_purpose(
    knowledge: Knowledge,
) -> None:
    found = lacing_texts(knowledge)
    assert len(found) >= 10, "the lacing words no longer find the lacing fixes"
    plain = set(lacing_file().no_diagram)
    diagrams = knowledge.fix_diagrams | knowledge.tip_diagrams
    assert sorted(set(found) - set(diagrams) - plain) == [], "lacing texts without a diagram"


def test_the_issue_s_techniques_each_have_a_diagram(knowledge: Knowledge) -> None:
    assert set(knowledge.lacing) >= {
        "window",
        "parallel",
        "skip_low",
        "heel_lock",
        "two_laces",
        "drop_top",
    }


def test_every_diagram_is_shown_by_a_fix_or_a_tip(knowledge: Knowledge) -> None:
    shown = set(knowledge.fix_diagrams.values()) | set(knowledge.tip_diagrams.values())
    assert shown == set(knowledge.lacing)


@pytest.mark.parametrize("technique_id", ["window", "skip_low"])
def test_a_window_has_no_lace_across_it(knowledge: Knowledge, technique_id: str) -> None:
    technique = knowledge.lacing[technique_id]
    assert technique.window is not None
    for lace in technique.laces:
        steps = parse_path(lace.path)
        crossing = [
            (a.row, b.row)
            for a, b in itertools.pairwise(steps)
            if a.side != b.side
            and a.row
            and b.row
            and min(a.row, b.row) < technique.window.to_row
            and max(a.row, b.row) > technique.window.from_row
        ]
        assert crossing == []


def test_the_diagrams_match_their_texts(knowledge: Knowledge) -> None:
    heel_lock, drop_top = knowledge.lacing["heel_lock"], knowledge.lacing["drop_top"]
    loops = [s for lace in heel_lock.laces for s in parse_path(lace.path) if s.row is None]
    assert {s.side for s in loops} == {"l", "r"}, "each lace through the opposite loop"
    assert set(drop_top.unlaced) == {"l7", "r7"}, "the top eyelets are left out"
    parallel = parse_path(knowledge.lacing["parallel"].laces[0].path)
    across = [b for a, b in itertools.pairwise(parallel) if a.side != b.side]
    assert all(b.run is Run.OVER for b in across)
    assert len(knowledge.lacing["two_laces"].laces) == 2


def _break(directory: Path, old: str, new: str) -> None:
    path = directory / "lacing.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "[l6, r5, l4, ~l3,",
            "[l9, r5, l4, ~l3,",
            "technique window: lace 1 step 1 (l9): no such eyelet (the shoe has 6 rows)",
        ),
        (
            "unlaced: [l7, r7]",
            "unlaced: [l7, r8]",
            "technique drop_top: unlaced r8: no such eyelet",
        ),
        (
            "window: {from_row: 3, to_row: 4}",
            "window: {from_row: 2, to_row: 4}",
            "technique window: window: lace 1 crosses it from l3 to r2",
        ),
        (", l4, ~l3, r2,", ", l4, ~r3, r2,", "inside the shoe, a lace only runs up its own side"),
        (
            "[l3, r2, l1, r1, l2, r3]",
            "[l3, r2, l1, r1, l2, r2]",
            "eyelet r2: laced more than once",
        ),
        ("[l3, r2, l1, r1, l2, r3]", "[l3, r2, l1, r1, l2]", "eyelets r3: neither laced nor"),
        ("fixes: [fix_parallel_lace]", "fixes: [fix_nothing]", "fix fix_nothing is not a fix"),
        ("tips: [two_laces]", "tips: [heel_lock]", "heel_lock already shows heel_lock's"),
        ('[">r", l7,', '[l7, ">r",', "a loop is gone through only at an end of the lace"),
        ("  - fix_relace\n", "  - fix_gap_lacing\n", "no_diagram fix_gap_lacing: but window"),
    ],
)
def test_the_loader_refuses_a_broken_diagram(
    knowledge_copy: Path, old: str, new: str, problem: str
) -> None:
    _break(knowledge_copy, old, new)
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    assert any(problem in p for p in error.value.problems), error.value.problems


def test_a_diagram_needs_its_texts(knowledge_copy: Path) -> None:
    locale = knowledge_copy / "locales" / "en.yaml"
    locale.write_text(
        locale.read_text().replace("      lace_2: 'Upper lace: tie it firmer'\n", "")
    )
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    assert (
        "locales/en.yaml: lacing.two_laces.lace_2: missing (for lacing.yaml technique two_laces)"
        in (error.value.problems)
    )
