"""A disk that fills or cannot be written, against the real ``twoway run``: the store lives on a
tiny tmpfs in the engine's own mount namespace (``unshare -m``; root ignores file modes, a
filesystem does not), filled and freed from the outside with ``nsenter``.

What the user sees: MOs refused with a clear nack while the disk is full (never acknowledged and
lost), /health degraded with the reason and ``twoway_store_up`` 0, a few log lines and no
traceback; once space is back, the same process takes the MOs again and records the replies it
had delivered, without a restart. A store that cannot be written at all stops the start with one
line naming the file.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.engine_process import HOST, REPO, Engine
from tests.support.jsonl_client import WAIT, Client, assert_clean, mo
from tests.support.jsonl_peer import free_port
from tests.support.metrics import sample


def _namespaces() -> bool:
    try:
        return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0
    except FileNotFoundError:
        return False


pytestmark = pytest.mark.skipif(
    not _namespaces(), reason="needs unshare -m (root, util-linux) for a private tmpfs"
)

MOUNT = 'mount -t tmpfs -o size={size} tmpfs "$0" && {then} exec "$@"'
"""Run by ``sh -c`` in the engine's new mount namespace, with the store's folder as ``$0``."""

HOURS = "We are open Monday to Friday, 9:00-18:00, and Saturday 10:00-16:00."


@dataclass
class Disk:
    """The engine, and the tmpfs its store lives on."""

    engine: Engine
    folder: Path
    port: int
    http: int

    @property
    def pid(self) -> int:
        assert self.engine.proc is not None
        return self.engine.proc.pid

    def inside(self, *command: str) -> subprocess.CompletedProcess[str]:
        """Run ``command`` in the engine's mount namespace (where its tmpfs is)."""
        return subprocess.run(
            ["nsenter", "-t", str(self.pid), "-m", *command],
            capture_output=True,
            text=True,
            timeout=60,
        )

    def fill(self) -> None:
        done = self.inside("sh", "-c", f'cat /dev/zero > "{self.folder}/filler"')
        assert "No space left on device" in done.stderr, done.stderr

    def free(self) -> None:
        assert self.inside("rm", f"{self.folder}/filler").returncode == 0

    def rows(self, sql: str) -> list[list[Any]]:
        """Rows of the store, read in its namespace (the tmpfs is not visible from here)."""
        script = (
            "import json, sqlite3, sys\n"
            "conn = sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True)\n"
            "print(json.dumps(conn.execute(sys.argv[2]).fetchall()))\n"
        )
        done = self.inside(sys.executable, "-c", script, str(self.folder / "twoway.db"), sql)
        assert done.returncode == 0, done.stderr
        rows: list[list[Any]] = json.loads(done.stdout)
        return rows

    async def rows_become(self, sql: str, expected: list[list[Any]]) -> None:
        """Wait until the store holds ``expected`` (the outbox records ``sent`` a moment after
        the peer's ``mt_ack``); the bound only ends a hung test."""
        async with asyncio.timeout(WAIT):
            while (rows := await asyncio.to_thread(self.rows, sql)) != expected:
                await asyncio.sleep(0.2)
        assert rows == expected

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{self.http}{path}", timeout=10) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()


def write_config(workdir: Path, folder: Path, port: int, http: int) -> Path:
    config = workdir / "twoway.yaml"
    config.write_text(
        f"store: {folder / 'twoway.db'}\n"
        f"rules: {REPO / 'rules'}\n"
        f'http: {{listen: "{HOST}:{http}"}}\n'
        "connectors:\n"
        f'  console: {{type: jsonl, listen: "{HOST}:{port}"}}\n'
        "numbers:\n"
        '  "36111": {connector: console}\n',
        encoding="utf-8",
    )
    return config


def mount(folder: Path, size: str, then: str = "") -> list[str]:
    return ["unshare", "-m", "sh", "-c", MOUNT.format(size=size, then=then), str(folder)]


@asynccontextmanager
async def engine_on_tmpfs(workdir: Path, size: str = "8m") -> AsyncIterator[Disk]:
    folder = workdir / "store"
    folder.mkdir()
    port, http = free_port(), free_port()
    engine = Engine(workdir, write_config(workdir, folder, port, http))
    try:
        await engine.start(port, prefix=mount(folder, size))
        yield Disk(engine, folder, port, http)
    finally:
        await engine.cleanup()


