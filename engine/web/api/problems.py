"""Own the REST API's errors and request parsing: RFC 9457 problem documents, and ``parse``, which
validates a JSON body against its model's JSON Schema and names every invalid field.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from aiohttp import web
from jsonschema import Draft202012Validator

from engine.web.api.schema import PHONE, PROBLEM_TYPE, TITLES, schema_of

__all__ = ["ProblemError", "invalid", "parse"]


class ProblemError(Exception):
    """An API error, answered as a problem document."""

    def __init__(self, status: int, detail: str, *, kind: str = "about:blank", **more: Any):
        super().__init__(detail)
        self.status, self.detail, self.kind, self.more = status, detail, kind, more

    def response(self) -> web.Response:
        body = {"type": self.kind, "title": TITLES.get(self.status, "Error"),
                "status": self.status, "detail": self.detail, **self.more}  # fmt: skip
        headers = {"WWW-Authenticate": 'Bearer realm="twoway"'} if self.status == 401 else {}
        return web.json_response(
            body, status=self.status, content_type=PROBLEM_TYPE, headers=headers
        )


def invalid(errors: list[tuple[str, str]]) -> ProblemError:
    detail = "; ".join(f"{pointer or '/'}: {text}" for pointer, text in errors)
    listed = [{"pointer": pointer, "detail": text} for pointer, text in errors]
    return ProblemError(400, f"invalid request: {detail}", kind="urn:twoway:invalid-request",
                        errors=listed)  # fmt: skip


def _field_error(error: Any) -> tuple[str, str]:
    path = "".join(f"/{part}" for part in error.absolute_path)
    if error.validator == "required":
        return f"{path}/{error.message.split(chr(39))[1]}", "is required"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return path, "unknown field(s): " + ", ".join(extra)
    if error.validator == "format":
        return path, "must be an ISO 8601 time with an offset, like 2026-03-02T09:00:00+01:00"
    if error.validator == "pattern":
        return path, f"must be {PHONE}"
    if error.validator == "type":
        return path, f"must be of type {error.validator_value}"
    if error.validator == "minLength":
        return path, "must not be empty"
    return path, str(error.message)


def parse(model: type[Any], data: Any) -> Any:
    """``data`` (JSON) as ``model``, or ProblemError 400 naming every invalid field."""
    validator = Draft202012Validator(
        schema_of(model), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise invalid([_field_error(e) for e in errors])
    return model(**{f.name: data.get(f.metadata.get("json", f.name)) for f in fields(model)})
