"""Own the REST API's OpenAPI 3.1 document and how a model becomes JSON Schema.

The request and response models are dataclasses beside their handlers (``messages``, ``inbox``,
…): ``schema_of`` turns one into JSON Schema (2020-12), which both validates the requests
(``problems.parse``, with jsonschema) and goes into the document (``openapi``, served at
``GET /api/v1/openapi.json``), so the document cannot drift from the code. A ``Route`` names
its handler, scope and models; ``routes.ROUTES`` lists them and the API registers exactly those.
"""

from __future__ import annotations

import types
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import date, datetime
from typing import Any, Union, get_args, get_origin, get_type_hints

from engine.version import __version__

__all__ = [
    "ADDRESS",
    "PHONE",
    "PREFIX",
    "PROBLEM_TYPE",
    "TITLES",
    "FieldError",
    "Problem",
    "Query",
    "Route",
    "dump",
    "meta",
    "openapi",
    "schema_of",
]

PREFIX = "/api/v1"
ADDRESS = r"^(\+[1-9][0-9]{6,14}|[0-9]{3,8})$"
PROBLEM_TYPE = "application/problem+json"


def meta(description: str, **schema: Any) -> dict[str, Any]:
    """A field's JSON Schema keywords (``json``: its name in JSON, when not the field's)."""
    return {"description": description, **schema}


PHONE = "an E.164 number (+33612345678) or a short code (36111)"


@dataclass(frozen=True)
class FieldError:
    """One invalid part of a request."""

    pointer: str = field(metadata=meta("JSON Pointer to the field (RFC 6901)"))
    detail: str = field(metadata=meta("What is wrong with it"))


@dataclass(frozen=True)
class Problem:
    """An error, as an RFC 9457 problem document (application/problem+json)."""

    type: str = field(metadata=meta("A URI naming the kind of problem"))
    title: str = field(metadata=meta("The kind of problem, for people"))
    status: int = field(metadata=meta("The HTTP status"))
    detail: str = field(metadata=meta("This occurrence, for people"))
    errors: list[FieldError] | None = field(default=None, metadata=meta("The invalid fields"))


@dataclass(frozen=True)
class Query:
    """A query parameter: its JSON Schema both documents it and checks it (``params.query``)."""

    name: str
    description: str
    schema: dict[str, Any]
    many: bool = False
    """Repeatable (``?group=a&group=b``): its values as a list."""


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Callable[..., Awaitable[Any]]
    summary: str
    scope: str | None = None
    request: type | None = None
    response: type | None = None
    status: int = 200
    idempotent: bool = False
    errors: tuple[int, ...] = ()
    query: tuple[Query, ...] = ()
    upload: tuple[str, ...] = ()
    """The media types of a body that is a file, not JSON (``request`` is None then)."""


# --- models to JSON Schema ---------------------------------------------------------------------


def _type_schema(hint: Any, ref: Callable[[type], dict[str, Any]]) -> dict[str, Any]:
    origin, args = get_origin(hint), get_args(hint)
    if hint is Any:
        return {}
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) > 1:  # models of several kinds: each says which by a field of its own
            return {"anyOf": [_type_schema(a, ref) for a in inner]}
        schema = _type_schema(inner[0], ref)
        if "type" not in schema:
            return {"anyOf": [schema, {"type": "null"}]} if schema else schema
        return {**schema, "type": [schema["type"], "null"]}
    if origin is list:
        return {"type": "array", "items": _type_schema(args[0], ref)}
    if origin is dict and args and args[1] is not Any:
        return {"type": "object", "additionalProperties": _type_schema(args[1], ref)}
    if origin is dict or hint is dict:
        return {"type": "object"}
    if is_dataclass(hint):
        return ref(hint)  # type: ignore[arg-type]
    names = {str: "string", int: "integer", bool: "boolean", float: "number"}
    return {"type": names[hint]}


def schema_of(model: type, ref: Callable[[type], dict[str, Any]] | None = None) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a model dataclass; nested models through ``ref``."""
    refer = ref or (lambda cls: schema_of(cls))
    hints = get_type_hints(model)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for item in fields(model):
        extra = {k: v for k, v in item.metadata.items() if k != "json"}
        name = item.metadata.get("json", item.name)
        properties[name] = {**_type_schema(hints[item.name], refer), **extra}
        if item.default is MISSING and item.default_factory is MISSING:
            required.append(name)
    return {
        "title": model.__name__,
        "description": (model.__doc__ or "").strip(),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def dump(value: Any) -> Any:
    """A model (or a list, a dict of them) as the JSON its schema describes: fields by their
    JSON names, times in ISO 8601."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.metadata.get("json", f.name): dump(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [dump(item) for item in value]
    if isinstance(value, dict):
        return {str(key): dump(item) for key, item in value.items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def openapi(routes: Sequence[Route]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``routes``, their models under ``components.schemas``."""
    schemas: dict[str, Any] = {}

    def ref(model: type) -> dict[str, Any]:
        if model.__name__ not in schemas:
            schemas[model.__name__] = {}
            schemas[model.__name__] = schema_of(model, ref)
        return {"$ref": f"#/components/schemas/{model.__name__}"}

    problem = {PROBLEM_TYPE: {"schema": ref(Problem)}}
    paths: dict[str, Any] = {}
    for route in routes:
        name = route.handler.__name__
        operation: dict[str, Any] = {"operationId": name, "summary": route.summary}
        parameters = [
            {"name": part[1:-1], "in": "path", "required": True, "schema": {"type": "string"}}
            for part in route.path.split("/")
            if part.startswith("{")
        ]
        if route.idempotent:
            parameters.append({
                "name": "Idempotency-Key", "in": "header", "required": False,
                "description": "The same key and body within 24 hours get the first answer",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            })  # fmt: skip
        parameters += [_query_parameter(q) for q in route.query]
        if parameters:
            operation["parameters"] = parameters
        if route.request is not None:
            content = {"application/json": {"schema": ref(route.request)}}
            needed = bool(schema_of(route.request)["required"])  # all optional: may be left out
            operation["requestBody"] = {"required": needed, "content": content}
        if route.upload:
            content = {media: {"schema": {"type": "string", "contentMediaType": media}}
                       for media in route.upload}  # fmt: skip
            operation["requestBody"] = {"required": True, "content": content}
        ok: dict[str, Any] = {"description": route.summary}
        ok["content"] = {"application/json": {"schema": ref(route.response) if route.response
                                              else {"type": "object"}}}  # fmt: skip
        responses = {str(route.status): ok}
        for status in route.errors:
            responses[str(status)] = {"description": TITLES[status], "content": problem}
        operation["responses"] = responses
        operation["security"] = [{"bearer": [route.scope]}] if route.scope else []
        paths.setdefault(PREFIX + route.path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "twoway REST API", "version": __version__},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _query_parameter(query: Query) -> dict[str, Any]:
    schema = {"type": "array", "items": query.schema} if query.many else query.schema
    parameter = {"name": query.name, "in": "query", "required": False,
                 "description": query.description, "schema": schema}  # fmt: skip
    if query.many:
        parameter.update(style="form", explode=True)
    return parameter


TITLES = {
    400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
    405: "Method not allowed", 409: "Conflict", 413: "Request body too large",
    415: "Unsupported media type",
    422: "Unprocessable request", 500: "Internal error", 503: "Unavailable",
}  # fmt: skip
