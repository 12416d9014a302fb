"""A jsonl connector open to the network, against ``twoway check`` and the real ``twoway run``:
refused at file:line:col unless it says ``allow_remote: true`` with ``token: env:NAME``; with a
token, a peer's first frame must be ``auth`` (a wrong or missing one: error frame, closed), and
the token never reaches the log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.engine_process import REPO, Engine, write_config
from tests.support.jsonl_client import WAIT, Client, assert_clean, mo, running_engine
from tests.support.jsonl_peer import free_port

TOKEN = "s3cret-jsonl-token-0123456789"


def exposed(tmp_path: Path, **options: object) -> Path:
    config = write_config(tmp_path, REPO / "rules", "console", free_port(), options)
    text = config.read_text().replace('listen: "127.0.0.1:', 'listen: "0.0.0.0:')
    config.write_text(text)
    return config


def check(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", "check", "--config", str(config), "--no-rules"],
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO), "JSONL_TOKEN": TOKEN},
    )


async def test_a_listener_open_to_the_network_is_refused_by_check_and_run(
    tmp_path: Path,
) -> None:
    config = exposed(tmp_path)
    done = check(config)
    assert done.returncode == 1
    expected = (
        f"{config}:7:13: error[E203]: connector 'console' listens on 0.0.0.0, which other "
        "machines can reach: anyone there could send SMS through it"
    )
    assert expected in done.stdout + done.stderr
    engine = Engine(tmp_path, config)
    try:
        await engine.launch()
        assert await engine.wait(WAIT) == 1
    finally:
        await engine.cleanup()
    assert "listens on 0.0.0.0, which other machines can reach" in engine.log()


def test_allow_remote_needs_a_token_from_the_environment(tmp_path: Path) -> None:
    done = check(exposed(tmp_path, allow_remote=True, token=TOKEN))
    assert done.returncode == 1
    assert "it needs a token read from the environment" in done.stdout + done.stderr
    assert check(exposed(tmp_path, allow_remote=True, token="env:JSONL_TOKEN")).returncode == 0


async def test_with_a_token_a_peer_authenticates_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JSONL_TOKEN", TOKEN)
    async with running_engine(tmp_path, {"token": "env:JSONL_TOKEN"}) as running:
        anonymous = await Client().connect(running.port)
        anonymous.send(mo("m0"))
        assert await anonymous.error() == {"type": "error", "error": "authenticate first"}
        await anonymous.wait_for(anonymous.closed.is_set)
        wrong = await Client().connect(running.port)
        wrong.send({"type": "auth", "token": TOKEN[:-1]})
        wrong.send(mo("m1"))
        assert await wrong.error() == {"type": "error", "error": "authentication failed"}
        await wrong.wait_for(wrong.closed.is_set)
        assert not any(f.get("type") == "ack" for f in wrong.frames)
        good = await Client().connect(running.port)
        good.send({"type": "auth", "token": TOKEN})
        good.send(mo("m2"))
        assert (await good.answer("m2"))["type"] == "ack"
        await good.wait_for(lambda: len(good.mts()) == 1)
        await good.aclose()
        assert await running.stop() == 0
    assert running.rows("SELECT external_id FROM inbound") == [("m2",)]
    log = running.log()
    assert TOKEN[:-1] not in log
    assert "failed to authenticate" in log
    assert_clean(log)
