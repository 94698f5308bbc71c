"""The Bedrock action group: documented events in, Bedrock's response shape out.

Events follow the action-group input format of the Bedrock user guide (messageVersion 1.0,
``parameters`` and ``requestBody`` properties as ``{name, type, value}`` with string
values, ``sessionAttributes`` and ``promptSessionAttributes``, ``sessionId``). The store is a
real SQLite file seeded with the demo data set; the routes run as the API runs them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from starlette.testclient import TestClient

from finance_agent.adapters import action_group
from finance_agent.adapters.http.v2_events import call_route
from finance_agent.adapters.local_server.app import create_app
from finance_agent.bootstrap import get_repo
from finance_agent.routes import Route, route_by_id, tool_routes
from finance_agent.shared.auth import ACTIONS_SCOPE, Identity
from finance_agent.shared.log import configure_logging
from finance_agent.shared.session_signing import PRINCIPAL, SIGNATURE, sign_identity
from finance_agent.shared.settings import get_settings
from finance_agent.tools.seed_data import seed
from ledger_fixtures import write_demo_ledger

SECRET = "action-group-tests-session-secret-0123456789"
JWT_SECRET = "action-group-tests-jwt-secret-0123456789abcdef0123456789abcdef01"
SESSION = "4b6f3c0e9a2d4e1f8c7b6a5d4e3f2a1b"
ACTOR = Identity(principal="ana.controller@example.com", scopes=frozenset({ACTIONS_SCOPE}))
READER = Identity(principal="reader@example.com")
# Arguments for every tool route, as Bedrock sends them: strings.
ARGUMENTS: dict[str, dict[str, str]] = {
    "get_kpis": {"period": "last_30d"},
    "cashflow_forecast": {"horizon": "14", "method": "sma"},
    "detect_anomalies": {"period": "last_60d", "method": "zscore", "threshold": "2.5"},
    "get_sales": {"days": "30"},
    "get_ar_aging": {"min_days_overdue": "61", "basis": "due_date"},
    "list_invoices": {"status": "overdue", "limit": "5"},
    "list_actions": {"limit": "5"},
    "create_collection_reminder": {"customer_id": "CUST001"},
}
TYPES = {"horizon": "integer", "days": "integer", "min_days_overdue": "integer", "limit": "integer"}
TYPES |= {"threshold": "number"}

# The action-group event for /agent/tools/kpis as the Bedrock user guide lays it out.
DOCUMENTED_KPIS_EVENT: dict[str, Any] = {
    "messageVersion": "1.0",
    "agent": {"name": "finance-agent", "id": "AGENT12345", "alias": "TSTALIASID", "version": "1"},
    "inputText": "How are we doing this month?",
    "sessionId": SESSION,
    "actionGroup": "finance-tools",
    "apiPath": "/agent/tools/kpis",
    "httpMethod": "GET",
    "parameters": [{"name": "period", "type": "string", "value": "last_30d"}],
    "sessionAttributes": {},
    "promptSessionAttributes": {},
}


@pytest.fixture(autouse=True)
def _seeded(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SESSION_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("JWT_SECRET", JWT_SECRET)
    get_settings.cache_clear()
    seed(get_repo())
    write_demo_ledger(get_repo())  # the demo books, if the seed has not written them
    yield
    get_settings.cache_clear()


def signed(
    identity: Identity = ACTOR, *, at: datetime | None = None, session: str = SESSION
) -> dict[str, str]:
    return sign_identity(identity, SECRET, at or datetime.now(UTC), session_id=session)


def bedrock_event(
    route: Route,
    arguments: dict[str, str] | None = None,
    attributes: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An action-group event for ``route``: GET arguments as parameters, POST ones as body."""
    items = [
        {"name": name, "type": TYPES.get(name, "string"), "value": value}
        for name, value in (arguments or {}).items()
    ]
    event: dict[str, Any] = {
        "messageVersion": "1.0",
        "agent": {
            "name": "finance-agent",
            "id": "AGENT12345",
            "alias": "ALIAS12345",
            "version": "1",
        },
        "inputText": "please do it",
        "sessionId": SESSION,
        "actionGroup": "finance-tools",
        "apiPath": route.path,
        "httpMethod": route.method,
        "parameters": [],
        "sessionAttributes": attributes if attributes is not None else {},
        "promptSessionAttributes": {"team": "finance"},
    }
    if route.body_model is not None:
        event["requestBody"] = {"content": {"application/json": {"properties": items}}}
    else:
        event["parameters"] = items
    return event


