"""Own the two-phase rules reload across workers: every worker serves the same rule-set
version, swapped everywhere or nowhere.

The supervisor compiles the rule files once; when they compile it asks every worker to
``prepare`` that version (``POST /_worker/rules/prepare``: the worker compiles the same files
and holds the result; it refuses when it gets another version — the files changed again
meanwhile — or errors). Only when every worker holds the version does it ``commit`` everywhere
(the swap: one attribute assignment in each); otherwise it tells every worker to ``abort``
(nobody changes). ``RulesControl`` is the worker's side, ``reload_everywhere`` the supervisor's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import web

from engine.config import Config
from engine.ruleset.compiler import compile_rules
from engine.ruleset.ruleset import RuleSet
from engine.service import Service
from engine.workers.client import WorkerClient, WorkerUnreachable

__all__ = ["ABORT", "COMMIT", "PREPARE", "Round", "RulesControl", "reload_everywhere"]

log = logging.getLogger("twoway.workers")

PREPARE = "/_worker/rules/prepare"
COMMIT = "/_worker/rules/commit"
ABORT = "/_worker/rules/abort"


class RulesControl:
    """A worker's side: compile and hold a version (``prepare``), swap it in (``commit``), or
    drop it (``abort``). Served on the worker's private socket only."""

    def __init__(self, service: Service, config: Config, *, counts: bool) -> None:
        self.service = service
        self.config = config
        self.counts = counts
        """Count the reload in this worker's metrics (worker 1 only: the sum counts it once)."""
        self.held: RuleSet | None = None

    def add_to(self, app: web.Application) -> None:
        app.router.add_post(PREPARE, self.prepare)
        app.router.add_post(COMMIT, self.commit)
        app.router.add_post(ABORT, self.abort)

    async def prepare(self, request: web.Request) -> web.Response:
        version = str((await request.json()).get("version", ""))
        self.held = None
        compiled = await asyncio.to_thread(
            compile_rules, self.config.rules_path(), timezone=self.config.timezone
        )
        if compiled.errors or compiled.ruleset is None:
            return _answer(409, f"the rule files have {len(compiled.errors)} error(s)")
        if compiled.ruleset.version != version:
            got = compiled.ruleset.version
            return _answer(409, f"the rule files compile to version {got}, not {version}")
        self.held = compiled.ruleset
        return _answer(200, f"holding version {version}")

    async def commit(self, request: web.Request) -> web.Response:
        version = str((await request.json()).get("version", ""))
        held, self.held = self.held, None
        if held is None or held.version != version:
            return _answer(409, f"not holding version {version}")
        if self.service.ruleset.version != version:
            previous = self.service.swap_ruleset(held)
            log.info(
                "rules reloaded: version %s (%d flows), was %s",
                version,
                len(held.flows),
                previous.version,
            )
            if self.counts:
                self.service.metrics.reload(True, None, version)
            self.service.changed("rules")
        return _answer(200, f"serving version {version}")

    async def abort(self, request: web.Request) -> web.Response:
        self.held = None
        return _answer(200, "nothing held")


def _answer(status: int, detail: str) -> web.Response:
    return web.json_response({"ok": status == 200, "detail": detail}, status=status)


@dataclass(frozen=True)
class Round:
    """How a reload across workers went: ``ok`` when every worker now serves ``version``;
    ``refused`` says which worker did not hold it and why."""

    version: str
    ok: bool
    refused: tuple[str, ...] = ()


async def reload_everywhere(workers: Sequence[tuple[int, WorkerClient]], version: str) -> Round:
    """Prepare ``version`` in every worker of ``workers`` ((index, client)); commit it
    everywhere when all hold it, abort everywhere otherwise."""
    asked = {"version": version}
    answers = await asyncio.gather(*(_ask(c, PREPARE, asked) for _, c in workers))
    refused = tuple(
        f"worker {index}: {detail}"
        for (index, _), (ok, detail) in zip(workers, answers, strict=True)
        if not ok
    )
    if refused:
        await asyncio.gather(*(_ask(c, ABORT, asked) for _, c in workers))
        return Round(version, False, refused)
    answers = await asyncio.gather(*(_ask(c, COMMIT, asked) for _, c in workers))
    failed = tuple(
        f"worker {index}: {detail}"
        for (index, _), (ok, detail) in zip(workers, answers, strict=True)
        if not ok
    )
    # A worker that cannot commit now has died between the phases: it compiles the files
    # again when it is restarted, and the supervisor checks the version it then serves.
    return Round(version, not failed, failed)


async def _ask(client: WorkerClient, path: str, data: dict[str, str]) -> tuple[bool, str]:
    try:
        status, answer = await client.post_json(path, data)
    except WorkerUnreachable as exc:
        return False, f"unreachable ({exc})"
    detail = str(answer.get("detail", "")) if isinstance(answer, dict) else ""
    return status == 200, detail or f"HTTP {status}"
