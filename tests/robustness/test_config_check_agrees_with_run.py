"""``twoway check --config`` and ``twoway run`` share one validation: whatever run refuses of a
twoway.yaml, check refuses too, with the same words at the same file:line:col (the README's
``ExecStartPre=twoway check`` must not pass a file the service then refuses)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.engine_process import REPO
from tests.support.jsonl_peer import free_port

SMPP = "    type: smpp\n    host: 127.0.0.1\n    port: 2775\n"

CASES = {
    "password": (
        f"  op:\n{SMPP}    system_id: acme\n    password: secret123\n",
        {},
        "11:15: error[E203]: the SMPP password is longer than SMPP's 8 characters",
    ),
    "password from env": (
        f"  op:\n{SMPP}    system_id: acme\n    password: env:SMPP_PASSWORD\n",
        {"SMPP_PASSWORD": "twelve-chars"},
        "11:15: error[E203]: the SMPP password is longer than SMPP's 8 characters "
        "(read from env:SMPP_PASSWORD)",
    ),
    "system_id": (
        f"  op:\n{SMPP}    system_id: acme-production1\n",
        {},
        "10:16: error[E203]: system_id 'acme-production1' is longer than SMPP's 15 characters",
    ),
    "system_type": (
        f"  op:\n{SMPP}    system_id: acme\n    system_type: ABCDEFGHIJKLM\n",
        {},
        "11:18: error[E203]: system_type 'ABCDEFGHIJKLM' is longer than SMPP's 12 characters",
    ),
    "service_type": (
        f"  op:\n{SMPP}    system_id: acme\n    service_type: WAPPUSH\n",
        {},
        "11:19: error[E203]: service_type 'WAPPUSH' is longer than SMPP's 5 characters",
    ),
    "non-ASCII system_id": (
        f"  op:\n{SMPP}    system_id: acmé\n",
        {},
        "10:16: error[E203]: system_id 'acmé' is not printable ASCII",
    ),
    "unset secret": (
        f"  op:\n{SMPP}    system_id: acme\n    password: env:TWOWAY_TEST_UNSET\n",
        {},
        "11:15: error[E601]: environment variable TWOWAY_TEST_UNSET is not set",
    ),
    "two connectors, one address": (
        '  a: {type: jsonl, listen: "127.0.0.1:{p}"}\n'
        '  b: {type: jsonl, listen: "127.0.0.1:{p}"}\n',
        {},
        "7:28: error[E203]: 127.0.0.1:{p} is where connectors.a.listen listens already",
    ),
    "two connectors on the default address": (
        "  a: {type: jsonl}\n  b: {type: jsonl}\n",
        {},
        "7:3: error[E203]: 127.0.0.1:2776 (the default listen) is where connectors.a listens "
        "already",
    ),
    "a connector on the http address": (
        '  a: {type: jsonl, listen: "127.0.0.1:{h}"}\n',
        {},
        "6:28: error[E203]: 127.0.0.1:{h} is where http.listen listens already",
    ),
    "a wildcard over a loopback": (
        '  a: {type: jsonl, listen: "127.0.0.1:{p}"}\n'
        '  b: {type: jsonl, listen: "0.0.0.0:{p}", allow_remote: true, token: env:HOME}\n',
        {},
        "7:28: error[E203]: 0.0.0.0:{p} is where connectors.a.listen listens already",
    ),
}


def twoway(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        check=False,
    )


@pytest.mark.parametrize("case", list(CASES))
def test_check_refuses_what_run_refuses_with_the_same_words(tmp_path: Path, case: str) -> None:
    connectors, env, expected = CASES[case]
    port, http = free_port(), free_port()
    config = tmp_path / "twoway.yaml"
    config.write_text(
        f"store: {tmp_path / 'twoway.db'}\n"
        f"rules: {REPO / 'rules'}\n"
        "reload: false\n"
        f'http: {{listen: "127.0.0.1:{http}"}}\n'
        "connectors:\n" + connectors.replace("{p}", str(port)).replace("{h}", str(http)),
        encoding="utf-8",
    )
    pinned = f"{config}:" + expected.replace("{p}", str(port)).replace("{h}", str(http))
    checked = twoway("check", "--config", str(config), env=env)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert pinned in checked.stdout
    ran = twoway("run", "--config", str(config), env=env)
    assert ran.returncode == 1, ran.stderr
    assert ran.stderr == checked.stdout  # the same errors, the same words, the same places
    assert "Traceback" not in ran.stderr
