"""Own the plan of a deployment of workers: who each worker is (``WorkerSpec``), which
connectors it runs, and where the private sockets of the workers are.

Every ``smpp`` connector runs in every worker (its own binds, the same credentials: the SMSC
spreads MOs over them); the single-owner connectors (``jsonl``, ``modem``, ``http``), the timers
and the campaigns run in worker 1, the front worker, which also serves the API and console.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from engine.config import Config, NumberConfig
from engine.errors import ConfigError
from engine.store.claims import Owner

__all__ = ["EVERY_WORKER", "WorkerSpec", "agreed_rules_in", "private_dir", "worker_config"]

EVERY_WORKER = frozenset({"smpp"})
"""The connector types each worker runs a copy of; the others run in worker 1 only."""

_SOCKET_PATH_MAX = 100
"""A Unix socket's path is at most 107 bytes (sun_path); keep a margin."""


@dataclass(frozen=True)
class WorkerSpec:
    """One worker: ``index`` (1 … ``count``) and the Unix socket of its private HTTP."""

    index: int
    count: int
    socket: Path

    @property
    def front(self) -> bool:
        """Worker 1: the single-owner connectors, the timers, campaigns, API and console."""
        return self.index == 1

    @property
    def label(self) -> str:
        return f"{self.index}/{self.count}"

    @property
    def agreed_rules(self) -> Path:
        """The rule files every worker serves, as the supervisor keeps them beside the sockets
        (``workers.rules``): what a (re)started worker serves when the files do not compile."""
        return agreed_rules_in(self.socket.parent)

    def owner(self) -> Owner:
        """The owner of this worker's claims in the store (outbox rows, notifications; timers and
        campaign sends are taken inside their transaction): unique per process start, so that a
        restarted worker never takes for its own a lease its previous life held, and marked with
        the worker's number for the people who read it."""
        return Owner(f"{Owner.new().name}:w{self.index}")

    @classmethod
    def parse(cls, text: str, path: Path) -> WorkerSpec:
        """``1/2`` (worker 1 of 2), as the supervisor writes it on the command line."""
        index, sep, count = text.partition("/")
        if not (sep and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
            raise ConfigError(f"--worker wants INDEX/COUNT like 1/2, not {text!r}")
        return cls(int(index), int(count), path)


def private_dir(config: Config) -> Path:
    """The folder of the workers' sockets, beside the store (``twoway.db.workers``), mode
    0700: only this user can talk to a worker. A path too long for a Unix socket falls back
    to a private temporary folder."""
    store = Path(config.store)
    folder = store.with_name(store.name + ".workers")
    if len(str(folder / "w000.sock").encode()) > _SOCKET_PATH_MAX:
        return Path(tempfile.mkdtemp(prefix="twoway-workers-"))
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise ConfigError(f"cannot make {folder} for the workers' sockets: {reason}") from exc
    return folder


def socket_of(folder: Path, index: int) -> Path:
    return folder / f"w{index}.sock"


def worker_config(config: Config, spec: WorkerSpec) -> Config:
    """What worker ``spec`` runs of ``config``: its connectors and their numbers, no watching
    of the rule files (the supervisor watches them and tells every worker)."""
    connectors = {
        name: connector
        for name, connector in config.connectors.items()
        if spec.front or connector.type in EVERY_WORKER
    }
    numbers = {
        address: _share(number, connectors[number.connector].type, spec.count)
        for address, number in config.numbers.items()
        if number.connector in connectors
    }
    return dataclasses.replace(config, reload=False, connectors=connectors, numbers=numbers)


def _share(number: NumberConfig, kind: str, workers: int) -> NumberConfig:
    """A number every worker sends from keeps its ``throughput`` in all: each worker's outbox
    paces its own sends at ``throughput / workers``."""
    if number.throughput is None or kind not in EVERY_WORKER:
        return number
    return dataclasses.replace(number, throughput=number.throughput / workers)


def agreed_rules_in(folder: Path) -> Path:
    """The file of the agreed rules in the workers' private folder."""
    return folder / "rules-agreed.json"
