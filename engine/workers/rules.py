"""Own the supervisor's hot reload: it watches the rule files (the workers do not), compiles
them once, and has every worker load that exact version (``control.reload_everywhere``) or
none.

A set with errors changes nobody (as with one process). A set that compiles is prepared in
every worker that is up; when one refuses (the files changed again meanwhile: it got another
version) all abort and the supervisor compiles again, a few times, then waits for the next
change. A worker that is down meanwhile compiles the files when it starts again; the supervisor
then checks the version it serves (``WorkersReloader.sync``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from engine.reload import Reloader
from engine.ruleset.ruleset import RuleSet
from engine.workers.client import WorkerClient
from engine.workers.control import reload_everywhere

__all__ = ["ATTEMPTS", "AgreedRules", "WorkersReloader"]

log = logging.getLogger("twoway.workers")

ATTEMPTS = 3
"""Rounds tried after one change before waiting for the next (each compiles the files anew)."""


class AgreedRules:
    """The rule set every worker serves (the reloader's target in the supervisor)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset

    def swap_ruleset(self, ruleset: RuleSet) -> RuleSet:
        previous, self.ruleset = self.ruleset, ruleset
        return previous


class WorkersReloader(Reloader):
    """``engine.reload.Reloader`` whose swap is a two-phase round across ``workers()`` (the
    (index, client) of the workers up)."""

    def __init__(
        self,
        path: str | Path,
        target: AgreedRules,
        workers: Callable[[], Sequence[tuple[int, WorkerClient]]],
        *,
        timezone: str | None = None,
    ) -> None:
        super().__init__(path, target, timezone=timezone)
        self.workers = workers

    async def reload(self, changed: Iterable[str] = ()) -> bool:
        """Compile; when clean, have every worker up load that version, or none of them."""
        async with self._lock:
            self.last_changed = tuple(changed)
            files = ", ".join(self.last_changed) or str(self.path)
            try:
                for _ in range(ATTEMPTS):
                    compiled = await self._compiled()
                    if compiled.errors or compiled.ruleset is None:
                        return self._apply(compiled, files)  # nobody changes
                    version = compiled.ruleset.version
                    outcome = await reload_everywhere(self.workers(), version)
                    if outcome.ok:
                        return self._apply(compiled, files)
                    log.warning(
                        "rules version %s not loaded by every worker, so by none: %s",
                        version,
                        "; ".join(outcome.refused),
                    )
                log.error(
                    "rules not reloaded after a change to %s: the workers did not agree "
                    "%d times; still serving version %s",
                    files,
                    ATTEMPTS,
                    self.version,
                )
                return False
            finally:
                self._progress.set()

    async def sync(self, index: int, serving: str | None) -> None:
        """Worker ``index`` (re)started serving version ``serving``: when it is not the agreed
        one (the files changed while it was down), agree on the files' version again."""
        if serving is not None and serving != self.version:
            log.info(
                "worker %d serves rules version %s, the others %s: reloading everywhere",
                index,
                serving,
                self.version,
            )
            await self.reload([f"(worker {index} started)"])
