"""The console's results and campaigns tests' deployment: the repository's rules (a poll, a
survey, flows) and two campaigns to a spreadsheet of three contacts, ``promo`` at one message a
second and ``slow`` at one a minute; users ``alice`` (team support) and ``carol`` (admin)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from engine.web.console.passwords import hash_password

__all__ = [
    "ADMIN_PASSWORD",
    "PASSWORD",
    "PHONES",
    "command",
    "users",
    "write_deployment",
]

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse 1"
ADMIN_PASSWORD = "battery staple 2"
PHONES = ("+33612345601", "+33612345602", "+33612345603")
CAMPAIGNS = {
    "promo": """
        campaign: Promo de test
        audience: {file: clients.csv}
        number: "36111"
        say: "Bonjour {contact.name}, -20 % avec le code TEST. STOP au 36111"
        kind: transactional
        throughput: 1/s
        """,
    "slow": """
        campaign: Lente
        audience: {file: clients.csv}
        number: "36111"
        say: "Bonjour {contact.name}, une par minute."
        kind: transactional
        throughput: 1/min
        """,
}
CSV = "phone;name\n" + "".join(f"{p};Client {i}\n" for i, p in enumerate(PHONES, 1))


def write_deployment(workdir: Path) -> Path:
    """The rules folder: the repository's, the two campaigns and their spreadsheet."""
    rules = workdir / "rules"
    shutil.copytree(REPO / "rules", rules)
    for name, text in CAMPAIGNS.items():
        (rules / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    (rules / "clients.csv").write_text(CSV, encoding="utf-8")
    return rules


def users() -> list[dict[str, Any]]:
    return [
        {"name": "alice", "password": hash_password(PASSWORD), "teams": ["support"]},
        {"name": "carol", "password": hash_password(ADMIN_PASSWORD), "admin": True},
    ]


def command(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``twoway ARGS --config WORKDIR/twoway.yaml`` beside the running engine."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "engine", *args, "--config", str(workdir / "twoway.yaml")],
        cwd=workdir, env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done
