"""The store's files hold every phone number and message: against the real ``twoway run`` under
the usual umask 022, the store, its ``-wal`` and ``-shm`` and ``twoway backup``'s copy are
readable by their owner only (0600), and a store an older release left 0644 is tightened."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.support.engine_process import REPO
from tests.support.jsonl_client import Client, assert_clean, mo, running_engine


def umask_022() -> None:
    os.umask(0o022)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_the_store_its_side_files_and_a_backup_are_for_their_owner_only(
    tmp_path: Path,
) -> None:
    async with running_engine(tmp_path, preexec_fn=umask_022) as running:
        client = await Client().connect(running.port)
        client.send(mo("m1", "+33600000001", "HOURS"))
        assert (await client.answer("m1"))["type"] == "ack"
        await client.wait_for(lambda: len(client.mts()) == 1)
        store = running.db
        assert {
            name: mode(store.with_name(name))
            for name in ("twoway.db", "twoway.db-wal", "twoway.db-shm")
        } == {"twoway.db": 0o600, "twoway.db-wal": 0o600, "twoway.db-shm": 0o600}

        backup = subprocess.run(
            [sys.executable, "-m", "engine", "backup", "--db", str(store), "copy.db"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            preexec_fn=umask_022,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            timeout=60,
        )
        assert backup.returncode == 0, backup.stderr
        assert mode(tmp_path / "copy.db") == 0o600
        await client.aclose()
        assert await running.stop() == 0
    assert_clean(running.log())


async def test_a_store_left_readable_by_others_is_tightened_at_start(tmp_path: Path) -> None:
    async with running_engine(tmp_path) as running:
        assert await running.stop() == 0
    for name in ("twoway.db", "twoway.db-wal", "twoway.db-shm"):
        path = tmp_path / name
        if path.exists():
            path.chmod(0o644)
    async with running_engine(tmp_path) as running:
        assert mode(running.db) == 0o600
        assert f"{running.db} was mode 644; now 0600" in running.log()
        assert await running.stop() == 0
