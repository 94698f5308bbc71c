"""Edges of the input the audit of the local server found: each answer is the API's, never a 500.

Deep or duplicated JSON, friendly rules for every refused value, strict number syntax,
the body limit of the route, capped error listings, the chat's Idempotency-Key, and the
forecast's rounded scores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.usefixtures("seeded")

Api = Callable[..., Any]
REMINDER = "/agent/actions/collection-reminder"
CHAT = "/agent/chat"
ANA = {"sub": "actor-0002", "email": "ana.controller@example.com", "scope": "agent:actions"}


def test_the_forecast_holdout_scores_have_three_decimals(api: Api) -> None:
    reply = api("GET", "/agent/tools/cashflow", {"method": "auto"})
    assert reply.status == 200
    holdout = reply.exact_json["holdout"]
    assert holdout
    for score in holdout:
        if score["mase"] is not None:
            assert score["mase"] == round(score["mase"], 3)
            assert -score["mase"].as_tuple().exponent <= 3


def post(api: Api, path: str, body: Any, **kwargs: Any) -> Any:
    return api("POST", path, body=body, claims=ANA, **kwargs)


def rules(reply: Any) -> dict[str, str]:
    assert reply.status == 400, reply.text
    assert reply.json["error"] == "validation_error"
    return {d["field"]: d["rule"] for d in reply.json["details"]}


# -- JSON bodies ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [REMINDER, CHAT])
@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_a_deeply_nested_body_is_400_naming_the_body(api: Api, path: str, opener: str) -> None:
    depth = 60_000 // len(opener)
    reply = post(api, path, opener * depth)
    assert rules(reply) == {"body": "must be a JSON object nested at most 32 levels"}


@pytest.mark.parametrize("path", [REMINDER, CHAT])
def test_a_body_nested_beyond_the_limit_is_refused_even_when_it_parses(api: Api, path: str) -> None:
    nested: Any = "x"
    for _ in range(40):
        nested = {"n": nested}
    reply = post(api, path, {"customer_id": "CUST001", "message": "hi", "extra": nested})
    assert rules(reply) == {"body": "must be a JSON object nested at most 32 levels"}


def test_a_repeated_body_key_is_400_naming_it(api: Api) -> None:
    text = '{"customer_id":"CUST001","customer_id":"CUST002"}'
    reply = post(api, REMINDER, text)
    assert rules(reply) == {"customer_id": "must appear once"}


def test_a_repeated_chat_key_is_400_naming_it(api: Api) -> None:
    reply = post(api, CHAT, '{"message":"hello","message":"revenue?"}')
    assert rules(reply) == {"message": "must appear once"}


@pytest.mark.parametrize("text", ['{"customer_id": ', "{'customer_id': 'CUST001'}", "nope"])
def test_a_json_syntax_error_says_the_body_must_be_valid_json(api: Api, text: str) -> None:
    assert rules(post(api, REMINDER, text)) == {"body": "must be valid JSON"}


@pytest.mark.parametrize("text", ["[]", '"CUST001"', "42", "null"])
def test_json_that_is_not_an_object_says_so(api: Api, text: str) -> None:
    assert rules(post(api, REMINDER, text)) == {"body": "must be a JSON object"}


# -- error listings ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/agent/tools/kpis", "/agent/actions"])
def test_thousands_of_unknown_parameters_are_listed_ten_and_counted(api: Api, path: str) -> None:
    query = {f"unknown{n}": "1" for n in range(3000)}
    reply = api("GET", path, query)
    assert reply.status == 400
    details = reply.json["details"]
    assert len(details) == 11
    assert all(d["rule"] == "is not a known parameter" for d in details[:10])
    assert details[10] == {"field": "input", "rule": "and 2990 more problems"}
    assert len(reply.text) < 2000


# -- rules for a person, never a regex or pydantic's wording ---------------------------------


PERIOD_RULE = "must look like last_<N>d with N from 1 to 365, e.g. last_30d"
ID_RULE = "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
THRESHOLD_RULE = "must be a number greater than 0 and at most 10"


@pytest.mark.parametrize("path", ["/agent/tools/kpis", "/agent/tools/anomalies"])
@pytest.mark.parametrize("period", ["yesterday", "last_999d", "last_0d", "last_030d", "last_7"])
def test_every_period_error_gives_the_readme_rule(api: Api, path: str, period: str) -> None:
    assert rules(api("GET", path, {"period": period})) == {"period": PERIOD_RULE}


@pytest.mark.parametrize("threshold", ["nan", "inf", "-1", "0", "10.5", "1e9", "two", "+2", " 2"])
def test_every_threshold_error_gives_the_threshold_rule(api: Api, threshold: str) -> None:
    reply = api("GET", "/agent/tools/anomalies", {"threshold": threshold})
    assert rules(reply) == {"threshold": THRESHOLD_RULE}


@pytest.mark.parametrize("threshold", ["2", "2.5", "10", ".5", "1e-1"])
def test_plain_numbers_are_thresholds(api: Api, threshold: str) -> None:
    assert api("GET", "/agent/tools/anomalies", {"threshold": threshold}).status == 200


def test_a_repeated_parameter_must_be_given_once(api: Api) -> None:
    reply = api("GET", "/agent/tools/kpis", {"period": ["last_30d", "last_7d"]})
    assert rules(reply) == {"period": "must be given once"}


@pytest.mark.parametrize("customer_id", ["", "-x", "a" * 65, "CUST 1", 5, None])
def test_a_bad_customer_id_gives_the_use_cases_rule(api: Api, customer_id: Any) -> None:
    reply = post(api, REMINDER, {"customer_id": customer_id})
    assert rules(reply) == {"customer_id": ID_RULE}


@pytest.mark.parametrize("remind_date", ["tomorrow", "2026-02-30", "2026-1-5", 20260105])
def test_a_bad_remind_date_gives_the_date_rule(api: Api, remind_date: Any) -> None:
    reply = post(api, REMINDER, {"customer_id": "CUST001", "remind_date": remind_date})
    assert rules(reply) == {"remind_date": "must be a date as YYYY-MM-DD"}


def test_body_rules_read_as_rules(api: Api) -> None:
    assert rules(post(api, REMINDER, {})) == {"customer_id": "is required"}
    assert rules(post(api, CHAT, {"message": ""})) == {"message": "must be at least 1 characters"}
    reply = post(api, CHAT, {"message": "hi", "session_id": "x"})
    assert rules(reply) == {"session_id": "must be 2 to 100 of 0-9 a-z A-Z . _ : -"}
    reply = api("GET", "/agent/tools/cashflow", {"method": "guess"})
    assert rules(reply) == {"method": "must be one of sma, seasonal_naive, holt_winters, auto"}


# -- whole numbers ------------------------------------------------------------------------------

WHOLE = [
    ("/agent/tools/cashflow", "horizon", "must be a whole number from 1 to 365"),
    ("/agent/tools/sales", "days", "must be a whole number from 1 to 365"),
    ("/agent/tools/ar-aging", "min_days_overdue", "must be a whole number from 0 to 3650"),
    ("/agent/actions", "limit", "must be a whole number from 1 to 100"),
]


@pytest.mark.parametrize(("path", "name", "rule"), WHOLE)
@pytest.mark.parametrize(
    "text", ["30.0", "1.0", "+5", " 5", "5 ", "1_0", "05", "-1", "0x1f", "1e1", "", "9" * 5000]
)
def test_a_query_integer_must_be_plain_digits(
    api: Api, path: str, name: str, rule: str, text: str
) -> None:
    assert rules(api("GET", path, {name: text})) == {name: rule}


@pytest.mark.parametrize(("path", "name", "rule"), WHOLE)
def test_a_query_integer_out_of_range_gives_the_same_rule(
    api: Api, path: str, name: str, rule: str
) -> None:
    assert rules(api("GET", path, {name: "100000"})) == {name: rule}


def test_plain_digits_are_read_as_given(api: Api) -> None:
    assert api("GET", "/agent/tools/cashflow", {"horizon": "7"}).json["horizon_days"] == 7
    assert api("GET", "/agent/tools/ar-aging", {"min_days_overdue": "0"}).status == 200
    assert api("GET", "/agent/tools/kpis", {"period": "last_7d"}).json["period"] == "last_7d"


@pytest.mark.parametrize("horizon", [True, 30.5, "thirty"])
def test_an_mcp_style_argument_that_is_not_whole_says_so(horizon: Any) -> None:
    from finance_agent.adapters.http.v2_events import call_route
    from finance_agent.routes import route_by_id
    from finance_agent.shared.auth import Identity

    identity = Identity(principal="ana.controller@example.com")
    status, body = call_route(route_by_id("cashflow_forecast"), identity, {"horizon": horizon})
    assert status == 400
    assert body["details"] == [{"field": "horizon", "rule": "must be a whole number from 1 to 365"}]
