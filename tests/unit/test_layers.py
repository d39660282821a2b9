"""Architecture rules that code review alone would let slip."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.content.keys import UI_TEXTS

BOT = PROJECT_ROOT / "bot"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_services_content_and_db_never_import_telegram() -> None:
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)} imports {name}"
        for folder in ("services", "content", "db")
        for path in sorted((BOT / folder).rglob("*.py"))
        for name in _imports(path)
        if name == "telegram" or name.startswith(("telegram.", "bot.handlers", "bot.ui"))
    ]
    assert offenders == []


def test_os_environ_is_read_only_by_config() -> None:
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in sorted(BOT.rglob("*.py"))
        if path.name != "config.py" and re.search(r"os\.environ|getenv", path.read_text())
    ]
    assert offenders == []


_UI_KEY = re.compile(
    r"^(start|help|settings|privacy|delete|cancel|fallback|triage_flow|gear_flow|error|disclaimer"
    r"|runs|tz|pause|tip_flow|checkin_flow)\.[a-z_]+$"
)


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_ui_texts_declared_are_exactly_those_the_code_uses() -> None:
    used = {
        key
        for path in sorted(BOT.rglob("*.py"))
        if path.name != "keys.py"
        for key in _string_constants(path)
        if _UI_KEY.match(key)
    }
    assert len(used) > 20, "the key pattern no longer finds the handlers' texts"
    assert sorted(used - set(UI_TEXTS)) == [], "used in code but not declared in keys.UI_TEXTS"
    assert sorted(set(UI_TEXTS) - used) == [], "declared in keys.UI_TEXTS but never used"
