"""Every file (or folder) of tests/rules/broken makes `twoway check` exit 1 and print exactly the
text pinned beside it (a W### case: exit 0, its warnings printed). Regenerate the pins after a
deliberate change with UPDATE_GOLDENS=1.

The pins are English (tests run with LC_ALL=C.UTF-8, tests/conftest.py); ``FRENCH`` cases are
pinned in French too, under tests/rules/french, as ``twoway --lang fr check`` prints them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli
from engine.ruleset.loader import MAX_FILE_SIZE

REPO = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).parent / "broken"
CASES = sorted(
    p for p in BROKEN.iterdir() if p.suffix == ".yaml" or (p.is_dir() and p.name[0] in "EW")
)


def _too_large() -> bytes:
    """A well-formed rule file just over the 1 MiB limit (too big to commit)."""
    entry = b'  - keyword: K%06d\n    reply: "Keyword number %06d."\n'
    lines = [b"autoreply:\n"]
    size, i = len(lines[0]), 0
    while size <= MAX_FILE_SIZE:
        lines.append(entry % (i, i))
        size += len(lines[-1])
        i += 1
    return b"".join(lines)


GENERATED = {"E104_file_too_large.yaml": _too_large}
FRENCH_PINS = Path(__file__).parent / "french"
FRENCH = [
    "E101_yaml_syntax.yaml",
    "E102_duplicate_key.yaml",
    "E103_not_a_mapping.yaml",
    "E201_unknown_key.yaml",
    "E202_missing_key.yaml",
    "E203_wrong_type.yaml",
    "E206_bad_duration.yaml",
    "E301_condition_syntax.yaml",
    "E303_pattern_syntax.yaml",
    "E305_bare_word_condition.yaml",
    "E308_wrong_arguments.yaml",
    "E401_unknown_goto.yaml",
    "E404_keyword_claimed_twice",
    "E408_loop_without_wait.yaml",
    "E423_audience_two_kinds.yaml",
    "W301_variable_set_nowhere",
    "W402_typographic_characters.yaml",
    "W406_state_left_only_by_timeout.yaml",
    "W408_regex_backtracking",
]
"""A representative subset of the corpus, pinned in French (one case or more per family)."""
"""Cases written at test time (their pinned output sits in broken/ like the others)."""


def test_every_error_code_has_a_case() -> None:
    codes = {case.name[:4] for case in CASES} | {name[:4] for name in GENERATED}
    source = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "engine").rglob("*.py"))
    emitted = set(re.findall(r'"([EW][1-4]\d\d)"', source))
    emitted.discard("E100")  # a path that does not exist: no file can show it (see tests/cli)
    assert emitted - codes == set(), "add a broken case for these codes"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_check_prints_the_pinned_errors(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["check", str(case.relative_to(REPO))])
    expected = (
        case.with_suffix(".expected") if case.is_file() else case.parent / (case.name + ".expected")
    )
    if os.environ.get("UPDATE_GOLDENS"):
        expected.write_text(result.output, encoding="utf-8")
    code = case.name[:4]
    warning = code.startswith("W")  # a warning is printed, and check still succeeds
    assert result.exit_code == (0 if warning else 1)
    assert result.output == expected.read_text(encoding="utf-8")
    assert f"{'warning' if warning else 'error'}[{code}]" in result.output


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_check_prints_the_pinned_errors_of_generated_cases(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / name).write_bytes(GENERATED[name]())
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", name])
    expected = (BROKEN / name).with_suffix(".expected")
    if os.environ.get("UPDATE_GOLDENS"):
        expected.write_text(result.output, encoding="utf-8")
    assert result.exit_code == 1
    assert result.output == expected.read_text(encoding="utf-8")
    assert f"error[{name[:4]}]" in result.output


@pytest.mark.parametrize("name", FRENCH)
def test_check_prints_the_pinned_errors_in_french(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = BROKEN / name
    assert case.exists(), f"{name}: no such case in tests/rules/broken"
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["--lang", "fr", "check", str(case.relative_to(REPO))])
    expected = FRENCH_PINS / (Path(name).stem + ".expected")
    if os.environ.get("UPDATE_GOLDENS"):
        expected.write_text(result.output, encoding="utf-8")
    warning = name.startswith("W")
    assert result.exit_code == (0 if warning else 1)
    assert result.output == expected.read_text(encoding="utf-8")
    assert f"{'avertissement' if warning else 'erreur'}[{name[:4]}] : " in result.output
