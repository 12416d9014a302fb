"""Shared by the contacts tests: the command in process and as a user runs it, and the store."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from engine.cli.main import cli

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> Result:
    """``twoway …`` in process."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def twoway(*args: str) -> subprocess.CompletedProcess[str]:
    """``twoway …`` as a process: what a user sees, tracebacks included."""
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )


def stored(db: Path) -> dict[str, tuple[dict[str, Any], list[str]]]:
    """phone → (fields, groups) of every contact of the store ``db``."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT phone, fields, groups FROM contacts").fetchall()
    return {phone: (json.loads(fields), json.loads(groups)) for phone, fields, groups in rows}
