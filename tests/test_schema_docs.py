"""Editor support: every property of every schema has a description and examples that validate
against the property's own schema; `twoway schema` prints the schemas; a rule file may start with
the YAML language server's modeline or hold a `$schema:` key."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from engine.cli.main import cli
from engine.resources import load_schema
from engine.ruleset.loader import load
from engine.ruleset.reference import NAMES, Property, markdown, properties, schema, text
from engine.ruleset.schema import validate

SCHEMAS = ("rules", "config")
REPO = Path(__file__).resolve().parents[1]


def _props(name: str) -> list[Property]:
    return list(properties(load_schema(name)))


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_property_has_a_description(name: str) -> None:
    missing = [p.pointer for p in _props(name) if not str(p.node.get("description", "")).strip()]
    assert missing == [], f"{name}.schema.json: properties without a description: {missing}"


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_property_has_examples(name: str) -> None:
    missing = [p.pointer for p in _props(name) if not p.node.get("examples")]
    assert missing == [], f"{name}.schema.json: properties without examples: {missing}"


def _validator(root: dict[str, Any], node: dict[str, Any]) -> Draft202012Validator:
    """A validator of ``node`` whose ``$ref``s (``#/$defs/…``) resolve within ``root``."""
    return Draft202012Validator({**node, "$defs": root.get("$defs", {})})


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_example_validates_against_its_property(name: str) -> None:
    root = load_schema(name)
    wrong = []
    for prop in _props(name):
        validator = _validator(root, prop.node)
        for example in prop.node.get("examples") or []:
            errors = [e.message for e in validator.iter_errors(example)]
            if errors:
                wrong.append(f"{prop.pointer}: {example!r}: {errors[0]}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("name", NAMES)
def test_twoway_schema_prints_a_draft_2020_12_schema(name: str) -> None:
    result = CliRunner().invoke(cli, ["schema", name])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    Draft202012Validator.check_schema(printed)
    assert printed == schema(name)
    assert printed["$id"] == f"https://twoway.dev/schemas/{name}.schema.json"
    assert printed["title"].startswith("twoway ")


def test_the_tests_schema_takes_a_test_file_and_refuses_a_flow() -> None:
    validator = Draft202012Validator(schema("tests"))
    good = {"tests": [{"name": "hours", "steps": [{"send": "HOURS", "expect": "/Open/"}]}]}
    assert list(validator.iter_errors(good)) == []
    assert list(validator.iter_errors({"flow": "x", "states": {"a": {"end": True}}})) != []


def test_twoway_schema_defaults_to_the_rules() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert json.loads(result.output)["$id"].endswith("/rules.schema.json")


MODELINE = "# yaml-language-server: $schema=rules.schema.json\n"


@pytest.mark.parametrize(
    ("file", "head"),
    [
        ("rules/hours.yaml", MODELINE),
        ("rules/hours.yaml", "$schema: rules.schema.json\n"),
        ("rules/hours.yaml", MODELINE + "$schema: ./rules.schema.json\n"),
    ],
)
def test_a_rule_file_with_the_modeline_or_a_schema_key_is_valid(file: str, head: str) -> None:
    text = head + 'autoreply:\n  - keyword: HOURS\n    reply: "Open."\n'
    document, errors = load(file, text)
    assert errors == [] and document is not None
    assert validate(document) == []


def test_a_test_file_may_hold_a_schema_key() -> None:
    text = (
        "# yaml-language-server: $schema=tests.schema.json\n$schema: tests.schema.json\n"
        "tests:\n  - name: hours\n    steps:\n      - send: HOURS\n"
    )
    document, errors = load("rules/hours.test.yaml", text)
    assert errors == [] and document is not None
    assert validate(document) == []


def test_a_schema_key_must_be_text() -> None:
    document, _ = load("rules/hours.yaml", "$schema: 3\nautoreply:\n  - otherwise: hi\n")
    assert document is not None
    assert [e.code for e in validate(document)] == ["E203"]


def test_the_reference_lists_every_settings_key() -> None:
    reference = Path(__file__).resolve().parents[1] / "docs" / "rule-files.md"
    text = reference.read_text(encoding="utf-8")
    settings = load_schema("rules")["$defs"]["settings"]["properties"]
    assert [key for key in settings if f"`settings.{key}`" not in text] == []


def test_the_shipped_tests_schema_is_the_one_twoway_schema_prints() -> None:
    shipped = Path(__file__).resolve().parents[1] / "schemas" / "tests.schema.json"
    assert shipped.read_text(encoding="utf-8") == text("tests"), (
        "schemas/tests.schema.json is stale: run twoway schema tests > schemas/tests.schema.json"
    )


@pytest.mark.parametrize(
    "file",
    sorted(p.relative_to(REPO).as_posix() for p in (REPO / "examples").glob("*/*.yaml")),
)
def test_an_example_names_its_schema_on_its_first_line(file: str) -> None:
    first = (REPO / file).read_text(encoding="utf-8").splitlines()[0]
    kind = "tests" if file.endswith(".test.yaml") else "rules"
    assert first == f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json"
    assert (REPO / file).parent.joinpath(first.split("=", 1)[1]).resolve().is_file()


@pytest.mark.parametrize(
    "file", sorted(p.relative_to(REPO).as_posix() for p in REPO.glob("examples/*/*.test.yaml"))
)
def test_an_example_test_file_is_valid_for_the_tests_schema_alone(file: str) -> None:
    document, errors = load(file, (REPO / file).read_text(encoding="utf-8"))
    assert errors == [] and document is not None
    found = [e.message for e in Draft202012Validator(schema("tests")).iter_errors(document.data)]
    assert found == []


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_link_of_the_reference_leads_somewhere(name: str) -> None:
    written = markdown(name)
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', written))
    links = set(re.findall(r"\]\(#([^)]+)\)", written))
    assert links and links <= anchors, sorted(links - anchors)


@pytest.mark.parametrize("name", SCHEMAS)
def test_the_reference_has_a_row_for_every_property(name: str) -> None:
    written = markdown(name)
    rows = {line.split("`")[1].rsplit(".", 1)[-1].removesuffix("[]")
            for line in written.splitlines() if line.startswith("| `")}  # fmt: skip
    assert sorted({p.name for p in _props(name)} - rows) == []
