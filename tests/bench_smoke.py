"""Run a benchmark of ``bench/`` with ``--quick`` and check its labelled lines (no timing)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_quick(
    script: str, labels: Sequence[str], *, timeout: float = 300, args: Sequence[str] = ()
) -> str:
    """Run ``bench/<script> --quick [args]`` from the repository root; return what it printed."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--quick", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for label in labels:
        assert label in done.stdout, f"missing {label!r} in:\n{done.stdout}"
    return done.stdout
