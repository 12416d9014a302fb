"""Smoke-run ``bench/smpp.py --quick``: a real engine process against the bench's node SMSC must
finish and print its labelled figures, with every count verified in the database.

No Kannel, and no timing is asserted: speed depends on the machine.
"""

from __future__ import annotations

import re
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


def _node_smsc() -> None:
    if shutil.which("node") is None:
        pytest.fail("node is not installed: the SMPP bench needs node 18+")
    if not (ROOT / "tests" / "smsc" / "node_modules" / "smpp" / "package.json").exists():
        pytest.fail("the npm package smpp is missing: run `npm ci --prefix tests/smsc`")


def test_bench_smpp_quick() -> None:
    _node_smsc()
    printed = run_quick("smpp.py", LABELS, timeout=180)
    assert printed.count(": OK") >= 2, printed


@pytest.mark.parametrize(("per", "most"), [("bind", 2), ("smsc", 1)])
def test_bench_smpp_windows_per_bind_or_for_the_smsc(per: str, most: int) -> None:
    """Two workers, two binds, a deliver_sm window of 1: flat out, the SMSC keeps one deliver_sm
    unanswered on each bind (``--mo-window-per bind``) or one in all (``smsc``), and both binds
    take MOs."""
    _node_smsc()
    args = ("--workers", "2", "--receipts", "off", "--mo-window", "1", "--mo-window-per", per)
    printed = run_quick("smpp.py", ("verify: OK",), timeout=180, args=args)
    flat = next(line for line in printed.splitlines() if "twoway x2 flat out: CPU of" in line)
    found = re.search(r"unanswered at most (\d+), MOs per bind ([\d,]+) / ([\d,]+)$", flat)
    assert found is not None, flat
    assert int(found[1]) == most, flat
    assert min(int(found[2].replace(",", "")), int(found[3].replace(",", ""))) > 0, flat
