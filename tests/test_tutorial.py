"""The tutorials (docs/tutorial.md, docs/tutoriel.md) and the examples' READMEs as a reader
follows them: in an empty folder, every file they show is written, every command run with this
tree's ``twoway``, and its output compared with the one they print (tests/support/doc_commands.py).
A README is followed from a copy of the repository's ``examples`` and ``rules`` folders, on the
test clock its transcripts were taken at. A page that goes stale fails here, and so does one that
names a command in its text that none of its steps runs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.support.doc_commands import TRANSCRIPT_TIME, follow, not_run

REPO = Path(__file__).resolve().parents[1]
READMES = [
    "examples/README.md",
    *sorted(p.relative_to(REPO).as_posix() for p in REPO.glob("examples/*/README.md")),
]
TUTORIALS = ["docs/tutorial.md", "docs/tutoriel.md"]


@pytest.mark.parametrize("page", ["tutorial.md", "tutoriel.md"])
def test_the_tutorial_works_word_by_word(page: str, tmp_path: Path) -> None:
    ran = follow(page, (REPO / "docs" / page).read_text(encoding="utf-8"), tmp_path)
    assert ran >= 3, "the tutorial's commands were not found"


@pytest.mark.parametrize("readme", READMES)
def test_an_example_readme_s_transcripts_are_what_twoway_prints(
    readme: str, tmp_path: Path
) -> None:
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    shutil.copytree(REPO / "rules", tmp_path / "rules")  # examples/README.md tests them too
    text = (REPO / readme).read_text(encoding="utf-8")
    ran = follow(readme, text, tmp_path, TRANSCRIPT_TIME)
    assert ran == len(re.findall(r"^\$ ", text, re.M)), "a command of the README was not run"


@pytest.mark.parametrize("page", TUTORIALS + READMES)
def test_every_command_a_page_names_is_one_it_runs(page: str) -> None:
    """A ``twoway …`` command written in a page's text (``twoway results nps --config
    twoway.yaml``) is one of its steps, so that it is run too; a bare command name (``twoway
    results``) and ``twoway run`` (it serves until stopped) are not steps."""
    assert not_run((REPO / page).read_text(encoding="utf-8")) == []
