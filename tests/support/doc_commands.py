"""Run the ``twoway`` commands a page of the docs shows in ``console`` blocks and compare their
output with the one the page prints: the tutorials and the examples' READMEs. A command is
``$ twoway …``, optionally fed ``< FILE`` or ``printf '…' |``, or written ``> FILE`` (then it
prints nothing); a line ``…`` of the expected
output stands for any lines."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

BLOCK = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```$", re.M | re.S)
PRINTF = re.compile(r"^printf '((?:[^'\\]|\\.)*)' \| (twoway .*)$")


def blocks(text: str) -> Iterator[tuple[str, str, str]]:
    """(kind, info, body) of each fenced block."""
    yield from BLOCK.findall(text)


def commands(body: str) -> Iterator[tuple[str, str]]:
    """(command, expected output) of each ``$ `` line of a console block."""
    for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]:
        command, _, expected = chunk.partition("\n")
        yield command.split("  #")[0].strip(), expected


def run(folder: Path, command: str) -> str:
    """The stdout of ``command`` run in ``folder`` with this tree's twoway; it must exit 0."""
    stdin = None
    if (piped := PRINTF.match(command)) is not None:
        stdin = piped[1].encode().decode("unicode_escape")
        command = piped[2]
    words = shlex.split(command)
    assert words[0] == "twoway", command
    target = None
    if ">" in words:
        at = words.index(">")
        target = folder / words[at + 1]
        words = words[:at]
    if "<" in words:
        at = words.index("<")
        stdin = (folder / words[at + 1]).read_text(encoding="utf-8")
        words = words[:at]
    done = subprocess.run(
        [sys.executable, "-m", "engine", *words[1:]],
        cwd=folder, input=stdin, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, (command, done.stdout, done.stderr)
    if target is not None:
        target.write_text(done.stdout, encoding="utf-8")
        return ""
    return done.stdout


def matches(output: str, expected: str) -> bool:
    """``output`` is ``expected``, where a line ``…`` of it stands for any lines."""
    pattern = "".join(
        r"(?:.*\n)*?" if line == "…" else re.escape(line) + r"\n" for line in expected.splitlines()
    )
    return re.fullmatch(pattern, output) is not None
