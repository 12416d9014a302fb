"""Own the list of the REST API's routes: every resource's, and the OpenAPI document's own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from engine.web.api import campaigns, contacts, conversations, inbox, messages, results, rules
from engine.web.api.schema import Route, openapi

if TYPE_CHECKING:
    from engine.web.api.base import Api

__all__ = ["ROUTES", "document"]


async def document(api: Api, request: web.Request) -> web.Response:
    return web.json_response(openapi(ROUTES))


ROUTES: tuple[Route, ...] = (
    *messages.ROUTES,
    *inbox.ROUTES,
    *conversations.ROUTES,
    *contacts.ROUTES,
    *campaigns.ROUTES,
    *results.ROUTES,
    *rules.ROUTES,
    Route("GET", "/openapi.json", document, "This OpenAPI document"),
)
