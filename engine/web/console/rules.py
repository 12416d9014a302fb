"""Own the console's rules page (``/rules``): the rule set in force (its version, since when,
its files, the folder watched), the last load's errors as ``twoway check`` prints them
(``file:line:col``, the line, a caret, a hint), and each flow's states drawn from the compiled
rule set (``engine.web.console.diagram``), with the same ways listed as text.

It reads what the REST API's ``GET /api/v1/rules`` reads (``engine.web.api.rules``). The page
keeps the console's event stream open: after every compile the reloader says ``rules``
(``Service.changed``), and the page fetches ``/rules/part`` again, so a broken file saved while
it is open shows its errors without a reload, and a fixed one the new version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from engine.web.api.rules import rendered_errors, rules_body
from engine.web.console.auth import Session
from engine.web.console.diagram import ENTRY, EXIT, draw, edges_of

if TYPE_CHECKING:
    from engine.web.console import Console, Handler

__all__ = ["KINDS", "ROUTES"]

KINDS = ("autoreply", "poll", "survey", "flow")
"""The kinds of flow the page names (``{{ _(flow.kind) }}``: their French is in
``engine.i18n.console``)."""


def _view(console: Console) -> dict[str, Any]:
    ruleset = console.service.ruleset
    body = rules_body(console.api)
    folder = body.path.rstrip("/") + "/" if body.path else ""
    flows = []
    for number, name in enumerate(sorted(ruleset.flows)):
        flow = ruleset.flows[name]
        flows.append(
            {
                "flow": flow,
                "campaign": name in ruleset.campaigns,
                "file": flow.file.removeprefix(folder) if folder else flow.file,
                "drawing": draw(flow, number),
                "edges": edges_of(flow),
            }
        )
    return {"rules": body, "errors": rendered_errors(console.api), "flows": flows,
            "entry": ENTRY, "exit": EXIT}  # fmt: skip


async def rules_page(console: Console, request: web.Request, session: Session) -> Any:
    return console.render(request, "rules.html", session, **_view(console))


async def rules_part(console: Console, request: web.Request, session: Session) -> Any:
    """What the open page fetches again when the rules change."""
    return console.render(request, "_rules.html", session, **_view(console))


ROUTES: tuple[tuple[str, str, Handler, str], ...] = (
    ("GET", "/rules", rules_page, "page"),
    ("GET", "/rules/part", rules_part, "json"),
)
