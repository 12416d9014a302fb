"""Own the schemas as editors and people read them: ``twoway schema`` prints them, and the
rule-file reference (docs/rule-files.md) is written from them, so it cannot go stale.

``schema(name)`` is a schema as shipped (``rules``, ``config``) or derived (``tests``: the
rule-file schema whose root is a conversation test file). ``properties`` walks every property a
schema declares (the keys an ``if`` or a ``not`` tests, and a key ``then`` forbids with
``{"not": {}}``, are not declarations), the walk tests/test_schema_docs.py checks for a
description and examples. ``markdown`` writes the
reference: one section per object of the schema, one row per key with its path, type,
description, default (when the description states one) and first example.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from engine.resources import load_schema

__all__ = ["NAMES", "Property", "markdown", "properties", "schema", "text"]

NAMES = ("rules", "config", "tests")
"""What ``twoway schema`` prints: a rule file, twoway.yaml, a ``*.test.yaml`` file."""

_BASE = "https://twoway.dev/schemas/"
_CONDITIONAL = ("if", "not")
_DEFAULT = re.compile(r"\(default:? ([^):;]*)|Default: (.*?)[.;](?:\s|$)|default (\d\w*)")

# The sections of the rule-file reference, in the order a reader meets them.
_ROOTS = {
    "rules": (
        "autoreply_file",
        "flow_file",
        "poll_file",
        "survey_file",
        "campaign_file",
        "settings_file",
        "test_file",
    ),
    "config": ("#",),
}


@dataclass(frozen=True)
class Property:
    """One declared key: where it is (a JSON pointer), its name and its schema."""

    pointer: str
    name: str
    node: dict[str, Any]


def schema(name: str) -> dict[str, Any]:
    """The schema ``twoway schema NAME`` prints (a copy: the caller may change it)."""
    if name == "tests":
        rules = copy.deepcopy(load_schema("rules"))
        derived: dict[str, Any] = {
            "$schema": rules["$schema"],
            "$id": f"{_BASE}tests.schema.json",
            "title": "twoway conversation test file",
            "description": rules["$defs"]["test_file"]["description"],
            "$ref": "#/$defs/test_file",
            "$defs": rules["$defs"],
        }
        return derived
    return copy.deepcopy(load_schema(name))


def text(name: str) -> str:
    """The schema as JSON text, as it is saved beside the rule files."""
    return json.dumps(schema(name), indent=2, ensure_ascii=False) + "\n"


def properties(node: object, pointer: str = "#") -> Iterator[Property]:
    """Every property declared under ``node``, depth first."""
    if isinstance(node, list):
        for index, value in enumerate(node):
            yield from properties(value, f"{pointer}/{index}")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in _CONDITIONAL:
            continue
        if key == "properties" and isinstance(value, dict):
            for name, prop in value.items():
                if _forbidden(prop):
                    continue
                where = f"{pointer}/properties/{_escape(name)}"
                yield Property(where, name, prop)
                yield from properties(prop, where)
        else:
            yield from properties(value, f"{pointer}/{_escape(key)}")


def _forbidden(prop: dict[str, Any]) -> bool:
    """Whether ``prop`` only forbids its key (``{"not": {}}`` and its message)."""
    return {k: v for k, v in prop.items() if not k.startswith("x-")} == {"not": {}}


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


# --- the Markdown reference -----------------------------------------------------------------------

_HEADER = {
    "rules": """\
# Rule-file reference

