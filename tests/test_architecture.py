"""The layers of docs/architecture.md, enforced: imports point down only."""

from __future__ import annotations

import ast
from pathlib import Path

import engine

ROOT = Path(engine.__file__).parent

# A module may import its own package and anything of a strictly lower rank.
RANKS = {
    "core": 0,
    "i18n": -1,
    "errors": 0,
    "resources": 0,
    "osthreads": 0,
    "descriptors": 0,
    "version": 0,
    "sms": 0,
    "types": 1,
    "logs": 1,
    "metrics": 2,
    "dsl": 2,
    "store": 2,
    "transports": 2,
    "ruleset": 3,
    "contacts": 3,
    "runtime": 4,
    "results": 4,
    "campaigns": 5,
    "scheduler": 5,
    "processor": 5,
    "leases": 5,
    "decider": 5,
    "outbox": 5,
    "notify": 5,
    "config": 5,
    "reload": 5,
    "service": 6,
    "coverage": 6,
    "testing": 7,
    "app": 7,
    "web": 8,
    "report": 8,
    "workers": 9,
    "cli": 10,
    "__main__": 11,
}


def _unit(path: Path) -> str:
    relative = path.relative_to(ROOT)
    return relative.parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return [(line, name) for line, name in found if name == "engine" or name.startswith("engine.")]


def test_every_unit_has_a_rank() -> None:
    units = {_unit(p) for p in ROOT.rglob("*.py")} - {"__init__"}
    assert units <= set(RANKS), f"add a rank for: {sorted(units - set(RANKS))}"


def test_imports_point_down_only() -> None:
    violations = []
    for path in sorted(ROOT.rglob("*.py")):
        unit = _unit(path)
        if unit == "__init__":
            continue
        for line, module in _imports(path):
            parts = module.split(".")
            if len(parts) < 2:
                violations.append(f"{path.relative_to(ROOT)}:{line} imports the whole package")
                continue
            target = parts[1]
            if target == unit:
                continue
            if RANKS.get(target, 99) >= RANKS[unit]:
                violations.append(f"{path.relative_to(ROOT)}:{line}: {unit} imports {module}")
    assert violations == []


def test_runtime_is_pure() -> None:
    """The runtime does no I/O: no asyncio, sockets, sqlite, files or clocks of its own."""
    forbidden = {"asyncio", "socket", "sqlite3", "aiosqlite", "time", "os", "subprocess", "random"}
    for path in (ROOT / "runtime").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module.split(".")[0]]
            assert not set(names) & forbidden, f"{path.name} imports {names}"
        assert "datetime.now" not in path.read_text(encoding="utf-8")


def test_no_eval_exec_or_pickle() -> None:
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec", "compile"}, path
            if isinstance(node, ast.Import):
                assert all(a.name not in {"pickle", "marshal", "shelve"} for a in node.names), path
