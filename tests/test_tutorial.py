"""The tutorials (docs/tutorial.md, docs/tutoriel.md) as a reader follows them: in an empty
folder, every file they show is written, every command run with the installed ``twoway``, and
its output compared with the one they print. A tutorial that goes stale fails here."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
BLOCK = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```$", re.M | re.S)


def _run(folder: Path, command: str) -> str:
    words = shlex.split(command)
    assert words[0] == "twoway", command
    stdin = None
    if "<" in words:
        at = words.index("<")
        stdin = (folder / words[at + 1]).read_text(encoding="utf-8")
        words = words[:at]
    done = subprocess.run(
        [sys.executable, "-m", "engine", *words[1:]],
        cwd=folder, input=stdin, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, (command, done.stdout, done.stderr)
    return done.stdout


@pytest.mark.parametrize("page", ["tutorial.md", "tutoriel.md"])
def test_the_tutorial_works_word_by_word(page: str, tmp_path: Path) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    ran = 0
    for kind, info, body in BLOCK.findall(text):
        file = re.search(r"file=(\S+)", info)
        if file is not None:
            target = tmp_path / file[1]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
        elif kind == "console":
            commands = re.split(r"^\$ ", body, flags=re.M)[1:]
            for chunk in commands:
                command, _, expected = chunk.partition("\n")
                assert _run(tmp_path, command) == expected, (page, command)
                ran += 1
    assert ran >= 3, "the tutorial's commands were not found"
