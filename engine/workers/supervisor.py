"""Own the supervisor of ``workers: N`` (``twoway run`` with N ≥ 2): it checks once what one
engine checks at its start (the rules, the store's migrations, the addresses to listen on),
starts N worker processes, restarts one that exits without being asked (back-off: 1 s doubling
to 30 s, back to 1 s after a minute up), owns the public HTTP (``gateway``) and the rules'
reload (``rules``), and on SIGTERM or SIGINT stops the workers gracefully (SIGTERM, then
SIGKILL after ``STOP_TIMEOUT``) and returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.app import check_addresses
from engine.config import Config
from engine.ruleset.compiler import Compiled, compile_rules
from engine.store import SqliteStore
from engine.workers.aggregate import WorkerStatus
from engine.workers.client import WorkerClient, WorkerUnreachable
from engine.workers.gateway import Gateway
from engine.workers.plan import WorkerSpec, agreed_rules_in, private_dir, socket_of
from engine.workers.rules import AgreedRules, WorkersReloader

__all__ = ["FIRST_DELAY", "MAX_DELAY", "STABLE_AFTER", "STOP_TIMEOUT", "Supervisor", "supervise"]

log = logging.getLogger("twoway.workers")

FIRST_DELAY = 1.0
"""Seconds before a worker that exited is started again; doubled at each exit in a row."""
MAX_DELAY = 30.0
STABLE_AFTER = 60.0
"""A worker up this long before it exits is restarted after ``FIRST_DELAY`` again."""
STOP_TIMEOUT = 30.0
"""Seconds a worker has to drain and exit after SIGTERM before SIGKILL."""
READY_TIMEOUT = 60.0
"""The longest the public HTTP waits for the workers' first start before it opens anyway."""
POLL = 0.05


@dataclass
class Worker:
    """One worker process and what the supervisor knows of it."""

    spec: WorkerSpec
    client: WorkerClient
    proc: asyncio.subprocess.Process | None = None
    state: str = "starting"
    restarts: int = 0
    last_exit: str | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    def status(self) -> WorkerStatus:
        pid = self.proc.pid if self.proc is not None and self.proc.returncode is None else None
        return WorkerStatus(self.spec.index, pid, self.state, self.restarts, self.last_exit)


async def supervise(config: Config, command: Sequence[str]) -> None:
    """Run ``config.workers`` workers (``command`` + ``--worker I/N --worker-socket PATH``
    starts one) until SIGINT or SIGTERM."""
    await Supervisor(config, command).run()


