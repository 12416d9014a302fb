"""The browser is part of the test set-up: the README's command installs it, as .ci/run does."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.support import browser
from tests.support.browser import SETUP

REPO = Path(__file__).resolve().parents[2]


def _command(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("pip install -e '.[test]'")]


def test_the_readme_command_is_ci_s_and_sets_the_browser_up() -> None:
    readme = _command((REPO / "README.md").read_text(encoding="utf-8"))
    ci = _command((REPO / ".ci" / "run").read_text(encoding="utf-8"))
    assert readme == ci
    assert len(readme) == 1
    assert re.search(rf"&& {re.escape(SETUP)} && pytest$", readme[0])


def test_the_set_up_script_is_executable_bash() -> None:
    script = REPO / SETUP
    assert os.access(script, os.X_OK)
    assert script.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
    subprocess.run(["bash", "-n", str(script)], check=True, timeout=30)


def test_a_missing_chromium_fails_the_test_naming_the_script(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(browser, "chromium_path", lambda: None)
    with pytest.raises(pytest.fail.Exception, match="chromium is missing: run tests/setup-browser"):
        browser.require_chromium()
