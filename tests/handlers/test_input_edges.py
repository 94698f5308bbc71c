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
