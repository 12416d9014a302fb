"""The OpenAPI document is generated from the models the handlers validate with."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engine.config import Config
from engine.web import HttpEndpoint
from engine.web.api import ProblemError, parse
from engine.web.api.messages import SendMessage, StartFlow
from engine.web.api.routes import ROUTES
from engine.web.api.schema import PREFIX, openapi, schema_of

DOCUMENT = openapi(ROUTES)


def _refs(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = [value["$ref"]] if "$ref" in value else []
        return found + [ref for item in value.values() for ref in _refs(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in _refs(item)]
    return []


def test_the_document_is_openapi_3_1() -> None:
    assert DOCUMENT["openapi"] == "3.1.0"
    assert {"title", "version"} <= set(DOCUMENT["info"])
    assert DOCUMENT["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for operation in (op for path in DOCUMENT["paths"].values() for op in path.values()):
        assert operation["responses"], operation
        assert all(code.isdigit() for code in operation["responses"])


def test_every_schema_is_valid_json_schema_2020_12_and_every_ref_resolves() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)
    for ref in _refs(DOCUMENT):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas


def test_every_route_of_the_app_is_in_the_document() -> None:
    app = HttpEndpoint(_Service(), config=Config())  # type: ignore[arg-type]
    served = {
        (resource.method.lower(), resource.resource.canonical)
        for resource in app.app.router.routes()
        if resource.resource is not None and resource.resource.canonical.startswith(PREFIX)
    }
    documented = {(m, p) for p, ops in DOCUMENT["paths"].items() for m in ops}
    assert served == documented
    assert len(served) == len(ROUTES)


def test_the_request_models_are_the_schema_the_api_validates_with() -> None:
    schema = DOCUMENT["components"]["schemas"]["SendMessage"]
    assert schema == schema_of(SendMessage)
    assert schema["required"] == ["to", "text"]
    assert "from" in schema["properties"] and "sender" not in schema["properties"]
    sent = parse(SendMessage, {"to": "+33612345678", "from": "36111", "text": "hi"})
    assert (sent.to, sent.sender, sent.text) == ("+33612345678", "36111", "hi")
    started = parse(StartFlow, {"contact": "36111"})
    assert started.params is None and started.at is None


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ({"text": "hi"}, {"/to"}),
        ({"to": "+33612345678", "text": "", "extra": 1}, {"", "/text"}),
        ({"to": 33612345678, "text": "hi"}, {"/to"}),
        ([], {""}),
    ],
)
def test_an_invalid_request_names_each_field(body: Any, pointers: set[str]) -> None:
    with pytest.raises(ProblemError) as caught:
        parse(SendMessage, body)
    assert caught.value.status == 400
    assert {e["pointer"] for e in caught.value.more["errors"]} == pointers


class _Service:
    """A stand-in: HttpEndpoint reads nothing of its service until a request comes."""


def test_maps_unions_and_any_become_json_schema() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    flow = schemas["FlowResult"]["properties"]
    assert flow["ended_by"]["additionalProperties"] == {"type": "integer"}
    assert flow["kind"]["enum"] == ["flow"]
    results = schemas["Results"]["properties"]["results"]["items"]
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in results["anyOf"]} == {
        "PollResult", "SurveyResult", "FlowResult"
    }  # fmt: skip
    assert schemas["Count"]["properties"]["value"] == {"description": "The answer"}
    progress = schemas["CampaignDetail"]["properties"]["progress"]
    assert progress["anyOf"] == [{"$ref": "#/components/schemas/Progress"}, {"type": "null"}]


def test_query_parameters_and_file_bodies_are_documented() -> None:
    listing = DOCUMENT["paths"][PREFIX + "/contacts"]["get"]
    limit = next(p for p in listing["parameters"] if p["name"] == "limit")
    assert limit["in"] == "query" and limit["schema"]["maximum"] == 500
    upload = DOCUMENT["paths"][PREFIX + "/contacts"]["post"]
    assert set(upload["requestBody"]["content"]) == {
        "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    }  # fmt: skip
    group = next(p for p in upload["parameters"] if p["name"] == "group")
    assert group["schema"]["type"] == "array" and group["explode"] is True
    assert {"409", "404"} <= set(DOCUMENT["paths"][PREFIX + "/campaigns/{name}/start"]["post"]
                                 ["responses"])  # fmt: skip
