"""Docs that cannot go stale: the function reference is what ``twoway functions --markdown``
writes from the functions' docstrings, the rule-file reference what ``twoway schema --markdown``
writes from the schema (and the twoway.yaml reference from its own); every command of ``twoway``
(and every subcommand) is in the README's table; every rule-file key of the schema and every
function is in the docs."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import click

from engine.cli.main import cli
from engine.core.events import EventType
from engine.dsl import FUNCTIONS
from engine.dsl.reference import markdown
from engine.ruleset import reference as schema_reference

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
RULES = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
REFERENCE = REPO / "docs" / "functions.md"
RULE_FILES = REPO / "docs" / "rule-files.md"
CONFIG_REFERENCE = REPO / "docs" / "config-reference.md"


def _commands(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(command, click.Group):
        return [found for name, sub in sorted(command.commands.items())
                for found in _commands(sub, (*path, name))]  # fmt: skip
    return [path]


def test_the_function_reference_is_the_one_the_docstrings_write() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == markdown(), (
        "docs/functions.md is stale: run twoway functions --markdown > docs/functions.md"
    )
    assert "docs/functions.md" in RULES


def test_the_rule_file_reference_is_the_one_the_schema_writes() -> None:
    assert RULE_FILES.read_text(encoding="utf-8") == schema_reference.markdown("rules"), (
        "docs/rule-files.md is stale: run twoway schema --markdown > docs/rule-files.md"
    )
    assert "rule-files.md" in RULES
    assert "docs/rule-files.md" in README


def test_the_deployment_file_reference_is_the_one_the_schema_writes() -> None:
    written = schema_reference.markdown("config")
    assert CONFIG_REFERENCE.read_text(encoding="utf-8") == written, (
        "docs/config-reference.md is stale: "
        "run twoway schema config --markdown > docs/config-reference.md"
    )
    operations = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    assert "config-reference.md" in operations


def test_every_command_is_in_the_readme_table() -> None:
    rows = [line for line in README.splitlines() if line.startswith("| `twoway ")]
    for path in _commands(cli):
        group, *sub = path
        row = [r for r in rows if r.startswith(f"| `twoway {group}")]
        assert row, f"twoway {group} is missing from the README's command table"
        if sub:
            assert any(f"{sub[0]}" in r for r in row), f"twoway {' '.join(path)} is missing"


def test_every_rule_file_key_and_function_is_in_the_docs() -> None:
    schema = json.loads((REPO / "schemas" / "rules.schema.json").read_text(encoding="utf-8"))
    keys: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            keys.update(node.get("properties") or {})
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    docs = RULES + README
    missing = sorted(key for key in keys if f"`{key}" not in docs and f"{key}:" not in docs)
    assert missing == [], f"rule-file keys not in docs/rules.md: {missing}"
    reference = REFERENCE.read_text(encoding="utf-8")
    assert [name for name in FUNCTIONS if f"`{name}(" not in reference] == []


def _names(path: Path) -> set[str]:
    """The qualified names a module defines: functions, classes (with their methods and inner
    functions) and module-level constants."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found.add(prefix + child.name)
                walk(child, f"{prefix}{child.name}.")

    walk(tree, "")
    for statement in tree.body:
        targets = (
            statement.targets
            if isinstance(statement, ast.Assign)
            else ([statement.target] if isinstance(statement, ast.AnnAssign) else [])
        )
        found.update(t.id for t in targets if isinstance(t, ast.Name))
    return found


def test_the_architecture_s_anchors_name_code_that_exists() -> None:
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert not re.findall(r"engine/[\w/]+\.py:\d+", text), (
        "line-number anchors go stale: write `path::Name`"
    )
    anchors = re.findall(r"`(engine/[\w/]+\.py)::([\w.]+)`", text)
    assert len(anchors) >= 40
    missing = [f"{path}::{name}" for path, name in anchors
               if name not in _names(REPO / path)]  # fmt: skip
    assert missing == [], f"docs/architecture.md names code that is gone: {missing}"


def test_every_event_type_is_in_the_event_catalogue() -> None:
    """docs/rules.md's catalogue names every ``EventType`` (the runtime emits no other: its
    ``emit`` and ``Event`` take an ``EventType``), and no event that is not one."""
    catalogue = RULES.split("## Event catalogue", 1)[1].split("\n## ", 1)[0]
    documented = {
        name
        for line in catalogue.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`([a-z_]+)`", line.split("|")[1])
    }
    assert documented == {e.value for e in EventType}
