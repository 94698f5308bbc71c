"""No input yields a 500: every route's handler, fed arbitrary API Gateway v2 events.

Hypothesis builds events the way API Gateway HTTP API (payload v2) delivers them: query
parameters as strings (known names with arbitrary text and numbers, plus unknown names),
arbitrary JSON (or not-JSON, or base64) bodies, headers with and without a valid bearer
token, with and without the ``agent:actions`` scope, and authorizer contexts with arbitrary
claims. Each handler runs on a seeded SQLite store. Whatever comes in, the answer is a
documented status below 500, an error body has DESIGN.md's shape, a 400 names the field at
fault, and a success body matches the response schema of the OpenAPI document.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import time
from typing import Any

import hypothesis
import jwt
import pytest
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from finance_agent.adapters.http.schemas import ID_PATTERN, PERIOD_PATTERN
from finance_agent.bootstrap import get_ledger, get_repo
from finance_agent.openapi import build_openapi
from finance_agent.routes import ROUTES, Route
from finance_agent.shared.auth import ACTIONS_SCOPE
from finance_agent.shared.settings import get_settings
from finance_agent.tools.seed_data import seed
from ledger_fixtures import write_demo_ledger

SECRET = "property-test-secret-" + "s" * 64
EXAMPLES = 60
DOC = build_openapi()

HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

Event = dict[str, Any]


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A demo store with its books and a JWT secret; the customer ids of the demo data and
    some of their invoices' ids (a reminder's body may name either)."""
    monkeypatch.setenv("JWT_SECRET", SECRET)
    get_settings.cache_clear()
    repo = get_repo()
    seed(repo)
    write_demo_ledger(repo)
    ledger = get_ledger()
    invoices = ledger.list_invoices(open_only=True, limit=20).items
    customers = [c.customer_id for c in ledger.list_customers()]
    return sorted(customers) + [r.invoice_id for r in invoices]


def _token(claims: dict[str, Any], secret: str = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=algorithm)


def _valid(scope: str | None, **claims: Any) -> str:
    """A token signed with the configured secret, good for an hour."""
    claims = {"sub": "prop@example.com", "exp": int(time.time()) + 3600, **claims}
    if scope is not None:
        claims["scope"] = scope
    return _token(claims)


# --- identities ---------------------------------------------------------------------------

_SCOPES = [ACTIONS_SCOPE, None, "agent:read other", f"x {ACTIONS_SCOPE}"]
_claim_value = st.one_of(
    st.text(max_size=300),
    st.integers(),
    st.none(),
    st.booleans(),
    st.sampled_from([ACTIONS_SCOPE, f"[{ACTIONS_SCOPE} other]"]),
)


def _auth_cases() -> st.SearchStrategy[tuple[dict[str, str], dict[str, Any] | None]]:
    """(headers, requestContext.authorizer): valid tokens weigh most, then everything else."""
    valid = st.sampled_from(_SCOPES).map(lambda s: {"authorization": f"Bearer {_valid(s)}"})
    # Verified tokens may still carry odd identities: long, blank, unicode, not strings.
    odd_claims = st.fixed_dictionaries(
        {}, optional={"sub": _claim_value, "email": _claim_value, "username": _claim_value}
    )
    odd = st.builds(
        lambda scope, claims: {"authorization": f"Bearer {_valid(scope, **claims)}"},
        st.sampled_from(_SCOPES),
        odd_claims,
    )
    wrong = st.sampled_from(
        [
            _token({"sub": "x", "exp": int(time.time()) - 10}),  # expired
            _token({"sub": "x", "exp": 2**31}, secret="another-secret-" + "a" * 64),
            _token({"sub": "x"}),  # no exp
            _token({"exp": int(time.time()) + 3600, "scope": ACTIONS_SCOPE}),  # no subject
            _token({"sub": "x", "exp": 2**31}, algorithm="HS512"),
            jwt.encode({"sub": "x", "exp": 2**31}, "", algorithm="none"),
        ]
    ).map(lambda t: {"authorization": f"Bearer {t}"})
    garbage = st.one_of(
        st.text(max_size=200).map(lambda t: {"authorization": t}),
        st.text(max_size=200).map(lambda t: {"Authorization": f"Bearer {t}"}),
    )
    headers = st.one_of(valid, valid, odd, wrong, garbage, st.just({}))
    claims = st.dictionaries(
        st.sampled_from(["sub", "email", "username", "scope", "scp", "exp", "iss"]) | st.text(),
        _claim_value,
        max_size=6,
    )
    scope_text = st.text(max_size=40) | st.just(ACTIONS_SCOPE)
    scopes = st.one_of(st.none(), st.lists(scope_text), scope_text)
    authorizer = st.builds(lambda c, s: {"jwt": {"claims": c, "scopes": s}}, claims, scopes)
    return st.one_of(
        st.tuples(headers, st.none()),
        st.tuples(headers, st.none()),
        st.tuples(st.just({}), authorizer),
    )


