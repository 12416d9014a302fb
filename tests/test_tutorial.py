"""The tutorials (docs/tutorial.md, docs/tutoriel.md) as a reader follows them: in an empty
folder, every file they show is written, every command run with this tree's ``twoway``, and its
output compared with the one they print; and the examples' READMEs, whose ``twoway check``,
``twoway test`` and ``twoway chat`` transcripts are run from the repository the same way. A page
that goes stale fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.doc_commands import blocks, commands, matches, run

REPO = Path(__file__).resolve().parents[1]
SELF_CONTAINED = re.compile(r"^(?:printf .* \| )?twoway (?:check|test|chat) (?!.*--config)")


@pytest.mark.parametrize("page", ["tutorial.md", "tutoriel.md"])
def test_the_tutorial_works_word_by_word(page: str, tmp_path: Path) -> None:
    ran = 0
    for kind, info, body in blocks((REPO / "docs" / page).read_text(encoding="utf-8")):
        file = re.search(r"file=(\S+)", info)
        if file is not None:
            target = tmp_path / file[1]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
        elif kind == "console":
            for command, expected in commands(body):
                assert run(tmp_path, command) == expected, (page, command)
                ran += 1
    assert ran >= 3, "the tutorial's commands were not found"


@pytest.mark.parametrize(
    "readme", sorted(p.relative_to(REPO).as_posix() for p in REPO.glob("examples/*/README.md"))
)
def test_an_example_readme_s_transcripts_are_what_twoway_prints(readme: str) -> None:
    for kind, _, body in blocks((REPO / readme).read_text(encoding="utf-8")):
        if kind != "console":
            continue
        for command, expected in commands(body):
            if SELF_CONTAINED.match(command):
                output = run(REPO, command)
                assert matches(output, expected), (readme, command, output)