def invoke(event: Any) -> tuple[int, Any, dict[str, Any]]:
    """The handler's status, parsed body and whole answer; the shape is checked each time."""
    answer = action_group.handler(event, None)
    response = answer["response"]
    assert answer["messageVersion"] == "1.0"
    assert set(response) == {
        "actionGroup",
        "apiPath",
        "httpMethod",
        "httpStatusCode",
        "responseBody",
    }
    assert isinstance(response["httpStatusCode"], int)
    body_text = response["responseBody"]["application/json"]["body"]
    assert isinstance(body_text, str)
    return response["httpStatusCode"], json.loads(body_text), answer


def _api_token(scope: str | None = None) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {"sub": "api-user", "email": "api@example.com", "exp": now + 600}
    if scope:
        claims["scope"] = scope
    return jwt.encode(claims, JWT_SECRET, algorithm="HS256")


def test_the_documented_kpis_event_returns_the_api_routes_figures() -> None:
    status, body, answer = invoke(DOCUMENTED_KPIS_EVENT)
    with TestClient(create_app()) as client:
        api = client.get(
            "/agent/tools/kpis",
            params={"period": "last_30d"},
            headers={"Authorization": f"Bearer {_api_token()}"},
        )
    assert status == 200
    assert api.status_code == 200
    assert body == api.json()
    assert body["revenue"] > 0
    assert answer["response"]["actionGroup"] == "finance-tools"
    assert answer["response"]["apiPath"] == "/agent/tools/kpis"
    assert answer["response"]["httpMethod"] == "GET"
    assert answer["sessionAttributes"] == {}
    assert answer["promptSessionAttributes"] == {}


@pytest.mark.parametrize("route", tool_routes(), ids=lambda r: r.operation_id)
def test_every_tool_route_answers_what_the_api_answers(route: Route) -> None:
    arguments = ARGUMENTS[route.operation_id]
    status, body, _ = invoke(bedrock_event(route, arguments, signed()))
    if route.scope is None:
        assert (status, body) == call_route(route, READER, arguments)
    else:
        assert status == 201
        assert body["performed_by"] == ACTOR.principal
        assert body["payload"]["customer_id"] == "CUST001"


def test_every_tool_route_has_arguments_here() -> None:
    assert {route.operation_id for route in tool_routes()} == set(ARGUMENTS)


def test_a_signed_identity_records_the_reminder_as_that_person() -> None:
    route = route_by_id("create_collection_reminder")
    event = bedrock_event(route, ARGUMENTS[route.operation_id], signed())
    status, body, answer = invoke(event)
    assert status == 201
    assert body["performed_by"] == "ana.controller@example.com"
    assert answer["sessionAttributes"] == event["sessionAttributes"]
    assert answer["promptSessionAttributes"] == {"team": "finance"}
    again, existing, _ = invoke(event)
    assert again == 200
    assert existing["action_id"] == body["action_id"]


def _reminder_and_read(attributes: dict[str, str] | None) -> tuple[int, Any, int]:
    reminder = route_by_id("create_collection_reminder")
    status, body, _ = invoke(bedrock_event(reminder, ARGUMENTS[reminder.operation_id], attributes))
    kpis = route_by_id("get_kpis")
    read_status, _, _ = invoke(bedrock_event(kpis, ARGUMENTS[kpis.operation_id], attributes))
    return status, body, read_status


def _tampered_principal() -> dict[str, str]:
    return {**signed(), PRINCIPAL: "mallory@example.com"}


def _tampered_signature() -> dict[str, str]:
    attributes = signed()
    last = attributes[SIGNATURE][-1]
    return {**attributes, SIGNATURE: attributes[SIGNATURE][:-1] + ("0" if last != "0" else "1")}


