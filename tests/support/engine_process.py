"""The engine as a child process (``python -m engine run --config …``) and its configuration.

Shared by the reliability, reload and robustness tests: each start logs to its own file,
teardown never leaves an engine running.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from tests.support.jsonl_peer import free_port, wait_for_port

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
STARTUP_TIMEOUT = 20.0


def write_config(
    workdir: Path,
    rules: Path,
    connector: str,
    port: int,
    options: Mapping[str, object] | None = None,
    http: Mapping[str, object] | None = None,
) -> Path:
    """Write a twoway.yaml: store in ``workdir``, a jsonl connector on ``port`` (``options``,
    JSON values, are more keys of it), HTTP on a free port (not the default 8080: it may be
    taken) with ``http``, more keys of its section (``http_address`` reads it back)."""
    config = workdir / "twoway.yaml"
    extra = "".join(f"    {key}: {json.dumps(value)}\n" for key, value in (options or {}).items())
    more = "".join(f", {key}: {json.dumps(value)}" for key, value in (http or {}).items())
    config.write_text(
        f"store: {workdir / 'twoway.db'}\n"
        f"rules: {rules}\n"
        f'http: {{listen: "{HOST}:{free_port()}"{more}}}\n'
        "connectors:\n"
        f"  {connector}:\n"
        "    type: jsonl\n"
        f'    listen: "{HOST}:{port}"\n' + extra,
        encoding="utf-8",
    )
    return config


def http_address(config: Path) -> tuple[str, int]:
    """The host and port of /health and /metrics in a twoway.yaml written by ``write_config``."""
    http = yaml.safe_load(config.read_text(encoding="utf-8")).get("http") or {}
    listen = http.get("listen", "127.0.0.1:8080")
    host, _, port = str(listen).rpartition(":")
    return host, int(port)


CLOCK_ENV = "TWOWAY_TEST_CLOCK"


def set_clock(path: Path, when: datetime | str, speed: float | None = None) -> None:
    """Write the test clock's file ``path`` at once (a temporary file, then ``os.replace``): the
    engine never reads half a time. ``when``: an aware datetime or the file's text itself."""
    text = when if isinstance(when, str) else when.isoformat()
    if speed is not None:
        text += f" x{speed:g}"
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text + "\n", encoding="utf-8")
    os.replace(temporary, path)


class Engine:
    """``python -m engine run --config …`` as a child process; each start logs to its own file."""

    def __init__(self, workdir: Path, config: Path) -> None:
        self.workdir = workdir
        self.config = config
        self.proc: asyncio.subprocess.Process | None = None
        self.runs = 0

    @property
    def log_path(self) -> Path:
        return self.workdir / f"engine-{self.runs}.log"

    async def start(self, port: int, **options: Any) -> float:
        """Start the engine; return the seconds until its port accepts connections.

        ``options`` go to ``launch`` (``clock_file``: run on the test clock of that file)."""
        started = time.monotonic()
        proc = await self.launch(**options)
        await wait_for_port(HOST, port, STARTUP_TIMEOUT, lambda: proc.returncode is None)
        took = time.monotonic() - started
        # /health starts last: once it answers, everything has started
        host, http = http_address(self.config)
        await wait_for_port(host, http, STARTUP_TIMEOUT, lambda: proc.returncode is None)
        return took

    async def launch(
        self,
        *args: str,
        preexec_fn: Callable[[], None] | None = None,
        prefix: Sequence[str] = (),
        clock_file: Path | None = None,
    ) -> asyncio.subprocess.Process:
        """Start ``python -m engine run --config … ARGS`` without waiting for anything (a test of
        a start that fails waits for the exit); ``preexec_fn`` runs in the child (rlimits);
        ``prefix`` is a command that ``exec``s the rest (``unshare -m sh -c …``); ``clock_file``:
        ``TWOWAY_TEST_CLOCK`` names it (write it first, with ``set_clock``)."""
        self.runs += 1
        env = {**os.environ, "PYTHONPATH": str(REPO)}  # this tree's engine, not another
        env.pop(CLOCK_ENV, None)
        if clock_file is not None:
            env[CLOCK_ENV] = str(clock_file)
        with self.log_path.open("wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                *prefix,
                sys.executable,
                "-m",
                "engine",
                "run",
                "--config",
                str(self.config),
                *args,
                cwd=self.workdir,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
                preexec_fn=preexec_fn,
            )
        return self.proc

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)

    async def wait(self, timeout: float) -> int:
        assert self.proc is not None
        return await asyncio.wait_for(self.proc.wait(), timeout)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def cleanup(self) -> None:
        """Teardown: never leave an engine running, whatever happened to the test."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
