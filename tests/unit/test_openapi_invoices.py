"""The ledger's reads in the OpenAPI documents: GET /agent/tools/invoices and the ar-aging's
as_of and basis, documented from the route table and answering as documented."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import jwt
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV30SpecValidator, validate

from finance_agent.bootstrap import get_repo
from finance_agent.openapi import build_openapi
from finance_agent.openapi_bedrock import build_bedrock_openapi
from finance_agent.routes import route_by_id
from finance_agent.shared.settings import get_settings
from ledger_fixtures import INVOICE_FIELDS, write_small_books

SECRET = "openapi-ledger-test-secret-at-least-32-bytes"


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return build_openapi()


def parameters(doc: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in doc["paths"][path]["get"]["parameters"]}


def test_the_document_with_the_invoices_route_is_valid(doc: dict[str, Any]) -> None:
    validate(doc)
    operation = doc["paths"]["/agent/tools/invoices"]["get"]
    route = route_by_id("list_invoices")
    assert (operation["operationId"], operation["tags"]) == ("list_invoices", ["tools"])
    assert operation["description"] == route.description
    assert "security" not in operation  # any verified identity reads it
    assert set(operation["responses"]) == {"200", "400", "401", "500"}


def test_the_invoices_parameters_carry_their_rules(doc: dict[str, Any]) -> None:
    found = parameters(doc, "/agent/tools/invoices")
    assert list(found) == ["customer_id", "status", "as_of", "limit", "next_token"]
    assert not any(p["required"] for p in found.values())
    assert found["status"]["schema"] == {
        "default": "open",
        "enum": ["open", "overdue", "paid", "all"],
        "type": "string",
    }
    assert found["limit"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 50,
    }
    assert found["as_of"]["schema"] == {"type": "string", "format": "date"}
    assert "first invoice's issue date to today" in found["as_of"]["description"]
    assert found["next_token"]["schema"] == {"type": "string", "minLength": 1, "maxLength": 2048}
    assert found["customer_id"]["schema"]["pattern"]


def test_the_invoice_list_answer_is_the_documented_shape(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    listed = schemas["InvoiceList"]
    assert set(listed["properties"]) == {"invoices", "next_token"}
    view = schemas["InvoiceView"]
    assert set(view["properties"]) == INVOICE_FIELDS
    assert set(view["required"]) == INVOICE_FIELDS - {"last_reminder_date"}
    for money in ("amount", "open_balance"):
        assert view["properties"][money]["type"] == "number"
    assert view["properties"]["bucket"]["enum"] == [
        "current",
        "days_1_30",
        "days_31_60",
        "days_61_90",
        "days_over_90",
    ]


def test_ar_aging_documents_as_of_and_basis_and_answers_them(doc: dict[str, Any]) -> None:
    found = parameters(doc, "/agent/tools/ar-aging")
    assert list(found) == ["min_days_overdue", "as_of", "basis"]
    assert found["basis"]["schema"] == {
        "default": "due_date",
        "enum": ["due_date", "invoice_date"],
        "type": "string",
    }
    answer = doc["components"]["schemas"]["ARAgingList"]
    assert {"as_of", "basis", "customers", "currency", "min_days_overdue"} == set(
        answer["properties"]
    )
    email = doc["components"]["schemas"]["ARAging"]["properties"]["email"]
    assert {"type": "null"} in email["anyOf"]  # a customer may have no email


def test_the_action_group_schema_has_the_invoices_tool_without_enums() -> None:
    bedrock = build_bedrock_openapi()
    OpenAPIV30SpecValidator(bedrock).validate()
    operation = bedrock["paths"]["/agent/tools/invoices"]["get"]
    assert operation["operationId"] == "list_invoices"
    assert "its invoices list cut" in operation["description"]
    found = {p["name"]: p for p in operation["parameters"]}
    assert "enum" not in found["status"]["schema"]
    for word in ("open", "overdue", "paid", "all"):
        assert word in found["status"]["description"]
    basis = next(
        p
        for p in bedrock["paths"]["/agent/tools/ar-aging"]["get"]["parameters"]
        if p["name"] == "basis"
    )
    assert "invoice_date" in basis["description"]
    assert "enum" not in basis["schema"]


def _call(path: str, query: dict[str, str], token: str) -> tuple[int, Any]:
    route = next(
        r for r in (route_by_id("list_invoices"), route_by_id("get_ar_aging")) if r.path == path
    )
    event = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": route.path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in query.items()),
        "queryStringParameters": query or None,
        "headers": {"authorization": f"Bearer {token}"},
        "requestContext": {
            "requestId": "req-openapi-ledger",
            "http": {"method": "GET", "path": path},
        },
        "isBase64Encoded": False,
    }
    response = route.load_handler()(event, None)
    return response["statusCode"], json.loads(response["body"])


def test_real_answers_match_their_documented_schemas(
    doc: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JWT_SECRET", SECRET)
    get_settings.cache_clear()
    today = write_small_books(get_repo())
    token = jwt.encode({"sub": "reader", "exp": time.time() + 600}, SECRET, algorithm="HS256")
    past = (today - timedelta(days=60)).isoformat()
    cases = [
        ("/agent/tools/invoices", {}),
        ("/agent/tools/invoices", {"status": "all", "limit": "3"}),
        ("/agent/tools/invoices", {"status": "paid", "as_of": past}),
        ("/agent/tools/invoices", {"customer_id": "BOLT", "status": "overdue"}),
        ("/agent/tools/invoices", {"status": "late"}),
        ("/agent/tools/ar-aging", {}),
        ("/agent/tools/ar-aging", {"as_of": past, "basis": "invoice_date"}),
        ("/agent/tools/ar-aging", {"as_of": (today + timedelta(days=1)).isoformat()}),
    ]
    statuses = []
    for path, query in cases:
        status, body = _call(path, query, token)
        statuses.append(status)
        documented = doc["paths"][path]["get"]["responses"][str(status)]
        if "$ref" in documented:
            name = documented["$ref"].rsplit("/", 1)[-1]
            documented = doc["components"]["responses"][name]
        schema = documented["content"]["application/json"]["schema"]
        Draft202012Validator(
            {**schema, "components": doc["components"]},
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        ).validate(body)
    assert statuses == [200, 200, 200, 200, 400, 200, 200, 400]