@pytest.mark.parametrize(
    "attributes",
    [
        pytest.param(lambda: None, id="no-attributes"),
        pytest.param(lambda: {}, id="empty"),
        pytest.param(
            lambda: {PRINCIPAL: ACTOR.principal, "fa_scopes": ACTIONS_SCOPE}, id="unsigned"
        ),
        pytest.param(_tampered_principal, id="tampered-principal"),
        pytest.param(_tampered_signature, id="tampered-signature"),
        pytest.param(lambda: signed(at=datetime.now(UTC) - timedelta(minutes=6)), id="expired"),
        pytest.param(lambda: signed(session="another-agent-session"), id="other-session"),
        pytest.param(
            lambda: sign_identity(ACTOR, "not-the-secret-0123456789", datetime.now(UTC)),
            id="other-key",
        ),
    ],
)
def test_untrusted_attributes_get_the_read_only_tools(attributes: Any) -> None:
    status, body, read_status = _reminder_and_read(attributes())
    assert read_status == 200
    assert status == 403
    assert body["error"] == "forbidden"
    assert "agent:actions" in body["message"]


def test_without_a_signing_secret_even_signed_attributes_are_read_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SESSION_SIGNING_SECRET")
    get_settings.cache_clear()
    status, body, read_status = _reminder_and_read(signed())
    assert (status, read_status) == (403, 200)
    assert body["error"] == "forbidden"


def test_a_signed_identity_without_the_scope_is_refused_the_reminder() -> None:
    status, _, read_status = _reminder_and_read(signed(READER))
    assert (status, read_status) == (403, 200)


def test_bad_values_are_the_apis_400_naming_the_parameter() -> None:
    route = route_by_id("get_sales")
    status, body, _ = invoke(bedrock_event(route, {"days": "lots"}))
    assert status == 400
    assert body["error"] == "validation_error"
    assert [d["field"] for d in body["details"]] == ["days"]
    status, body, _ = invoke(bedrock_event(route, {"days": "0"}))
    assert status == 400
    status, body, _ = invoke(bedrock_event(route, {"weeks": "2"}))
    assert (status, body["details"][0]["field"]) == (400, "weeks")


def test_a_parameter_without_a_value_takes_the_routes_default() -> None:
    event = bedrock_event(route_by_id("get_sales"))
    event["parameters"] = [{"name": "days", "type": "integer"}]
    status, body, _ = invoke(event)
    assert status == 200
    assert len(body["days"]) == 120


def _without(name: str) -> dict[str, Any]:
    event = bedrock_event(route_by_id("get_kpis"), ARGUMENTS["get_kpis"])
    del event[name]
    return event


def _with(**changes: Any) -> dict[str, Any]:
    route = route_by_id(changes.pop("route", "get_kpis"))
    return {**bedrock_event(route, ARGUMENTS[route.operation_id]), **changes}