# --- inputs -------------------------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)


def _b64url(document: Any) -> str:
    raw = json.dumps(document).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Page cursors are base64url JSON ``[created_at, action_id]``: forge plausible ones.
_timestamp = st.from_regex(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z", fullmatch=True)
_cursor = st.one_of(
    st.tuples(_timestamp | st.text(max_size=30), st.text(max_size=70)).map(list).map(_b64url),
    _json.map(_b64url),
)

_scalar_text = st.one_of(
    _cursor,
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(PERIOD_PATTERN, fullmatch=True),
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "inf", "last_0d", "last_366d", "null"]),
    # Dates (as_of) and the words of the ledger's parameters (basis, status).
    st.dates().map(str),
    st.sampled_from(["open", "overdue", "paid", "all", "due_date", "invoice_date"]),
)


def _query(route: Route) -> st.SearchStrategy[dict[str, str] | None]:
    known = list(route.query_model.model_fields) if route.query_model else []
    # Non-empty names: an empty one is test_an_empty_parameter_name_is_named below.
    unknown = st.text(min_size=1, max_size=20)
    names = st.sampled_from(known) | unknown if known else unknown
    return st.none() | st.dictionaries(names, _scalar_text, max_size=4)


def _reminder_bodies(customers: list[str]) -> st.SearchStrategy[Any]:
    """Dicts shaped like the body, with plausible and implausible values."""
    ids = st.sampled_from(customers) | st.from_regex(ID_PATTERN, fullmatch=True) | _json
    dates = st.dates().map(str) | st.text(max_size=12) | _json
    return st.fixed_dictionaries(
        {"customer_id": ids},
        optional={"invoice_id": ids, "remind_date": dates, "extra": _json},
    )


def _body(route: Route, customers: list[str]) -> st.SearchStrategy[tuple[str | None, bool]]:
    """(event body, isBase64Encoded)."""
    if route.body_model is None:
        documents: st.SearchStrategy[Any] = _json
    else:
        documents = _reminder_bodies(customers) | _json
    as_json = documents.map(json.dumps)
    text = st.one_of(as_json, as_json, st.text(max_size=100), st.just(""))
    encoded = as_json.map(lambda t: base64.b64encode(t.encode()).decode())
    return st.one_of(
        st.tuples(st.none(), st.booleans()),
        st.tuples(text, st.just(False)),
        st.tuples(encoded, st.just(True)),
        st.tuples(st.text(max_size=40), st.just(True)),  # not base64 at all
    )


def _events(route: Route, customers: list[str]) -> st.SearchStrategy[Event]:
    extra_headers = st.fixed_dictionaries(
        {},
        optional={
            "idempotency-key": st.text(max_size=300),
            "origin": st.text(max_size=40),
            "content-type": st.text(max_size=40),
        },
    )
    return st.builds(
        _event,
        st.just(route),
        _auth_cases(),
        _query(route),
        _body(route, customers),
        extra_headers,
        st.none() | st.text(max_size=60),
    )


def _event(
    route: Route,
    auth: tuple[dict[str, str], dict[str, Any] | None],
    query: dict[str, str] | None,
    body: tuple[str | None, bool],
    extra_headers: dict[str, str],
    request_id: str | None,
) -> Event:
    headers, authorizer = auth
    context: dict[str, Any] = {
        "requestId": request_id,
        "http": {"method": route.method, "path": route.path, "sourceIp": "127.0.0.1"},
    }
    if authorizer is not None:
        context["authorizer"] = authorizer
    return {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": route.path,
        "rawQueryString": "",
        "headers": {**extra_headers, **headers},
        "queryStringParameters": query,
        "requestContext": context,
        "body": body[0],
        "isBase64Encoded": body[1],
    }


