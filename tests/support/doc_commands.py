"""Run the ``twoway`` commands a page of the docs shows in ``console`` blocks and compare their
output with the one the page prints: the tutorials and the examples' READMEs.

A page is followed as a reader would, in one folder (``follow``):

- a fenced block whose info string says ``file=NAME`` (```` ```yaml file=twoway.yaml ````) is
  written to ``NAME`` in the folder;
- in a ``console`` block, a line ``$ twoway …`` is a command, optionally fed ``< FILE`` or
  ``printf '…' |``, or written ``> FILE`` (then it prints nothing); the text after ``  #`` on it
  is a comment. The lines up to the next command are its expected output, where a line ``…``
  (indented or not) stands for any lines;
- a line ``# N minutes later`` (or hours, days) in a console block moves the clock of the
  commands that follow by that much. The examples' READMEs run on a test clock
  (``TWOWAY_TEST_CLOCK``) that starts at ``TRANSCRIPT_TIME``, the time their transcripts say they
  were taken at; the tutorials run on the wall clock. That clock hardly moves by itself (it runs
  at ``CLOCK_SPEED``) and steps ``COMMAND_STEP`` forward at each command, so that each command
  comes after the one before, as a reader's do, and the seconds the transcripts print never vary.

Every command must exit 0.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import click

from engine.cli.main import cli

BLOCK = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```$", re.M | re.S)
PRINTF = re.compile(r"^printf '((?:[^'\\]|\\.)*)' \| (twoway .*)$")
FILE = re.compile(r"\bfile=(\S+)")
LATER = re.compile(r"^# (\d+) (minute|hour|day)s? later$")
TRANSCRIPT_TIME = datetime.fromisoformat("2027-01-08T10:00:00+01:00")
"""When the examples' transcripts were taken: Friday 8 January 2027, 10:00 Paris time."""
CLOCK_ENV = "TWOWAY_TEST_CLOCK"
CLOCK_SPEED = "x0.00001"
"""A minute of a slow machine is under a millisecond of the test clock."""
COMMAND_STEP = timedelta(milliseconds=1)


def blocks(text: str) -> Iterator[tuple[str, str, str]]:
    """(kind, info, body) of each fenced block."""
    yield from BLOCK.findall(text)


def steps(body: str) -> Iterator[tuple[str, str] | timedelta]:
    """Each ``$ `` line of a console block as (command, expected output), and each
    ``# N minutes later`` line as the time it moves the clock by."""
    command: str | None = None
    expected: list[str] = []
    for line in body.splitlines():
        later = LATER.match(line)
        if line.startswith("$ ") or later is not None:
            if command is not None:
                yield command, "".join(f"{e}\n" for e in expected)
            command, expected = None, []
        if line.startswith("$ "):
            command = line[2:].split("  #")[0].strip()
        elif later is not None:
            yield timedelta(**{f"{later[2]}s": int(later[1])})
        elif command is not None:
            expected.append(line)
    if command is not None:
        yield command, "".join(f"{e}\n" for e in expected)


def commands(body: str) -> Iterator[tuple[str, str]]:
    """(command, expected output) of each ``$ `` line of a console block."""
    for step in steps(body):
        if isinstance(step, tuple):
            yield step


def run(folder: Path, command: str, clock: Path | None = None) -> str:
    """The stdout of ``command`` run in ``folder`` with this tree's twoway, on the test clock
    ``clock`` when given; it must exit 0."""
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
    env = {k: v for k, v in os.environ.items() if k != CLOCK_ENV}
    if clock is not None:
        env[CLOCK_ENV] = str(clock)
    done = subprocess.run(
        [sys.executable, "-m", "engine", *words[1:]],
        cwd=folder, input=stdin, capture_output=True, text=True, timeout=60, check=False, env=env,
    )  # fmt: skip
    assert done.returncode == 0, (command, done.stdout, done.stderr)
    if target is not None:
        target.write_text(done.stdout, encoding="utf-8")
        return ""
    return done.stdout


def matches(output: str, expected: str) -> bool:
    """``output`` is ``expected``, where a line ``…`` of it (indented or not) stands for any lines;
    blank lines at the end of ``output`` are not looked at (a page cannot show them)."""
    output = output.rstrip("\n") + "\n" if output.strip("\n") else ""
    pattern = "".join(
        r"(?:.*\n)*?" if line.strip() == "…" else re.escape(line) + r"\n"
        for line in expected.splitlines()
    )
    return re.fullmatch(pattern, output) is not None


def follow(page: str, text: str, folder: Path, at: datetime | None = None) -> int:
    """Follow ``text`` (the page ``page``) in ``folder``: write its files, run its commands
    (on a test clock starting at ``at`` when given) and assert their outputs; the number of
    commands run."""
    clock = None if at is None else folder / ".twoway-clock"
    now = at
    ran = 0
    for kind, info, body in blocks(text):
        if (file := FILE.search(info)) is not None:
            target = folder / file[1]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
            continue
        if kind != "console":
            continue
        for step in steps(body):
            if isinstance(step, timedelta):
                assert now is not None, (page, "a clock comment needs a test clock")
                now += step
                continue
            if clock is not None and now is not None:
                now += COMMAND_STEP
                clock.write_text(f"{now.isoformat()} {CLOCK_SPEED}\n", encoding="utf-8")
            output = run(folder, step[0], clock)
            assert matches(output, step[1]), (page, step[0], output)
            ran += 1
    return ran


INLINE = re.compile(r"(?<!`)`(twoway [^`]+)`(?!`)")
SERVES = ("twoway run",)
"""Commands that serve until stopped: a page may name them, no step can run them to their end."""


def named(text: str) -> list[str]:
    """The ``twoway …`` commands ``text`` names in its prose (inline code, outside the fenced
    blocks), spaces and line breaks made one space; a ``…`` ends what they say."""
    found = []
    for span in INLINE.findall(BLOCK.sub("", text)):
        words = span.split()
        found.append(" ".join(words[: words.index("…")] if "…" in words else words))
    return found


def run_commands(text: str) -> list[str]:
    """The ``twoway …`` commands the console blocks of ``text`` run (what a pipe feeds left out)."""
    found = []
    for kind, _, body in blocks(text):
        if kind == "console":
            for command, _ in commands(body):
                piped = PRINTF.match(command)
                found.append(piped[2] if piped is not None else command)
    return found


def _arguments(words: list[str]) -> list[str]:
    """What follows the command's names (``twoway campaign start``) in ``words``."""
    command: click.Command = cli
    rest = words[1:]
    while rest and isinstance(command, click.Group) and rest[0] in command.commands:
        command, rest = command.commands[rest[0]], rest[1:]
    return rest


def _within(words: list[str], command: list[str]) -> bool:
    """``words`` are ``command``'s, in order, some left out (``twoway chat rules`` is within
    ``twoway chat --now … rules``); the command's names are the same."""
    names = len(words) - len(_arguments(words))
    if words[:names] != command[:names]:
        return False
    rest = iter(command[names:])
    return all(word in rest for word in words[names:])


def not_run(text: str) -> list[str]:
    """The commands ``text`` names that none of its steps runs. A bare command name
    (``twoway results``) is no command to run, nor one that serves until stopped (``SERVES``);
    any other must be within a command the page runs."""
    ran = [shlex.split(command) for command in run_commands(text)]
    return [
        command
        for command in named(text)
        if not command.startswith(SERVES)
        and _arguments(command.split())
        and not any(_within(command.split(), done) for done in ran)
    ]
