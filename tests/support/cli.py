"""The ``twoway`` command as a child process (``python -m engine …``) for the CLI tests: stdin
piped, stdout and stderr captured as text, run from the repository."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def twoway(*args: str, stdin: str = "", cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """Run ``twoway ARGS`` with ``stdin`` piped in; never raises on its exit status."""
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )
