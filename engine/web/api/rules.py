"""Own the REST API's view of the rules: the rule set serving, since when, its flows and
campaigns, and the errors of the last load that failed (``engine.reload.Reloader``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import web

from engine.web.api.base import reply
from engine.web.api.schema import Route, meta

if TYPE_CHECKING:
    from engine.web.api.base import Api

__all__ = ["ROUTES", "RulesBody", "rendered_errors", "rules_body"]


@dataclass(frozen=True)
class RulesBody:
    """The rule set serving, and how its last load went."""

    version: str = field(metadata=meta("The version serving (a hash of the files)"))
    loaded_at: str | None = field(metadata=meta("When it was put in place", format="date-time"))
    files: int = field(metadata=meta("Rule files in it"))
    flows: list[str] = field(metadata=meta("Its flows' names (polls, surveys, … too)"))
    campaigns: list[str] = field(metadata=meta("Its campaigns' names"))
    path: str | None = field(metadata=meta("The rules folder"))
    watching: bool = field(metadata=meta("Whether a change to the files reloads them"))
    errors: list[str] = field(
        metadata=meta("The last load's errors, `file:line:col: error[E###]: message`; empty "
                      "when it succeeded (the set serving is then the one it loaded)")
    )  # fmt: skip


def rules_body(api: Api) -> RulesBody:
    """The rule set serving and how its last load went (the API's answer, the console's page)."""
    ruleset = api.ruleset()
    status = dict(api.reloader.status()) if api.reloader is not None else {}
    loaded = api.service.metrics.rules_loaded_at
    path = status.get("rules") or (str(api.config.rules_path()) if api.config else None)
    errors = list(status.get("last_errors") or [])
    if not status and api.service.metrics.rules_errors:  # no reloader: what the metrics saw
        errors = api.service.metrics.rules_errors.splitlines()
    return RulesBody(
        version=ruleset.version,
        loaded_at=status.get("loaded_at") or (loaded.isoformat() if loaded else None),
        files=len(ruleset.files),
        flows=sorted(n for n in ruleset.flows if n not in ruleset.campaigns),
        campaigns=sorted(ruleset.campaigns),
        path=path,
        watching=bool(status.get("watching")),
        errors=errors,
    )


def rendered_errors(api: Api) -> str | None:
    """The last load's errors as ``twoway check`` prints them (``file:line:col``, the line, a
    caret, a hint); None when it succeeded."""
    if api.reloader is not None:
        last = api.reloader.status().get("last_error")
        return str(last) if last else None
    return api.service.metrics.rules_errors


async def get_rules(api: Api, request: web.Request) -> web.Response:
    return reply(rules_body(api))


ROUTES = (
    Route("GET", "/rules", get_rules, "The rule set serving and the last load's errors",
          "read", None, RulesBody, 200, False, (401, 403)),
)  # fmt: skip
