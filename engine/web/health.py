"""Own the health report: what ``GET /health`` answers and ``twoway status`` prints.

``status`` is ``ok`` when the engine takes messages, the store writes, every connector's link is
up and the rule files compile; ``degraded`` otherwise, with one line per problem in ``problems``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from engine.config import Config
from engine.core.fileclock import FileClock
from engine.metrics import UP
from engine.service import Service
from engine.version import __version__

__all__ = ["RulesStatus", "health_report"]


class RulesStatus(Protocol):
    """What reloads the rules and can tell how it went (``engine.reload.Reloader``)."""

    def status(self) -> Mapping[str, Any]: ...


def health_report(
    service: Service, *, config: Config | None = None, reloader: RulesStatus | None = None
) -> dict[str, Any]:
    """The engine's health, JSON-ready."""
    metrics = service.metrics
    ruleset = service.ruleset
    loaded = metrics.rules_loaded_at
    rules: dict[str, Any] = {
        "version": ruleset.version,
        "files": len(ruleset.files),
        "flows": len(ruleset.flows),
        "loaded_at": loaded.isoformat() if loaded else None,
        "errors": metrics.rules_errors,
    }
    if reloader is not None:
        status = reloader.status()
        rules["path"] = status.get("rules")
        rules["watching"] = status.get("watching")
        rules["loaded_at"] = status.get("loaded_at", rules["loaded_at"])
        rules["reloads_ok"] = status.get("reloads_ok")
        rules["reloads_failed"] = status.get("reloads_failed")
        rules["errors"] = status.get("last_error") or rules["errors"]
    elif config is not None:
        rules["path"] = str(config.rules_path())
    types = {name: c.type for name, c in config.connectors.items()} if config else {}
    connectors: dict[str, dict[str, Any]] = {}
    for (name, state), transport in zip(
        service.links().items(), service.transports.values(), strict=True
    ):
        connectors[name] = {"type": types.get(name, type(transport).__name__), "state": state}
        details = getattr(transport, "details", None)
        if callable(details):  # a modem: PIN, registration, signal, operator
            connectors[name].update(details())
        error = transport.link_error
        if state != UP and error is not None:
            connectors[name]["error"] = error
    problems: list[str] = []
    if not service.accepting:
        problems.append("the engine is not taking messages (starting or stopping)")
    if service.store_problem is not None:
        problems.append(f"the store cannot write: {service.store_problem}")
    problems.extend(
        f"connector {name} is {info['state']}" + (f": {info['error']}" if "error" in info else "")
        for name, info in connectors.items()
        if info["state"] != UP
    )
    if rules["errors"]:
        problems.append("the rule files have errors: the previous rules are still serving")
    report: dict[str, Any] = {
        "status": "degraded" if problems else "ok",
        "problems": problems,
        "version": __version__,
        "started_at": metrics.started_at.isoformat(),
        "uptime_seconds": round(metrics.uptime_seconds(), 3),
        "rules": rules,
        "connectors": connectors,
        "queues": service.depths(),
    }
    if config is not None:
        report["store"] = config.store
    if isinstance(service.clock, FileClock):  # TWOWAY_TEST_CLOCK: never in production
        report["clock"] = "test"
        report["now"] = service.clock.now().isoformat()
    return report
