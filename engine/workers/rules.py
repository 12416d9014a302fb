"""Own the supervisor's hot reload: it watches the rule files (the workers do not), compiles
them once, and has every worker load that exact version (``control.reload_everywhere``) or
none.

A set with errors changes nobody (as with one process). A set that compiles is prepared in
every worker that is up; when one refuses (the files changed again meanwhile: it got another
version) all abort and the supervisor compiles again, a few times, then waits for the next
change. A worker that is down meanwhile compiles the files when it starts again; the supervisor
then checks the version it serves (``WorkersReloader.sync``).

The supervisor keeps the texts of the agreed version in its private folder (``AgreedRules``,
``rules-agreed.json``, mode 0600): a worker that (re)starts while the files have errors (an
analyst saved a broken file, and then a worker died) serves that version, the one the others
serve, rather than failing to start again and again (``worker_ruleset``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from engine.errors import RuleErrors
from engine.reload import Reloader
from engine.ruleset.compiler import Compiled, compile_rules, compile_sources
from engine.ruleset.ruleset import RuleSet
from engine.store.files import replaced_privately
from engine.workers.client import WorkerClient
from engine.workers.control import reload_everywhere

__all__ = ["ATTEMPTS", "AgreedRules", "WorkersReloader", "worker_ruleset"]

log = logging.getLogger("twoway.workers")

ATTEMPTS = 3
"""Rounds tried after one change before waiting for the next (each compiles the files anew)."""


class AgreedRules:
    """The rule set every worker serves (the reloader's target in the supervisor), and its
    files' texts, kept in ``path`` for a worker that starts while the files have errors."""

    def __init__(self, compiled: Compiled, path: Path) -> None:
        self.ruleset = compiled.raise_for_errors()
        self.path = path
        self.keep(compiled)

    def swap_ruleset(self, ruleset: RuleSet) -> RuleSet:
        previous, self.ruleset = self.ruleset, ruleset
        return previous

    def keep(self, compiled: Compiled) -> None:
        """Write the texts of ``compiled``, the version now agreed, to ``path`` (replaced at
        once: a worker starting meanwhile reads the old version or the new one)."""
        if compiled.ruleset is None or compiled.ruleset.version != self.ruleset.version:
            return
        kept = {"version": self.ruleset.version, "sources": compiled.sources}
        try:
            with replaced_privately(self.path) as partial:
                partial.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
        except OSError as exc:  # a worker that starts on broken files then fails, as before
            log.warning("cannot keep the agreed rules in %s: %s", self.path, exc)


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

    def _apply(self, compiled: Compiled, files: str) -> bool:
        applied = super()._apply(compiled, files)
        if applied:
            assert isinstance(self.target, AgreedRules)
            self.target.keep(compiled)
        return applied

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


def worker_ruleset(rules: Path, agreed: Path, timezone: str | None) -> RuleSet:
    """The rule set a worker starts with: the files' (``rules``), or, when they do not compile,
    the version the supervisor agreed with the other workers (``agreed``, see ``AgreedRules``);
    RuleErrors, the files', when there is none to read."""
    compiled = compile_rules(rules, timezone=timezone)
    if compiled.ruleset is not None and not compiled.errors:
        return compiled.ruleset
    kept = _agreed(agreed, timezone)
    if kept is None:
        raise RuleErrors(compiled.errors, compiled.sources)
    log.warning(
        "the rule files have %d error(s) (the supervisor reports them): serving version %s, "
        "the one the other workers serve",
        len(compiled.errors),
        kept.version,
    )
    return kept


def _agreed(path: Path, timezone: str | None) -> RuleSet | None:
    """The agreed rule set kept in ``path``, or None (none kept, unreadable, or not the version
    it says)."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        sources = kept["sources"]
        version = kept["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(sources, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in sources.items()
    ):
        return None
    compiled = compile_sources(sources, timezone=timezone)
    if compiled.errors or compiled.ruleset is None or compiled.ruleset.version != version:
        return None
    return compiled.ruleset
