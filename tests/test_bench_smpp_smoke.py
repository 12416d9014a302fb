"""Smoke-run ``bench/smpp.py --quick``: a real engine process against the bench's node SMSC must
finish and print its labelled figures, with every count verified in the database.

No Kannel, and no timing is asserted: speed depends on the machine.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.bench_smoke import run_quick

ROOT = Path(__file__).resolve().parents[1]

LABELS = (
    "twoway SMPP benchmark:",
    "settings:",
    "smsc ceiling: node answering itself",
    "load    200/s  twoway:",
    "load flat out  twoway:",
    "verify twoway 200/s:",
    "verify twoway flat out:",
    "twoway flat out: CPU per MO->reply",
    "twoway-store",
    "CPU per MO->reply (all the system's processes and threads",
    "== receipts off",
    "== receipts on",
    "receipts recorded",
    "== summary, receipts on",
    "summary:",
    "target: flat-out throughput",
    "verify: OK",
)


def test_bench_smpp_quick() -> None:
    if shutil.which("node") is None:
        pytest.fail("node is not installed: the SMPP bench needs node 18+")
    if not (ROOT / "tests" / "smsc" / "node_modules" / "smpp" / "package.json").exists():
        pytest.fail("the npm package smpp is missing: run `npm ci --prefix tests/smsc`")
    printed = run_quick("smpp.py", LABELS, timeout=180)
    assert printed.count(": OK") >= 2, printed