# --- the property -------------------------------------------------------------------------


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator of ``schema`` whose ``#/components/...`` references resolve in DOC."""
    return Draft202012Validator(
        {**schema, "components": DOC["components"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def _check(route: Route, event: Event, response: dict[str, Any]) -> None:
    status = response["statusCode"]
    target(1.0 if status < 300 else 0.0)  # keep some inputs that get through
    hypothesis.event(f"status {status}")
    assert status < 500, (event, response)
    operation = DOC["paths"][route.path][route.method.lower()]
    assert str(status) in operation["responses"], f"undocumented status {status}"
    body = json.loads(response["body"])
    if status < 300:
        schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
        _validator(schema).validate(body)
        return
    assert set(body) >= {"error", "message", "details"}, body
    assert isinstance(body["message"], str)
    assert body["message"]
    assert isinstance(body["details"], list)
    if status == 400:
        assert body["error"] == "validation_error"
        assert body["details"], body
        for detail in body["details"]:
            assert isinstance(detail["field"], str), body
            assert detail["field"], body
            assert isinstance(detail["rule"], str), body
            assert detail["rule"], body


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
@HYPOTHESIS
@given(data=st.data())
def test_no_input_yields_a_500(route: Route, seeded: list[str], data: st.DataObject) -> None:
    event = data.draw(_events(route, seeded), label="event")
    _check(route, event, route.load_handler()(event, None))


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
@HYPOTHESIS
@given(data=st.data(), key=st.none() | st.sampled_from(["retry-1", "retry-2"]) | st.text())
def test_valid_callers_with_arbitrary_queries_and_bodies(
    route: Route, seeded: list[str], data: st.DataObject, key: str | None
) -> None:
    """The same property where authentication passes, so inputs reach validation and logic."""
    query = data.draw(_query(route), label="queryStringParameters")
    body = data.draw(_body(route, seeded), label="body")
    headers = {"idempotency-key": key} if key is not None else {}
    auth = ({"authorization": f"Bearer {_valid(ACTIONS_SCOPE)}"}, None)
    event = _event(route, auth, query, body, headers, "req-prop")
    _check(route, event, route.load_handler()(event, None))


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_an_empty_parameter_name_is_named(route: Route, seeded: list[str]) -> None:
    auth = ({"authorization": f"Bearer {_valid(ACTIONS_SCOPE)}"}, None)
    body = json.dumps({"customer_id": seeded[0]}) if route.body_model else None
    event = _event(route, auth, {"": "x"}, (body, False), {}, "req-empty-name")
    response = route.load_handler()(event, None)
    assert response["statusCode"] == 400
    fields = [d["field"] for d in json.loads(response["body"])["details"]]
    assert all(field and field != "body" for field in fields), fields


# --- schemathesis: the same property, driven by the OpenAPI document ----------------------
#
# Schemathesis reads /openapi.json from the local server's ASGI app in process (no socket)
# and sends requests generated from it through the same front door a user reaches: the
# app verifies the token as API Gateway's authorizer would, builds the v2 event and calls
# the handler. No answer may be a 500, and every answer must conform to the document.

HAS_SCHEMATHESIS = importlib.util.find_spec("schemathesis") is not None

if HAS_SCHEMATHESIS:
    import schemathesis
    from schemathesis import checks as st_checks

    from finance_agent.adapters.local_server.app import create_app

    SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", create_app())
    CHECKS = [
        st_checks.not_a_server_error,
        st_checks.status_code_conformance,
        st_checks.content_type_conformance,
        st_checks.response_schema_conformance,
    ]

    @pytest.mark.parametrize("auth", ["generated", "valid", "scoped"])
    @SCHEMA.parametrize()
    @HYPOTHESIS
    def test_schemathesis_finds_no_500(case: Any, auth: str, seeded: list[str]) -> None:
        """Generated (garbage) tokens, a valid token, and a valid one with agent:actions."""
        if auth != "generated":
            scope = ACTIONS_SCOPE if auth == "scoped" else None
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {_valid(scope)}"}
        response = case.call_and_validate(checks=CHECKS)
        hypothesis.event(f"status {response.status_code}")
else:  # pragma: no cover

    @pytest.mark.skip(reason="schemathesis is not installed")
    def test_schemathesis_finds_no_500() -> None:
        """Runs when schemathesis is installed."""
