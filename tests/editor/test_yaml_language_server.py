"""The rule files' JSON Schemas work in the editor's engine: the YAML language server (the YAML
extension of VS Code, and Neovim's, Helix's, Emacs's), run with node as editors run it, reads
the ``# yaml-language-server: $schema=…`` first line of the examples and the ``yaml.schemas``
setting of docs/rules.md, checks files with our draft 2020-12 schemas (``$defs``, ``maxContains``
included), and shows our descriptions on hover and in completion.

The server is pinned in tests/editor/package.json (``npm ci --prefix tests/editor``, as the
README's test command and .ci/run do).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.lsp import LanguageClient

REPO = Path(__file__).resolve().parents[2]
EDITOR = Path(__file__).resolve().parent
SERVER = EDITOR / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
INSTALL = "npm ci --prefix tests/editor"
SCHEMAS = REPO / "schemas"
MODELINE = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")
EXAMPLE = REPO / "examples" / "clinic" / "rappel.yaml"
SETTINGS = {
    "validate": True,
    "hover": True,
    "completion": True,
    # docs/rules.md's .vscode/settings.json, with the schemas of this repository
    "schemas": {
        (SCHEMAS / "rules.schema.json").as_uri(): ["rules/*.yaml", "rules/*.yml"],
        (SCHEMAS / "config.schema.json").as_uri(): ["twoway.yaml"],
    },
}


@pytest.fixture(scope="module")
def server() -> Iterator[LanguageClient]:
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"node is not installed: the editor tests need node 18+ and `{INSTALL}`")
    if not SERVER.exists():
        pytest.fail(f"the npm package yaml-language-server is missing: run `{INSTALL}`")
    client = LanguageClient([node, str(SERVER), "--stdio"], SETTINGS)
    try:
        client.request(
            "initialize",
            {
                "processId": None,
                "rootUri": REPO.as_uri(),
                "workspaceFolders": [{"uri": REPO.as_uri(), "name": "twoway"}],
                "capabilities": {"textDocument": {"hover": {"contentFormat": ["markdown"]}}},
            },
        )
        client.notify("initialized", {})
        client.notify("workspace/didChangeConfiguration", {"settings": {"yaml": SETTINGS}})
        yield client
    finally:
        client.stop()


def _check(server: LanguageClient, path: Path, text: str | None = None) -> list[dict[str, Any]]:
    """The diagnostics of ``path`` opened with ``text`` (else its own), closed again after."""
    try:
        return server.open(path, text)
    finally:
        server.close(path)


def _found(diagnostics: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    """(line, 1-based; message; source) of each diagnostic."""
    return [
        (d["range"]["start"]["line"] + 1, d["message"], d.get("source", "")) for d in diagnostics
    ]


def _line_of(text: str, written: str) -> int:
    """The 1-based line where ``written`` first is."""
    return text[: text.index(written)].count("\n") + 1


def _with_modeline() -> list[Path]:
    files = sorted((REPO / "examples").rglob("*.yaml"))
    return [p for p in files if MODELINE.match(p.read_text(encoding="utf-8"))]


def test_every_example_names_a_schema_the_server_finds() -> None:
    files = _with_modeline()
    assert len(files) >= 20
    for path in files:
        found = MODELINE.match(path.read_text(encoding="utf-8"))
        assert found is not None
        assert (path.parent / found.group(1)).resolve().parent == SCHEMAS


def test_the_examples_and_the_demo_rules_have_no_diagnostics(server: LanguageClient) -> None:
    """Every example file (by its first line) and the demo rules (by ``yaml.schemas``)."""
    files = _with_modeline() + sorted((REPO / "rules").glob("*.yaml"))
    problems = {str(p.relative_to(REPO)): _found(_check(server, p)) for p in files}
    assert {name: found for name, found in problems.items() if found} == {}


def test_an_unknown_key_is_underlined_at_its_line(server: LanguageClient) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    wrong = text.replace("    say: ", "    sya: ", 1)
    line = _line_of(wrong, "    sya: ")
    assert _found(_check(server, EXAMPLE, wrong)) == [
        (line, "Property sya is not allowed.", "yaml-schema: twoway rule file")
    ]


def test_a_wrong_type_is_underlined_at_its_line(server: LanguageClient) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    wrong = re.sub(r"end: true", "end: 5", text, count=1)
    line = _line_of(wrong, "end: 5")
    assert _found(_check(server, EXAMPLE, wrong)) == [
        (line, 'Incorrect type. Expected "boolean".', "yaml-schema: twoway rule file")
    ]


def test_a_draft_2020_12_keyword_is_checked(server: LanguageClient) -> None:
    """``maxContains``: at most one ``otherwise`` entry in an autoreply."""
    path = REPO / "examples" / "clinic" / "infos.yaml"
    text = path.read_text(encoding="utf-8")
    assert "otherwise:" in text and "\n\ntests:" in text
    second = "\n  - otherwise:\n      reply: Again.\n\ntests:"
    found = _found(_check(server, path, text.replace("\n\ntests:", second, 1)))
    assert found == [
        (
            _line_of(text, "autoreply:") + 1,
            'Array has too many items matching "contains". Expected 1 or fewer.',
            "yaml-schema: twoway rule file",
        )
    ]


def test_the_yaml_schemas_setting_gives_the_schema_to_a_folder(
    server: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "rules" / "hours.yaml"
    path.parent.mkdir()
    text = 'autoreply:\n  - keyword: HOURS\n    reply: "Open 9-18."\n    replay: "Typo."\n'
    path.write_text(text, encoding="utf-8")
    assert _found(_check(server, path)) == [
        (4, "Property replay is not allowed.", "yaml-schema: twoway rule file")
    ]
    config = tmp_path / "twoway.yaml"
    config.write_text("rules: rules\nreload: maybe\n", encoding="utf-8")
    [(line, message, _)] = _found(_check(server, config))
    assert (line, message) == (2, 'Incorrect type. Expected "boolean".')


def _description(*path: str) -> str:
    schema = json.loads((SCHEMAS / "rules.schema.json").read_text(encoding="utf-8"))
    node: Any = schema
    for key in path:
        node = node[key]
    return str(node["description"])


def _unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def test_hover_shows_our_description(server: LanguageClient) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    line = _line_of(text, "    say: ") - 1
    try:
        server.open(EXAMPLE)
        hover = server.request(
            "textDocument/hover",
            {"textDocument": {"uri": EXAMPLE.as_uri()}, "position": {"line": line, "character": 5}},
        )
    finally:
        server.close(EXAMPLE)
    shown = _unescaped(hover["contents"]["value"])
    assert _description("$defs", "state", "properties", "say") in shown
    assert shown.startswith("#### twoway rule file")


def test_completion_lists_our_keys_with_their_description(server: LanguageClient) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    line = _line_of(text, "    say: ") - 1
    try:
        server.open(EXAMPLE)
        answer = server.request(
            "textDocument/completion",
            {"textDocument": {"uri": EXAMPLE.as_uri()}, "position": {"line": line, "character": 4}},
        )
    finally:
        server.close(EXAMPLE)
    items = answer["items"] if isinstance(answer, dict) else answer
    documented = {item["label"]: item.get("documentation") for item in items}
    assert {"send", "set", "handoff", "goto", "choose"} <= set(documented)
    assert "wait" not in documented  # the state has one
    documentation = documented["handoff"]
    shown = documentation["value"] if isinstance(documentation, dict) else documentation
    assert _description("$defs", "state", "properties", "handoff") in _unescaped(shown)


def test_the_readme_command_installs_the_server() -> None:
    """The README's test command (the same as .ci/run's, tests/report/test_setup.py) runs
    ``npm ci --prefix tests/editor``, from the lock file beside package.json."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^pip install -e '\.\[test\]' && .*&& {re.escape(INSTALL)} &&", readme, re.M)
    lock = json.loads((EDITOR / "package-lock.json").read_text(encoding="utf-8"))
    pinned = json.loads((EDITOR / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert (
        lock["packages"]["node_modules/yaml-language-server"]["version"]
        == pinned["yaml-language-server"]
    )
