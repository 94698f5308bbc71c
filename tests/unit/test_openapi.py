"""The OpenAPI document: valid, complete, faithful to the route table, stable."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from finance_agent import __version__
from finance_agent.bootstrap import get_repo
from finance_agent.domain.errors import DomainError
from finance_agent.openapi import build_openapi
from finance_agent.routes import ROUTES, Route, route_by_id
from finance_agent.shared.auth import ACTIONS_SCOPE
from finance_agent.shared.settings import get_settings
from finance_agent.tools.seed_data import seed

SECRET = "openapi-test-secret-at-least-32-bytes-long"


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return build_openapi()


def _operation(doc: dict[str, Any], route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = doc["paths"][route.path][route.method.lower()]
    return operation


def _parameter(doc: dict[str, Any], operation_id: str, name: str) -> dict[str, Any]:
    route = route_by_id(operation_id)
    parameters = _operation(doc, route)["parameters"]
    return next(p for p in parameters if p["name"] == name)


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_the_document_is_valid_openapi_3_1(doc: dict[str, Any]) -> None:
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] == "finance-agent"
    assert doc["info"]["version"] == __version__
    assert doc["info"]["description"]


def test_servers_only_when_asked() -> None:
    assert "servers" not in build_openapi()
    with_server = build_openapi("http://127.0.0.1:8000")
    assert with_server["servers"] == [{"url": "http://127.0.0.1:8000"}]
    validate(with_server)


def test_the_document_is_stable_and_json(doc: dict[str, Any]) -> None:
    assert build_openapi() == doc
    assert json.dumps(build_openapi()) == json.dumps(doc)
    assert list(doc["paths"]) == sorted(doc["paths"])
    assert list(doc["components"]["schemas"]) == sorted(doc["components"]["schemas"])


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_every_route_is_an_operation(doc: dict[str, Any], route: Route) -> None:
    operation = _operation(doc, route)
    assert operation["operationId"] == route.operation_id
    assert operation["summary"] == route.summary
    assert operation["description"] == route.description
    assert operation["tags"] in (["tools"], ["actions"], ["chat"])
    responses = operation["responses"]
    assert str(route.success_status) in responses
    assert {"400", "401", "500"} <= set(responses)
    success = responses[str(route.success_status)]["content"]["application/json"]["schema"]
    assert success == {"$ref": f"#/components/schemas/{route.response_model.__name__}"}
    if route.query_model is not None:
        names = [p["name"] for p in operation["parameters"] if p["in"] == "query"]
        assert names == list(route.query_model.model_fields)


def test_operation_ids_are_unique(doc: dict[str, Any]) -> None:
    ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert sorted(ids) == sorted(route.operation_id for route in ROUTES)


def test_parameters_carry_their_limits(doc: dict[str, Any]) -> None:
    limit = _parameter(doc, "list_actions", "limit")
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}
    assert limit["required"] is False
    assert limit["description"]
    horizon = _parameter(doc, "cashflow_forecast", "horizon")["schema"]
    assert (horizon["minimum"], horizon["maximum"], horizon["default"]) == (1, 365, 30)
    threshold = _parameter(doc, "detect_anomalies", "threshold")["schema"]
    assert threshold["type"] == "number"
    assert threshold["exclusiveMinimum"] == 0
    assert threshold["maximum"] == 10
    period = _parameter(doc, "get_kpis", "period")["schema"]
    assert period["pattern"] == r"^last_[1-9][0-9]{0,2}d$"  # no leading zero: last_030d is a 400
    assert period["default"] == "last_30d"
    days = _parameter(doc, "get_sales", "days")["schema"]
    assert (days["minimum"], days["maximum"], days["default"]) == (1, 365, 120)
    overdue = _parameter(doc, "get_ar_aging", "min_days_overdue")["schema"]
    assert (overdue["minimum"], overdue["maximum"]) == (0, 3650)


def test_an_optional_parameter_is_a_plain_string_not_nullable(doc: dict[str, Any]) -> None:
    token = _parameter(doc, "list_actions", "next_token")
    assert token["required"] is False
    assert token["schema"] == {"type": "string", "minLength": 1, "maxLength": 512}


def test_bearer_scheme_is_global_and_the_reminder_needs_its_scope(doc: dict[str, Any]) -> None:
    scheme = doc["components"]["securitySchemes"]["bearerAuth"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert doc["security"] == [{"bearerAuth": []}]
    reminder = _operation(doc, route_by_id("create_collection_reminder"))
    assert reminder["security"] == [{"bearerAuth": [ACTIONS_SCOPE]}]
    assert reminder["x-required-scopes"] == [ACTIONS_SCOPE]
    assert "403" in reminder["responses"]
    for route in ROUTES:
        if route.scope is None:
            operation = _operation(doc, route)
            assert "security" not in operation
            assert "403" not in operation["responses"]


def test_the_reminder_request_and_responses(doc: dict[str, Any]) -> None:
    reminder = _operation(doc, route_by_id("create_collection_reminder"))
    body = reminder["requestBody"]
    assert body["required"] is True
    schema = _resolve(doc, body["content"]["application/json"]["schema"]["$ref"])
    assert schema["required"] == ["customer_id"]
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"customer_id", "invoice_id", "remind_date"}
    assert schema["properties"]["customer_id"]["pattern"]
    assert {"200", "201", "404", "409"} <= set(reminder["responses"])
    header = next(p for p in reminder["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header"
    assert header["required"] is False
    for route in ROUTES:
        if not route.idempotent:
            assert "409" not in _operation(doc, route)["responses"]


def test_money_is_a_json_number(doc: dict[str, Any]) -> None:
    kpis = doc["components"]["schemas"]["KPIs"]["properties"]
    for name in ("revenue", "gross_margin", "ar_total", "ar_over_60"):
        assert kpis[name]["type"] == "number"
    aging = doc["components"]["schemas"]["ARAging"]["properties"]
    assert aging["total"]["type"] == "number"


def test_the_error_body(doc: dict[str, Any]) -> None:
    error = doc["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "message", "details"}
    assert "request_id" in error["properties"]
    detail = _resolve(doc, error["properties"]["details"]["items"]["$ref"])
    assert set(detail["required"]) == {"field", "rule"}
    for status in ("400", "401", "403", "404", "409", "500"):
        content = doc["components"]["responses"][f"Error{status}"]["content"]
        assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_the_error_codes_are_every_code_the_api_answers(doc: dict[str, Any]) -> None:
    codes = doc["components"]["schemas"]["Error"]["properties"]["error"]["enum"]
    front_doors = {"method_not_allowed", "not_implemented", "response_too_large"}
    upstream = {"rate_limited", "bad_gateway", "service_unavailable"}
    assert front_doors | upstream <= set(codes)
    raised = {cls.code for cls in DomainError.__subclasses__()} - {"store_error"}
    assert raised <= set(codes)
    assert len(codes) == len(set(codes))


def test_every_reference_resolves(doc: dict[str, Any]) -> None:
    refs = _refs(doc)
    assert refs
    for ref in refs:
        assert _resolve(doc, ref) is not None


def _event(route: Route, token: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": route.path,
        "rawQueryString": "",
        "headers": {"authorization": f"Bearer {token}", "content-type": "application/json"},
        "requestContext": {
            "requestId": "req-openapi",
            "http": {"method": route.method, "path": route.path},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def test_real_responses_match_their_schemas(
    doc: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each handler's answer on the demo data validates against the documented schema."""
    monkeypatch.setenv("JWT_SECRET", SECRET)
    get_settings.cache_clear()
    seed(get_repo())
    claims = {"sub": "openapi@example.com", "scope": ACTIONS_SCOPE, "exp": time.time() + 600}
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    cases: list[tuple[Route, dict[str, Any] | None]]
    cases = [(route, None) for route in ROUTES if route.body_model is None]
    reminder = route_by_id("create_collection_reminder")
    cases += [(reminder, {"customer_id": "CUST001"}), (reminder, {"customer_id": "NOPE"})]
    cases += [(reminder, {"customer_id": "CUST001"}), (reminder, {"customer_id": "!"})]
    statuses = []
    for route, body in cases:
        response = route.load_handler()(_event(route, token, body), None)
        statuses.append(response["statusCode"])
        documented = _operation(doc, route)["responses"][str(response["statusCode"])]
        if "$ref" in documented:
            documented = _resolve(doc, documented["$ref"])
        schema = documented["content"]["application/json"]["schema"]
        Draft202012Validator(
            {**schema, "components": doc["components"]},
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        ).validate(json.loads(response["body"]))
    assert statuses == [200] * (len(cases) - 4) + [201, 404, 200, 400]


def test_the_chat_documents_the_upstream_errors_and_its_own_tag() -> None:
    operation = build_openapi()["paths"]["/agent/chat"]["post"]
    assert operation["tags"] == ["chat"]
    assert {"429", "502", "503"} <= set(operation["responses"])