class Supervisor:
    def __init__(self, config: Config, command: Sequence[str]) -> None:
        self.config = config
        self.command = tuple(command)
        self.workers: list[Worker] = []
        self.stopping = asyncio.Event()
        self.reloader: WorkersReloader | None = None

    def up(self) -> list[tuple[int, WorkerClient]]:
        """The (index, client) of the workers up: those a reload round asks."""
        return [(w.spec.index, w.client) for w in self.workers if w.state == "up"]

    def statuses(self) -> list[WorkerStatus]:
        return [w.status() for w in self.workers]

    async def run(self) -> None:
        compiled = await preflight(self.config)
        folder = private_dir(self.config)
        count = self.config.workers
        self.workers = [
            Worker(WorkerSpec(i, count, socket_of(folder, i)), WorkerClient(socket_of(folder, i)))
            for i in range(1, count + 1)
        ]
        agreed = AgreedRules(compiled, agreed_rules_in(folder))
        ruleset = agreed.ruleset
        self.reloader = WorkersReloader(
            self.config.rules_path(), agreed, self.up, timezone=self.config.timezone
        )
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stopping.set)
        keepers = [
            asyncio.create_task(self._keep(w), name=f"twoway-worker-{w.spec.index}")
            for w in self.workers
        ]
        gateway = Gateway(
            self.config, self.statuses, self.workers[0].client, self.up, self.reloader
        )
        try:
            await self._first_start()
            await gateway.start()
            if self.config.reload:
                await self.reloader.start()
            log.info(
                "twoway serving with %d workers (rules version %s), store %s, sockets in %s",
                count,
                ruleset.version,
                self.config.store,
                folder,
            )
            await self.stopping.wait()
            log.info("shutting down: stopping the workers")
        finally:
            self.stopping.set()
            await self.reloader.stop()
            await self._stop_workers()
            await asyncio.gather(*keepers, return_exceptions=True)
            await gateway.stop()
            for worker in self.workers:
                await worker.client.close()
        log.info("stopped")

    async def _first_start(self) -> None:
        """Wait (at most ``READY_TIMEOUT``) for every worker's first start, or a stop."""
        everyone: asyncio.Future[Any] = asyncio.gather(*(w.ready.wait() for w in self.workers))
        stop: asyncio.Future[Any] = asyncio.ensure_future(self.stopping.wait())
        await asyncio.wait(
            [everyone, stop], timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        everyone.cancel()
        stop.cancel()
        late = [w.spec.index for w in self.workers if not w.ready.is_set()]
        if late and not self.stopping.is_set():
            log.warning("workers %s are not up yet: the HTTP port opens anyway", late)

    async def _keep(self, worker: Worker) -> None:
        """Start ``worker``; start it again whenever it exits unasked, with back-off."""
        loop = asyncio.get_running_loop()
        delay = FIRST_DELAY
        while not self.stopping.is_set():
            started = loop.time()
            proc = await self._spawn(worker)
            watching = asyncio.create_task(self._watch_ready(worker))
            code = await proc.wait()
            watching.cancel()
            if self.stopping.is_set():
                worker.state = "stopped"
                return
            worker.state, worker.last_exit = "down", describe(code)
            if loop.time() - started >= STABLE_AFTER:
                delay = FIRST_DELAY
            log.error(
                "worker %d (pid %d) exited: %s; starting it again in %g s",
                worker.spec.index,
                proc.pid,
                worker.last_exit,
                delay,
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), delay)
            delay = min(delay * 2, MAX_DELAY)
            if not self.stopping.is_set():
                worker.restarts += 1

    async def _spawn(self, worker: Worker) -> asyncio.subprocess.Process:
        worker.state = "starting"
        spec = worker.spec
        proc = await asyncio.create_subprocess_exec(
            *self.command,
            "--worker",
            spec.label,
            "--worker-socket",
            str(spec.socket),
            stdin=asyncio.subprocess.PIPE,  # closed when the supervisor exits: the worker stops
            start_new_session=True,  # a Ctrl-C reaches the supervisor, which stops the workers
        )
        worker.proc = proc
        log.info("worker %d started: pid %d", spec.index, proc.pid)
        return proc

    async def _watch_ready(self, worker: Worker) -> None:
        """Poll the worker's /health until it answers: then it is up (and serves the agreed
        rules, or is brought to them)."""
        while True:
            try:
                _, report = await worker.client.get_json("/health", timeout=2.0)
                break
            except WorkerUnreachable:
                await asyncio.sleep(POLL)
        worker.state = "up"
        worker.ready.set()
        log.info("worker %d is up", worker.spec.index)
        if self.reloader is not None and isinstance(report, dict):
            await self.reloader.sync(worker.spec.index, (report.get("rules") or {}).get("version"))

    async def _stop_workers(self) -> None:
        alive = [w for w in self.workers if w.proc is not None and w.proc.returncode is None]
        for worker in alive:
            worker.state = "stopping"
            with contextlib.suppress(ProcessLookupError):
                worker.proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        waits = [w.proc.wait() for w in alive if w.proc is not None]
        try:
            await asyncio.wait_for(asyncio.gather(*waits), STOP_TIMEOUT)
        except TimeoutError:
            for worker in alive:
                if worker.proc is not None and worker.proc.returncode is None:
                    log.warning(
                        "worker %d did not stop in %g s: killing it",
                        worker.spec.index,
                        STOP_TIMEOUT,
                    )
                    worker.proc.kill()
            await asyncio.gather(*(w.proc.wait() for w in alive if w.proc is not None))


def describe(code: int) -> str:
    """``exit status 1`` or ``killed by SIGKILL`` (asyncio gives a signal as -N)."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
        return f"killed by signal {-code}"
    return f"exit status {code}"


async def preflight(config: Config) -> Compiled:
    """What one engine checks at its start, checked once: the rules compile (RuleErrors),
    the store opens and is migrated, the addresses to listen on are free (ConfigError)."""
    compiled = compile_rules(config.rules_path(), timezone=config.timezone)
    compiled.raise_for_errors()
    store = SqliteStore(config.store)
    await store.open()  # migrations once, before any worker opens it
    await store.close()
    wanted = [("/health and /metrics", "http.listen", config.http.listen)]
    for name, connector in config.connectors.items():
        if connector.type == "jsonl":
            address = str(connector.options.get("listen", "127.0.0.1:2776"))
            wanted.append((f"connector {name}", f"connectors.{name}.listen", address))
    await check_addresses(wanted)
    return compiled
