"""Own hot reload: watch the rules folder, compile the whole rule set, swap it in when it is clean.

A save of a rule file (``*.yaml``/``*.yml``; editor temp files and ``*.test.yaml`` are ignored)
wakes the watcher (``watchfiles.awatch``: a burst of saves is grouped). The whole folder is then
compiled in a worker thread, so the event loop keeps serving meanwhile, and:

- when it compiles with no error, the new ``RuleSet`` replaces the old one in one attribute
  assignment (``target.swap_ruleset``): the processor reads the rule set once per batch, so a
  message is handled wholly by the old set or wholly by the new one, never by a half-loaded set;
- when it does not, nothing changes: the previous rule set keeps serving, and the rendered
  errors (``file:line:col``, the line, a caret, a hint) are logged and kept in ``errors`` and
  ``status()`` until a later save compiles.

Either way ``on_changed`` is then called (``Service.changed("rules")``: the console's rules
page shows the new version, or the errors, without a reload).

Saves made while a compile runs are not lost: they trigger one more compile once it is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from watchfiles import Change, awatch

from engine.core.clock import Clock, SystemClock
from engine.errors import RuleError, render_all
from engine.ruleset.compiler import Compiled, compile_rules
from engine.ruleset.ruleset import RuleSet

__all__ = ["DEBOUNCE_MS", "STEP_MS", "Reloader", "RulesHolder", "is_rule_file"]

log = logging.getLogger(__name__)

DEBOUNCE_MS = 400
"""The longest a burst of file changes is grouped before a compile starts anyway."""
STEP_MS = 50
"""A change is acted on once no new change came for this long (so a save costs 50-100 ms)."""

_EDITOR_TEMP_SUFFIXES = (".swp", ".swo", ".swx", "~", ".tmp", ".bak", ".orig")
_EDITOR_TEMP_NAMES = frozenset({"4913"})  # vim's probe file


class RulesHolder(Protocol):
    """What the reloader swaps rule sets into (``engine.service.Service``)."""

    @property
    def ruleset(self) -> RuleSet: ...

    def swap_ruleset(self, ruleset: RuleSet) -> RuleSet: ...


def is_rule_file(path: str | Path) -> bool:
    """Whether a change to ``path`` can change the rule set (editor temp files cannot)."""
    name = Path(path).name
    if name.startswith(".#") or name in _EDITOR_TEMP_NAMES or name.endswith(_EDITOR_TEMP_SUFFIXES):
        return False
    if name.endswith((".test.yaml", ".test.yml")):
        return False  # conversation tests: never part of the rule set
    return name.endswith((".yaml", ".yml"))


class Reloader:
    """Watch ``path`` (a rules folder, or one rule file) and swap clean rule sets into ``target``.

    ``start()`` after the service has started, ``stop()`` before it stops. ``reload()`` compiles
    and swaps at once (a test, a signal handler or an API may call it). ``status()`` is the summary
    for ``twoway status`` and ``/health``.
    """

    def __init__(
        self,
        path: str | Path,
        target: RulesHolder,
        *,
        timezone: str | None = None,
        debounce_ms: int = DEBOUNCE_MS,
        step_ms: int = STEP_MS,
        force_polling: bool | None = None,
        clock: Clock | None = None,
        compiler: Callable[..., Compiled] = compile_rules,
        on_reload: Callable[[bool, str | None, str | None], None] | None = None,
        on_failed: Callable[[Sequence[RuleError]], Awaitable[None]] | None = None,
        on_changed: Callable[[], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.on_changed = on_changed
        """Called after every compile, once the new set serves or the errors are kept (the
        console's ``rules`` change: ``Service.changed``)."""
        self.on_reload = on_reload
        """Told (ok, rendered errors, version) after every compile, e.g. ``Metrics.reload``."""
        self.on_failed = on_failed
        """Awaited with the errors of a compile that failed (the ``rules_failed``
        notification)."""
        self.target = target
        self.timezone = timezone
        self.debounce_ms = debounce_ms
        self.step_ms = step_ms
        self.force_polling = force_polling
        self.clock = clock or SystemClock()
        self._compiler = compiler
        self.loaded_at: datetime = self.clock.now()
        """When the rule set now serving was put in place (for the first: when we started)."""
        self.reloads_ok = 0
        """Compiles with no error (swapped in, or identical to the set already serving)."""
        self.reloads_failed = 0
        """Compiles with errors: nothing was swapped."""
        self.compiles = 0
        self.last_compile_seconds: float | None = None
        self.last_reload_at: datetime | None = None
        self.last_changed: tuple[str, ...] = ()
        """The names of the files whose change led to the last compile."""
        self.failed_at: datetime | None = None
        self.rule_errors: tuple[RuleError, ...] = ()
        """The errors of the last compile, if it failed; empty once a compile succeeds."""
        self.errors: str | None = None
        """``rule_errors`` rendered as ``twoway check`` prints them; None when there are none."""
        self.watching = False
        self._changed: set[str] = set()
        self._dirty = asyncio.Event()
        self._progress = asyncio.Event()
        self._stop = asyncio.Event()
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []

    # --- what others read ---------------------------------------------------------------------

    @property
    def version(self) -> str:
        return self.target.ruleset.version

    def status(self) -> dict[str, Any]:
        """A JSON-ready summary: the version serving, since when, and how reloads went."""
        rs = self.target.ruleset
        return {
            "rules": str(self.path),
            "watching": self.watching,
            "version": rs.version,
            "flows": len(rs.flows),
            "files": len(rs.files),
            "loaded_at": self.loaded_at.isoformat(),
            "reloads_ok": self.reloads_ok,
            "reloads_failed": self.reloads_failed,
            "last_reload_at": _iso(self.last_reload_at),
            "last_changed": list(self.last_changed),
            "last_compile_seconds": self.last_compile_seconds,
            "last_error": self.errors,
            "last_error_count": len(self.rule_errors),
            "last_errors": [_one_line(error) for error in self.rule_errors],
            "failed_at": _iso(self.failed_at),
        }

    async def wait_until(self, predicate: Callable[[], bool], timeout: float | None = None) -> None:
        """Return once ``predicate()`` holds; it is re-checked after every compile."""
        async with asyncio.timeout(timeout):
            while not predicate():
                self._progress.clear()
                await self._progress.wait()

    # --- life cycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Start watching; returns once the watch is in place (a save from now on is seen)."""
        if self._tasks:
            return
        folder = self.path if self.path.is_dir() else self.path.parent
        if not folder.is_dir():
            log.warning("hot reload is off: %s is not a folder", folder)
            return
        only = None if self.path.is_dir() else self.path.name
        quiet = logging.getLogger("watchfiles.main")  # "1 change detected": we log our own line
        if quiet.level == logging.NOTSET:
            quiet.setLevel(logging.WARNING)
        self._stop.clear()
        watch = asyncio.create_task(self._watch(folder, only), name="twoway-reload-watch")
        self._tasks = [watch, asyncio.create_task(self._compile_loop(), name="twoway-reload")]
        # The watch task creates its watcher before its first wait: one turn of the loop runs it.
        await asyncio.sleep(0)
        self.watching = not watch.done()
        if self.watching:
            log.info("hot reload: watching %s", self.path)

    async def stop(self) -> None:
        """Stop watching; a compile in progress is abandoned (nothing is swapped)."""
        self._stop.set()
        tasks, self._tasks = self._tasks, []
        if not tasks:
            return
        watch = tasks[0]
        # The watcher's thread sees the stop event within one step; cancel if it does not.
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(watch), 5 * self.step_ms / 1000 + 1)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.watching = False

    async def _watch(self, folder: Path, only: str | None) -> None:
        def keep(change: Change, path: str) -> bool:
            return Path(path).name == only if only is not None else is_rule_file(path)

        try:
            async for changes in awatch(
                folder,
                watch_filter=keep,
                debounce=self.debounce_ms,
                step=self.step_ms,
                stop_event=self._stop,
                recursive=False,
                force_polling=self.force_polling,
            ):
                self._changed.update(Path(path).name for _, path in changes)
                self._dirty.set()
        except Exception:
            log.exception("hot reload stopped: cannot watch %s", folder)
        finally:
            self.watching = False

    async def _compile_loop(self) -> None:
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            changed, self._changed = sorted(self._changed), set()
            try:
                await self.reload(changed)
            except Exception:  # never let a bug end hot reload; the next save tries again
                log.exception("hot reload: the reload after a change to %s failed", changed)

    # --- compile and swap ---------------------------------------------------------------------

    async def reload(self, changed: Iterable[str] = ()) -> bool:
        """Compile the whole rule set now; swap it in if it has no error. Return whether it had
        none (an identical rule set is not swapped, but counts as a success)."""
        async with self._lock:
            self.last_changed = tuple(changed)
            try:
                files = ", ".join(self.last_changed) or str(self.path)
                ok = self._apply(await self._compiled(), files)
                self._tell_changed()
                if not ok and self.on_failed is not None:
                    await self._tell_failed()
                return ok
            finally:
                self._progress.set()

    def _tell_changed(self) -> None:
        if self.on_changed is None:
            return
        try:
            self.on_changed()
        except Exception:
            log.exception("hot reload: telling of the reload failed")

    async def _tell_failed(self) -> None:
        assert self.on_failed is not None
        try:
            await self.on_failed(self.rule_errors)
        except Exception:
            log.exception("hot reload: telling of the failed reload failed")

    async def _compiled(self) -> Compiled:
        started = time.perf_counter()
        compiled = await asyncio.to_thread(self._compiler, self.path, timezone=self.timezone)
        self.compiles += 1
        self.last_compile_seconds = round(time.perf_counter() - started, 4)
        self.last_reload_at = self.clock.now()
        return compiled

    def _apply(self, compiled: Compiled, files: str) -> bool:
        ruleset = compiled.ruleset
        if compiled.errors or ruleset is None:
            self._failed(compiled, files)
            return False
        self.reloads_ok += 1
        self.rule_errors, self.errors = (), None
        if self.on_reload is not None:
            self.on_reload(True, None, ruleset.version)
        if ruleset.version == self.target.ruleset.version:
            log.info("rules unchanged after a change to %s: version %s", files, ruleset.version)
            return True
        previous = self.target.swap_ruleset(ruleset)
        self.loaded_at = self.last_reload_at or self.clock.now()
        log.info(
            "rules reloaded: version %s (%d flows), was %s; compiled in %.3f s "
            "after a change to %s",
            ruleset.version,
            len(ruleset.flows),
            previous.version,
            self.last_compile_seconds,
            files,
        )
        return True

    def _failed(self, compiled: Compiled, files: str) -> None:
        self.reloads_failed += 1
        self.failed_at = self.last_reload_at
        self.rule_errors = tuple(sorted(compiled.errors, key=RuleError.sort_key))
        self.errors = render_all(self.rule_errors, compiled.sources)
        if self.on_reload is not None:
            self.on_reload(False, self.errors, None)
        log.error(
            "rules not reloaded after a change to %s: %d error(s); still serving version %s\n%s",
            files,
            len(self.rule_errors),
            self.target.ruleset.version,
            self.errors.rstrip("\n"),
        )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _one_line(error: RuleError) -> str:
    """``file:line:col: error[E###]: message`` (no source line, no caret)."""
    where = f"{error.span}: " if error.span else ""
    return f"{where}error[{error.code}]: {error.message}"
