"""Routes called in-process (chat tools, action group, MCP) go through the same handler."""

from __future__ import annotations

from finance_agent.adapters.http.v2_events import call_route, route_event
from finance_agent.bootstrap import get_repo
from finance_agent.domain.usecases import GetKPIsUC
from finance_agent.routes import route_by_id
from finance_agent.shared.auth import ACTIONS_SCOPE, Identity, authenticate
from finance_agent.tools.seed_data import seed
from ledger_fixtures import write_demo_ledger

READER = Identity(
    principal="reader@example.com",
    claims={"email": "reader@example.com", "email_verified": True},
)
ACTOR = Identity(
    principal="actor@example.com",
    scopes=frozenset({ACTIONS_SCOPE}),
    claims={
        "email": "actor@example.com",
        "email_verified": True,
        "sub": "u-1",
        "groups": ["a", "b"],
    },
)


def test_a_tool_call_returns_what_the_api_returns() -> None:
    seed(get_repo())
    status, body = call_route(route_by_id("get_kpis"), READER, {"period": "last_7d"})
    assert status == 200
    expected = GetKPIsUC(get_repo()).execute("last_7d").model_dump(mode="json")
    assert body == expected


def test_the_identity_reaches_the_handler_as_api_gateway_would_put_it() -> None:
    event = route_event(route_by_id("get_kpis"), ACTOR, {"period": "last_7d"})
    identity = authenticate(event)
    assert identity.principal == "actor@example.com"
    assert identity.scopes == frozenset({ACTIONS_SCOPE})
    assert event["requestContext"]["authorizer"]["jwt"]["claims"]["groups"] == "[a b]"
    assert event["queryStringParameters"] == {"period": "last_7d"}


def test_a_write_without_the_scope_is_refused_through_a_tool_call_too() -> None:
    seed(get_repo())
    write_demo_ledger(get_repo())
    route = route_by_id("create_collection_reminder")
    status, body = call_route(route, READER, {"customer_id": "CUST001"})
    assert status == 403
    assert body["error"] == "forbidden"
    status, body = call_route(route, ACTOR, {"customer_id": "CUST001", "invoice_id": None})
    assert status == 201
    assert body["performed_by"] == "actor@example.com"


def test_bad_tool_arguments_are_the_api_s_400() -> None:
    status, body = call_route(
        route_by_id("cashflow_forecast"), READER, {"horizon": 0, "flag": True}
    )
    assert status == 400
    assert {d["field"] for d in body["details"]} == {"horizon", "flag"}
