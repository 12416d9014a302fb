"""The example rule sets in examples/ and the demo in rules/ compile, and all their tests pass.

The number of tests is counted here straight from the YAML files (``tests:`` of every rule file
and every ``*.test.yaml``), so a test the runner silently skipped would make the count differ.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from engine.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed$", re.MULTILINE)


def _count_tests(folder: Path) -> int:
    count = 0
    for file in sorted([*folder.rglob("*.yaml"), *folder.rglob("*.yml")]):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            count += len(data.get("tests") or [])
    return count


def _example_folders() -> list[Path]:
    return sorted(p for p in EXAMPLES.iterdir() if p.is_dir() and any(p.glob("*.yaml")))


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_there_are_examples_each_with_a_readme_and_tests() -> None:
    folders = _example_folders()
    assert len(folders) >= 3
    for folder in folders:
        assert (folder / "README.md").is_file(), f"{folder.name} has no README.md"
        assert _count_tests(folder) >= 3, f"{folder.name} has fewer than 3 tests"


@pytest.mark.usefixtures("at_root")
def test_every_conversation_test_of_rules_and_examples_passes() -> None:
    expected = _count_tests(ROOT / "rules") + _count_tests(EXAMPLES)
    result = CliRunner().invoke(cli, ["test", "rules", "examples"])
    output = result.output
    assert result.exit_code == 0, output
    assert "FAIL" not in output, output
    summaries = SUMMARY.findall(output)
    assert summaries == [(str(expected), "0")], output
    assert output.rstrip().endswith(f"{expected} passed, 0 failed"), output
    assert output.count("PASS ") == expected, output
    for folder in _example_folders():
        assert f"PASS examples/{folder.name}/" in output, f"no test of {folder.name} ran"


@pytest.mark.usefixtures("at_root")
def test_the_examples_compile() -> None:
    result = CliRunner().invoke(cli, ["check", "examples"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: "), result.output
