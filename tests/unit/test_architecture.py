"""The floors (docs/architecture.md): each package imports only the floors below it.

    digestif/  the application       may import adapters, storage, bot
    adapters/  chat platforms        may import bot (and their own SDK)
    storage/   databases             may import bot (and their own driver)
    bot/       the core              imports none of the above, no chat SDK, no driver

And no package imports itself in a circle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLOORS = {"bot": set(), "storage": {"bot"}, "adapters": {"bot"},
          "digestif": {"bot", "storage", "adapters"}}
OURS = set(FLOORS)
SDK_HOMES = {"discord": {"adapters"}, "slack_bolt": {"adapters"}, "slack_sdk": {"adapters"},
             "aiosqlite": {"storage"}, "asyncpg": {"storage"},
             "aiohttp": {"adapters", "digestif"}, "aiosmtplib": {"adapters"},
             "aiosmtpd": set()}


def _modules() -> dict[str, Path]:
    found = {}
    for package in FLOORS:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(path: Path) -> set[str]:
    """Dotted names imported anywhere in the module."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_each_floor_imports_only_the_floors_below_it() -> None:
    offenders = {}
    for name, path in _modules().items():
        floor = name.split(".")[0]
        for imported in _imports(path):
            top = imported.split(".")[0]
            wrong_floor = top in OURS and top != floor and top not in FLOORS[floor]
            wrong_sdk = top in SDK_HOMES and floor not in SDK_HOMES[top]
            if wrong_floor or wrong_sdk:
                offenders.setdefault(name, set()).add(top)
    assert offenders == {}


def test_no_import_circles() -> None:
    """Every import counts, lazy and TYPE_CHECKING ones too: a circle is a design knot even
    when Python can load it."""
    modules = _modules()
    graph = {name: {target for imported in _imports(path)
                    if (target := _resolve(imported, modules)) and target != name}
             for name, path in modules.items()}
    assert _knots(graph) == []


def _knots(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other in a circle (Tarjan's strongly connected
    components of more than one module), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    knots: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = stack[stack.index(node):]
            del stack[stack.index(node):]
            if len(group) > 1:
                knots.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(knots)


def _resolve(imported: str, modules: dict[str, Path]) -> str | None:
    """The module an import statement loads (``from a.b import c`` may name module a.b.c)."""
    while imported and imported not in modules:
        imported = imported.rpartition(".")[0]
    # A package's __init__ is loaded first, but it is not a dependency on its siblings.
    return imported or None


def test_importing_the_whole_core_loads_no_sdk_or_driver() -> None:
    modules = sorted(name for name in _modules() if name.split(".")[0] == "bot")
    forbidden = sorted(set(SDK_HOMES) - {"aiohttp"})  # the openai client brings aiohttp
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_adapters_go_through_the_core_services_not_the_store() -> None:
    """Adapters call the curator and the editor; only the core reads and writes the store."""
    readers = sorted(name for name, path in _modules().items() if name.startswith("adapters.")
                     for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                     if isinstance(node, ast.Attribute) and node.attr == "store")
    assert readers == []


def test_the_entry_module_is_light_for_the_parser_workers() -> None:
    """Every CPU-pool worker imports the program's main module (digestif.cli, or the
    `digestif` script that imports it) before its first page: the settings stack, the core
    and asyncio stay out of that import."""
    heavy = ["asyncio", "bot", "pydantic", "pydantic_settings", "httpx", "storage"]
    script = ("import sys\nimport digestif.cli\n"
              f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_cli_starts_parser_processes_for_the_run_roles_that_read_links() -> None:
    from digestif.bootstrap import ROLES
    from digestif.cli import READING_ROLES

    assert {name for name, role in ROLES.items() if role.ingest} == READING_ROLES