Every key a rule file may hold, written from `schemas/rules.schema.json` by
`twoway schema --markdown > docs/rule-files.md`; a test fails when it differs. How the keys work
together is told in [rules.md](rules.md); the same descriptions and examples show in an editor
that reads the schema (see *Editor support* in [rules.md](rules.md#editor-support)).

A key path reads from the top of the file: `states.<name>` is any name under `states`, `[]` is
each item of a list.
""",
    "config": """\
# Deployment file reference (`twoway.yaml`)

Every key of `twoway.yaml`, written from `schemas/config.schema.json` by
`twoway schema config --markdown > docs/config-reference.md`; a test fails when it differs. How
they are used is told in [operations.md](operations.md#configuration).
""",
}


def markdown(name: str = "rules") -> str:
    """The reference of every key of schema ``name`` (``rules`` or ``config``)."""
    root = load_schema(name)
    defs: dict[str, Any] = root.get("$defs", {})
    paths = _paths(root, name)
    objects = [key for key in paths if key in defs and _rows(defs[key], "")]
    sections = ["#", *objects] if name == "config" else objects
    body = [_HEADER[name]]
    body += [_section(key, root if key == "#" else defs[key], paths.get(key, [""]), defs)
             for key in sections]  # fmt: skip
    values = [key for key in defs if key not in paths or not _rows(defs[key], "")]
    values = [key for key in values if key in paths and not key.endswith("_file")]
    if values:
        body.append(_values(values, defs))
    return "\n".join(body).rstrip() + "\n"


def _paths(root: dict[str, Any], name: str) -> dict[str, list[str]]:
    """The key paths (breadth first from the file's top) at which each definition is met."""
    found: dict[str, list[str]] = {}
    queue: list[tuple[object, str, tuple[str, ...]]] = []
    for start in _ROOTS[name]:
        node = root if start == "#" else root["$defs"][start]
        found[start] = [""]
        queue.append((node, "", (start,)))
    while queue:
        node, path, seen = queue.pop(0)
        for child, where in _children(node, path):
            ref = child.get("$ref") if isinstance(child, dict) else None
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                target = ref.removeprefix("#/$defs/")
                if target in seen:
                    continue
                places = found.setdefault(target, [])
                if where not in places:
                    places.append(where)
                    queue.append((root["$defs"][target], where, (*seen, target)))
            else:
                queue.append((child, where, seen))
    return found


def _children(node: object, path: str) -> Iterator[tuple[object, str]]:
    """The sub-schemas of ``node`` with the key path each one describes."""
    if not isinstance(node, dict):
        return
    for name, prop in (node.get("properties") or {}).items():
        yield prop, f"{path}.{name}" if path else name
    for key in ("oneOf", "anyOf", "allOf"):
        for branch in node.get(key) or []:
            yield branch, path
    for key in ("then", "else"):
        if isinstance(node.get(key), dict):
            yield node[key], path
    if isinstance(node.get("items"), dict):
        yield node["items"], f"{path}[]"
    if isinstance(node.get("additionalProperties"), dict):
        yield node["additionalProperties"], f"{path}.<name>"
    if isinstance(node.get("$ref"), str):
        yield {"$ref": node["$ref"]}, path


def _rows(node: dict[str, Any], prefix: str) -> list[tuple[str, dict[str, Any]]]:
    """The keys of an object schema, its branches' keys and the keys of its inline objects and
    lists of objects (as ``key.sub``, ``key[].sub``), in the order written."""
    rows: list[tuple[str, dict[str, Any]]] = []
    for name, prop in (node.get("properties") or {}).items():
        if _forbidden(prop):
            continue
        rows.append((f"{prefix}{name}", prop))
        if "$ref" not in prop:
            rows += _rows(prop, f"{prefix}{name}.")
            items = prop.get("items")
            if isinstance(items, dict) and "$ref" not in items:
                rows += _rows(items, f"{prefix}{name}[].")
    branches = [*(node.get("oneOf") or []), *(node.get("anyOf") or [])]
    branches += [node[key] for key in ("then", "else") if isinstance(node.get(key), dict)]
    for branch in branches:
        if "$ref" not in branch:
            rows += _rows(branch, prefix)
    return rows


def _section(key: str, node: dict[str, Any], places: list[str], defs: dict[str, Any]) -> str:
    title = "The top of the file" if key == "#" else _title(key, node)
    lines = [f'<a id="{_anchor(key)}"></a>', "", f"## {title}", ""]
    path = places[0]
    if path:
        lines += [f"At `{path}`{_also(places[1:])}.", ""]
    if node.get("description") and key != "#":
        lines += [_cell(node["description"], table=False), ""]
    lines += ["| key | type | description | default | example |", "|---|---|---|---|---|"]
    for name, prop in _rows(node, ""):
        full = f"{path}.{name}" if path else name
        lines.append(
            f"| `{full}` | {_type(prop, defs)} | {_cell(prop.get('description', ''))} "
            f"| {_default(prop)} | {_example(prop)} |"
        )
    return "\n".join(lines) + "\n"


def _also(places: list[str]) -> str:
    if not places:
        return ""
    shown = ", ".join(f"`{place}`" for place in places[:3])
    more = f" and {len(places) - 3} more places" if len(places) > 3 else ""
    return f"; also at {shown}{more}"


def _title(key: str, node: dict[str, Any]) -> str:
    if key.endswith("_file"):
        form = key.removesuffix("_file")
        return "A `*.test.yaml` file" if form == "test" else f"The `{form}:` form"
    kind = str(node.get("x-kind") or key.replace("_", " "))
    if kind.startswith("'"):
        return f"`{kind.strip(chr(39))}` (`{key}`)"
    return f"{kind[0].upper()}{kind[1:]} (`{key}`)"


def _anchor(key: str) -> str:
    return "top" if key == "#" else key.replace("_", "-")


def _type(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    ref = prop.get("$ref")
    if isinstance(ref, str):
        target = ref.removeprefix("#/$defs/")
        return f"[{target.replace('_', ' ')}](#{_anchor(target)})"
    if "enum" in prop:
        return " \\| ".join(f"`{json.dumps(v, ensure_ascii=False)}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{json.dumps(prop['const'])}`"
    kinds = prop.get("type")
    if kinds is None and ("oneOf" in prop or "anyOf" in prop):
        branches = prop.get("oneOf") or prop.get("anyOf") or []
        return " or ".join(_type(branch, defs) for branch in branches)
    names = kinds if isinstance(kinds, list) else [kinds] if kinds else ["any"]
    return " or ".join(str(n) for n in names)


def _default(prop: dict[str, Any]) -> str:
    if "default" in prop:
        return f"`{json.dumps(prop['default'], ensure_ascii=False)}`"
    found = _DEFAULT.search(str(prop.get("description", "")))
    if not found:
        return ""
    value = next(group for group in found.groups() if group)
    return _cell(value.strip())


def _example(prop: dict[str, Any]) -> str:
    examples = prop.get("examples") or []
    if not examples:
        return ""
    shown = json.dumps(examples[0], ensure_ascii=False)
    return f"`{_cell(shown)}`"


def _cell(value: str, table: bool = True) -> str:
    flat = " ".join(str(value).split())
    return flat.replace("|", "\\|") if table else flat


def _values(keys: list[str], defs: dict[str, Any]) -> str:
    lines = ['<a id="values"></a>', "", "## Values", "", "The kinds of values the keys above take."]
    for key in keys:
        node = defs[key]
        about = _cell(node.get("description", ""), table=False)
        lines += ["", f'<a id="{_anchor(key)}"></a>', "", f"### {key.replace('_', ' ')}", ""]
        lines += [f"Type: {_type(node, defs)}. {about}"]
    return "\n".join(lines)