async def test_a_full_disk_refuses_mos_clearly_and_takes_them_once_space_is_back(
    tmp_path: Path,
) -> None:
    async with engine_on_tmpfs(tmp_path) as disk:
        client = await Client().connect(disk.port)
        client.send(mo("before", "+33600000001", "HOURS"))
        assert (await client.answer("before"))["type"] == "ack"
        await client.wait_for(lambda: len(client.mts()) == 1)

        disk.fill()
        for n in range(10):
            client.send(mo(f"m{n}", f"+3360000010{n}", "HOURS"))
        for n in range(10):
            refused = await client.answer(f"m{n}")
            assert refused["type"] == "nack"
            assert "database or disk is full" in refused["error"]
        status, body = await asyncio.to_thread(disk.get, "/health")
        health = json.loads(body)
        assert status == 503
        assert health["status"] == "degraded"
        assert any(p.startswith("the store cannot write: ") for p in health["problems"])
        _, metrics = await asyncio.to_thread(disk.get, "/metrics")
        assert sample(metrics, "twoway_store_up") == 0

        disk.free()
        for n in range(10):  # the peer sends them again, as it must after a nack
            client.send(mo(f"m{n}", f"+3360000010{n}", "HOURS"))
        for n in range(10):
            assert (await client.answer(f"m{n}"))["type"] == "ack"
        await client.wait_for(lambda: len(client.mts()) == 11)
        assert {mt["text"] for mt in client.mts()} == {HOURS}
        status, body = await asyncio.to_thread(disk.get, "/health")
        assert (status, json.loads(body)["status"]) == (200, "ok")
        _, metrics = await asyncio.to_thread(disk.get, "/metrics")
        assert sample(metrics, "twoway_store_up") == 1
        await disk.rows_become(
            "SELECT status, count(*) FROM outbox GROUP BY status", [["sent", 11]]
        )
        assert disk.rows("SELECT count(*) FROM inbound") == [[11]]
        await client.aclose()
    log = disk.engine.log()
    assert_clean(log)
    assert 1 <= log.count("cannot write") <= 4, log  # once a minute, not once per MO
    assert "the store writes again" in log


async def test_replies_delivered_while_the_disk_is_full_are_recorded_once_space_is_back(
    tmp_path: Path,
) -> None:
    async with engine_on_tmpfs(tmp_path) as disk:
        client = await Client(ack_mts=False).connect(disk.port)
        client.send(mo("m1", "+33600000001", "HOURS"))
        assert (await client.answer("m1"))["type"] == "ack"
        await client.wait_for(lambda: len(client.mts()) == 1)
        assert disk.rows("SELECT status FROM outbox") == [["sending"]]

        disk.fill()
        client.send({"type": "mt_ack", "ref": client.mts()[0]["ref"]})  # delivered now
        async with asyncio.timeout(WAIT):  # until the outbox has tried to record it
            status, body = await asyncio.to_thread(disk.get, "/health")
            while json.loads(body)["status"] == "ok":
                status, body = await asyncio.to_thread(disk.get, "/health")
        assert status == 503
        assert disk.rows("SELECT status FROM outbox") == [["sending"]]

        disk.free()
        await disk.rows_become("SELECT status FROM outbox", [["sent"]])  # no restart
        assert disk.engine.proc is not None and disk.engine.proc.returncode is None
        await client.aclose()
    assert_clean(disk.engine.log())


@pytest.mark.parametrize(
    ("prepare", "reason"),
    [
        (
            'touch "$0/twoway.db" && mount -o remount,ro "$0" &&',
            "attempt to write a readonly database",
        ),
        ('mount -o remount,ro "$0" &&', "Read-only file system"),
    ],
    ids=["read-only file", "read-only folder"],
)
async def test_a_store_that_cannot_be_written_stops_the_start_naming_its_file(
    tmp_path: Path, prepare: str, reason: str
) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    port, http = free_port(), free_port()
    engine = Engine(tmp_path, write_config(tmp_path, folder, port, http))
    try:
        await engine.launch(prefix=mount(folder, "1m", then=prepare))
        assert await engine.wait(WAIT) == 1
    finally:
        await engine.cleanup()
    log = engine.log()
    assert log.strip().splitlines()[-1] == (
        f"error: cannot open the store {folder / 'twoway.db'}: {reason}; the file and its "
        "folder must be writable by this user, on a disk with free space"
    )
    assert_clean(log)
    assert "serving" not in log
