"""The Bedrock action group's schema: OpenAPI 3.0 as Bedrock reads it, every tool route."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator

from finance_agent.cli import main
from finance_agent.openapi import build_openapi
from finance_agent.openapi_bedrock import _Converter, build_bedrock_openapi
from finance_agent.routes import ROUTES, tool_routes

# JSON Schema 2020-12 words a 3.0 Schema Object does not have, and ``enum`` (Bedrock).
NOT_IN_30 = {"const", "examples", "$defs", "$ref", "prefixItems", "enum", "$schema"}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return build_bedrock_openapi()


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def test_the_schema_validates_as_openapi_3_0(doc: dict[str, Any]) -> None:
    assert doc["openapi"] == "3.0.0"
    OpenAPIV30SpecValidator(doc).validate()


def test_every_tool_route_is_there_with_an_id_and_a_description(doc: dict[str, Any]) -> None:
    found = {(path, method.upper()): op for path, method, op in _operations(doc)}
    assert set(found) == {(route.path, route.method) for route in tool_routes()}
    for route in tool_routes():
        operation = found[(route.path, route.method)]
        assert operation["operationId"] == route.operation_id
        assert operation["description"].startswith(route.description)
        # Where the action group may cut a long answer, the agent is told how it will read.
        if route.long_list is None:
            assert operation["description"] == route.description
        else:
            assert f"its {route.long_list.field} list cut" in operation["description"]
            assert "truncated" in operation["description"]


def test_the_chat_is_not_a_tool(doc: dict[str, Any]) -> None:
    assert "/agent/chat" not in doc["paths"]
    assert "agent_chat" not in json.dumps(doc)
    assert any(not route.is_tool for route in ROUTES)


def test_nothing_31_only_or_unsupported_by_bedrock_remains(doc: dict[str, Any]) -> None:
    for node in _walk(doc):
        assert not NOT_IN_30 & set(node), node
        if "exclusiveMinimum" in node:
            assert isinstance(node["exclusiveMinimum"], bool)
        assert node.get("type") != "null"
        assert not isinstance(node.get("type"), list)
    assert "components" not in doc  # everything inlined


def test_parameters_are_described_and_only_query_ones(doc: dict[str, Any]) -> None:
    for _path, _method, operation in _operations(doc):
        for parameter in operation.get("parameters", []):
            assert parameter["in"] == "query"
            assert parameter["description"]
    reminder = doc["paths"]["/agent/actions/collection-reminder"]["post"]
    assert "parameters" not in reminder  # Idempotency-Key is a header Bedrock cannot set


def test_enums_become_described_values(doc: dict[str, Any]) -> None:
    anomalies = doc["paths"]["/agent/tools/anomalies"]["get"]["parameters"]
    method = next(p for p in anomalies if p["name"] == "method")
    assert "zscore" in method["description"]
    assert "robust" in method["description"]
    threshold = next(p for p in anomalies if p["name"] == "threshold")
    assert threshold["schema"]["minimum"] == 0
    assert threshold["schema"]["exclusiveMinimum"] is True


def test_optional_body_fields_are_nullable(doc: dict[str, Any]) -> None:
    content = doc["paths"]["/agent/actions/collection-reminder"]["post"]["requestBody"]["content"]
    properties = content["application/json"]["schema"]["properties"]
    assert properties["invoice_id"] == {
        "description": "invoice concerned",
        "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
        "type": "string",
        "nullable": True,
    }
    assert properties["customer_id"]["type"] == "string"


def test_every_operation_answers_with_a_described_response(doc: dict[str, Any]) -> None:
    for _path, _method, operation in _operations(doc):
        ok = [s for s in operation["responses"] if s.startswith("2")]
        assert ok
        for status in ok:
            response = operation["responses"][status]
            assert response["description"]
            assert response["content"]["application/json"]["schema"]["type"] == "object"


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": ["string", "null"]}, {"type": "string", "nullable": True}),
        ({"type": ["string", "integer"]}, {"anyOf": [{"type": "string"}, {"type": "integer"}]}),
        (
            {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]},
            {"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": True},
        ),
        ({"exclusiveMaximum": 5, "type": "number"}, {"exclusiveMaximum": True, "maximum": 5}),
        ({"const": "x", "type": "string"}, {"type": "string", "description": "Always x."}),
        ({"type": "integer", "examples": [3, 4]}, {"type": "integer", "example": 3}),
        (
            {"enum": ["a", "b"], "description": "pick."},
            {"description": "pick. One of: a, b."},
        ),
        ({"type": "object", "additionalProperties": {"type": ["number", "null"]}}, None),
    ],
)
def test_31_schemas_are_rewritten_in_30_terms(
    schema: dict[str, Any], expected: dict[str, Any] | None
) -> None:
    converted = _Converter({}).schema(schema)
    if expected is None:
        assert converted["additionalProperties"] == {"type": "number", "nullable": True}
    else:
        for key, value in expected.items():
            assert converted[key] == value
        assert not NOT_IN_30 & set(converted)


def test_references_are_inlined_and_only_local_ones() -> None:
    source = {"components": {"schemas": {"A": {"type": "string"}}}}
    converter = _Converter(source)
    assert converter.inline({"$ref": "#/components/schemas/A", "description": "d"}) == {
        "type": "string",
        "description": "d",
    }
    with pytest.raises(ValueError, match="local"):
        converter.inline({"$ref": "https://example.com/schema.json"})
    looping = _Converter(
        {"components": {"schemas": {"L": {"items": {"$ref": "#/components/schemas/L"}}}}}
    )
    with pytest.raises(ValueError, match="too deep"):
        looping.inline({"$ref": "#/components/schemas/L"})


def test_it_follows_the_api_document() -> None:
    api = build_openapi()
    bedrock = build_bedrock_openapi()
    assert bedrock["info"]["version"] == api["info"]["version"]
    for path, method, operation in _operations(bedrock):
        assert operation["summary"] == api["paths"][path][method]["summary"]


def test_the_cli_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi", "--bedrock"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == build_bedrock_openapi()
    assert main(["openapi"]) == 0
    assert json.loads(capsys.readouterr().out)["openapi"].startswith("3.1")