MALFORMED: list[Any] = [
    pytest.param(None, 400, id="none"),
    pytest.param("not an event", 400, id="text"),
    pytest.param([1, 2], 400, id="list"),
    pytest.param({}, 400, id="empty"),
    pytest.param(_without("apiPath"), 400, id="no-apiPath"),
    pytest.param(_without("httpMethod"), 400, id="no-httpMethod"),
    pytest.param(_without("actionGroup"), 400, id="no-actionGroup"),
    pytest.param(_without("sessionId"), 400, id="no-sessionId"),
    pytest.param(_with(apiPath=42), 400, id="apiPath-number"),
    pytest.param(_with(messageVersion="2.0"), 400, id="other-messageVersion"),
    pytest.param(_with(apiPath="/agent/tools/nothing"), 404, id="unknown-apiPath"),
    pytest.param(_with(apiPath="/agent/chat", httpMethod="POST"), 404, id="not-a-tool"),
    pytest.param(_with(httpMethod="DELETE"), 405, id="wrong-method"),
    pytest.param(_with(parameters="period=last_7d"), 400, id="parameters-text"),
    pytest.param(_with(parameters=[{"value": "last_7d"}]), 400, id="parameter-without-name"),
    pytest.param(_with(parameters=["period"]), 400, id="parameter-not-object"),
    pytest.param(
        _with(parameters=[{"name": "period", "value": ["a"]}]), 400, id="parameter-list-value"
    ),
    pytest.param(
        _with(parameters=[{"name": "period", "value": "last_7d"}] * 2), 400, id="duplicate"
    ),
    pytest.param(_with(sessionAttributes=["x"]), 400, id="sessionAttributes-list"),
    pytest.param(_with(promptSessionAttributes="x"), 400, id="promptSessionAttributes-text"),
    pytest.param(
        _with(route="create_collection_reminder", requestBody="customer_id=CUST001"),
        400,
        id="requestBody-text",
    ),
    pytest.param(
        _with(
            route="create_collection_reminder",
            requestBody={"content": {"text/plain": {"properties": []}}},
        ),
        400,
        id="requestBody-not-json",
    ),
    pytest.param(
        _with(
            route="create_collection_reminder",
            requestBody={"content": {"application/json": {"properties": {"a": 1}}}},
        ),
        400,
        id="properties-object",
    ),
    pytest.param(
        _with(route="create_collection_reminder", requestBody={"content": {}}),
        400,
        id="no-body-fields",
    ),
]


@pytest.mark.parametrize(("event", "expected"), MALFORMED)
def test_a_malformed_event_gets_a_bedrock_error_response(event: Any, expected: int) -> None:
    status, body, answer = invoke(event)
    assert status == expected
    assert set(body) >= {"error", "message", "details"}
    assert isinstance(answer["sessionAttributes"], dict)
    assert isinstance(answer["promptSessionAttributes"], dict)


def test_a_failure_around_the_route_is_a_500_with_only_the_request_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(action_group, "call_route", broken)

    class Context:
        aws_request_id = "req-0001"

    answer = action_group.handler(DOCUMENTED_KPIS_EVENT, Context())
    body = json.loads(answer["response"]["responseBody"]["application/json"]["body"])
    assert answer["response"]["httpStatusCode"] == 500
    assert body == {
        "error": "internal_error",
        "message": "internal error",
        "details": [],
        "request_id": "req-0001",
    }


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("14", "integer", 14),
        ("1.5", "number", 1.5),
        ("true", "boolean", True),
        ("FALSE", "boolean", False),
        ("x", "integer", "x"),
        ("x", "number", "x"),
        ("maybe", "boolean", "maybe"),
        ("14", "string", "14"),
        ("14", None, "14"),
    ],
)
def test_values_take_the_type_of_the_models_field(value: str, kind: Any, expected: Any) -> None:
    assert action_group._coerce(value, kind) == expected


def test_logs_carry_ids_and_status_never_attributes_or_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO")
    route = route_by_id("create_collection_reminder")
    attributes = signed()
    invoke(bedrock_event(route, ARGUMENTS[route.operation_id], attributes))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    call = next(line for line in lines if line["message"] == "action group call")
    assert call["api_path"] == route.path
    assert call["status"] == 201
    assert call["verified"] is True
    assert call["operation"] == "create_collection_reminder"
    assert call["session_id"] == SESSION
    assert "duration_ms" in call
    text = json.dumps(lines)
    assert attributes[SIGNATURE] not in text
    assert ACTOR.principal not in text
    assert "please do it" not in text


@pytest.mark.parametrize(
    ("operation", "arguments", "field", "method"),
    [
        ("cashflow_forecast", {"horizon": "14"}, "requested_method", "auto"),
        ("detect_anomalies", {"period": "last_60d"}, "method", "robust"),
        ("cashflow_forecast", {"horizon": "14", "method": "sma"}, "requested_method", "sma"),
        ("detect_anomalies", {"period": "last_60d", "method": "zscore"}, "method", "zscore"),
    ],
)
def test_the_agent_gets_the_chats_methods_unless_it_names_one(
    operation: str, arguments: dict[str, str], field: str, method: str
) -> None:
    status, body, _ = invoke(bedrock_event(route_by_id(operation), arguments))

    assert status == 200
    assert body[field] == method
