"""Every file (or folder) of tests/rules/broken makes `twoway check` exit 1 and print exactly the
text pinned beside it. Regenerate the pins after a deliberate change with UPDATE_GOLDENS=1.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli

REPO = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).parent / "broken"
CASES = sorted(
    p for p in BROKEN.iterdir() if p.suffix == ".yaml" or (p.is_dir() and p.name[0] == "E")
)


def test_every_error_code_has_a_case() -> None:
    codes = {case.name[:4] for case in CASES}
    source = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "engine").rglob("*.py"))
    emitted = set(re.findall(r'"(E[1-4]\d\d)"', source))
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
    assert result.exit_code == 1
    assert result.output == expected.read_text(encoding="utf-8")
    code = case.name[:4]
    assert f"error[{code}]" in result.output
