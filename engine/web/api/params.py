"""Own reading what a request says outside its body: query parameters, checked against the
JSON Schema of their ``Query`` (the one the OpenAPI document shows), and phones in paths.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from jsonschema import Draft202012Validator

from engine.core.messages import normalize_address
from engine.web.api.problems import ProblemError
from engine.web.api.schema import ADDRESS, PHONE, Query

__all__ = ["LIMIT", "path_phone", "query"]

LIMIT = Query(
    "limit", "How many items at most (1 to 500)",
    {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
)  # fmt: skip
_ADDRESS = re.compile(ADDRESS)


def _value(text: str, schema: dict[str, Any]) -> Any:
    if schema.get("type") == "integer":
        try:
            return int(text)
        except ValueError:
            return text  # the schema refuses it, with the words of every other mistake
    return text


def _refused(query: Query, given: Any) -> ProblemError:
    schema = query.schema
    if "minimum" in schema and "maximum" in schema:
        want = f"an integer from {schema['minimum']} to {schema['maximum']}"
    elif "enum" in schema:
        want = "one of " + ", ".join(map(str, schema["enum"]))
    else:
        want = str(schema.get("description") or query.description).lower()
    return ProblemError(
        400, f"query parameter {query.name}={given!r}: must be {want}",
        kind="urn:twoway:invalid-request",
    )  # fmt: skip


def query(request: web.Request, spec: Query) -> Any:
    """The value of query parameter ``spec`` (its default when absent; a list when ``many``);
    400 when it does not fit its schema."""
    given = request.query.getall(spec.name, [])
    if not spec.many and len(given) > 1:
        raise ProblemError(400, f"query parameter {spec.name} is given {len(given)} times",
                           kind="urn:twoway:invalid-request")  # fmt: skip
    validator = Draft202012Validator(spec.schema)
    values = [_value(text, spec.schema) for text in given]
    for value, text in zip(values, given, strict=True):
        if not validator.is_valid(value):
            raise _refused(spec, text)
    if spec.many:
        return values
    return values[0] if values else spec.schema.get("default")


def path_phone(request: web.Request, name: str = "phone") -> str:
    """The phone in the path, canonical (``00 33…`` → ``+33…``); 400 when it is not one."""
    raw = request.match_info[name]
    phone = normalize_address(raw)
    if not _ADDRESS.fullmatch(phone):
        raise ProblemError(400, f"'{raw}' is not {PHONE}", kind="urn:twoway:invalid-request")
    return phone
