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
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Map each bot module to the bot modules and outside packages (top-level name) it imports."""
    modules = {_module_name(path): path for path in sorted(BOT.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = set()
        for imported in _imports(path):
            if imported in modules and imported != name:  # `from bot.ui import screens` in ui
                graph[name].add(imported)
            elif not imported.startswith("bot."):
                graph[name].add(imported.split(".")[0])
    return graph


def _reaches(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for imported in graph.get(todo.pop(), ()):
            if imported not in seen:
                seen.add(imported)
                todo.append(imported)
    return seen


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


_EDGE = ("telegram", "bot.ui", "bot.handlers", "bot.localapi")
_NEVER_REACHED_FROM = {
    "bot.content": (*_EDGE, "bot.services", "bot.db"),
    "bot.db": (*_EDGE, "bot.services"),
    "bot.services": (*_EDGE, "bot.scheduler"),
    "bot.ui": ("bot.handlers", "bot.scheduler", "bot.localapi"),
    "bot.handlers": ("bot.localapi",),
    "bot.scheduler": ("bot.handlers", "bot.localapi"),
}
"""What each layer may not import, directly or through anything it imports."""


def test_each_layer_reaches_only_the_layers_below_it() -> None:
    graph = _import_graph()
    offenders = [
        f"{module} reaches {forbidden}"
        for package, banned in _NEVER_REACHED_FROM.items()
        for module in sorted(graph)
        if _under(module, package)
        for forbidden in sorted(_reaches(graph, module))
        if any(_under(forbidden, layer) for layer in banned)
    ]
    assert offenders == []


def test_only_the_playground_uses_the_local_bot_api() -> None:
    graph = _import_graph()
    users = {
        module
        for module, imported in graph.items()
        if not _under(module, "bot.localapi")
        and any(_under(name, "bot.localapi") for name in imported)
    }
    assert users, "the playground no longer imports the local Bot API: is this test stale?"
    assert all(_under(module, "bot.playground") for module in users)


def test_no_module_imports_itself_through_others() -> None:
    graph = _import_graph()
    assert [module for module in sorted(graph) if module in _reaches(graph, module)] == []


def test_os_environ_is_read_only_by_config() -> None:
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in sorted(BOT.rglob("*.py"))
        if path.name != "config.py" and re.search(r"os\.environ|getenv", path.read_text())
    ]
    assert offenders == []


_UI_KEY = re.compile(
    r"^(start|help|settings|privacy|delete|cancel|fallback|triage_flow|gear_flow|error|disclaimer"
    r"|runs|tz|pause|tip_flow|checkin_flow|ran_flow|export|lacing_flow|history)\.[a-z_]+$"
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
