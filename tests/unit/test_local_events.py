"""The local server's API Gateway HTTP API (payload v2) events and responses, without a network."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.requests import Request

from finance_agent.adapters.local_server.app import to_http
from finance_agent.adapters.local_server.events import (
    build_event,
    claim_text,
    claims_context,
)
from finance_agent.shared.auth import authenticate

NOW = datetime(2026, 3, 9, 14, 5, 7, 123000, tzinfo=UTC)


def make_request(
    method: str = "GET",
    path: str = "/agent/tools/kpis",
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
) -> Request:
    scope: dict[str, Any] = {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": headers if headers is not None else [(b"host", b"127.0.0.1:8000")],
        "client": ("10.1.2.3", 54321),
        "server": ("127.0.0.1", 8000),
    }
    return Request(scope)


def event_of(request: Request, body: bytes = b"", **kwargs: Any) -> dict[str, Any]:
    route_key = f"{request.method} {request.url.path}"
    return build_event(request, body, route_key, request_id="req-1", now=NOW, **kwargs)


def test_repeated_query_keys_are_comma_joined_and_values_decoded() -> None:
    raw = b"period=last_30d&tag=a&tag=b%20c&empty="
    event = event_of(make_request(query=raw))
    assert event["rawQueryString"] == raw.decode()
    assert event["queryStringParameters"] == {"period": "last_30d", "tag": "a,b c", "empty": ""}


def test_no_query_string_leaves_the_parameters_out_as_api_gateway_does() -> None:
    event = event_of(make_request())
    assert event["rawQueryString"] == ""
    assert "queryStringParameters" not in event
    assert "cookies" not in event
    assert "body" not in event
    assert event["isBase64Encoded"] is False


def test_header_names_are_lower_cased_and_repeated_headers_comma_joined() -> None:
    headers = [
        (b"Host", b"localhost:8000"),
        (b"X-Custom", b"one"),
        (b"x-custom", b"two"),
        (b"User-Agent", b"pytest/1"),
        (b"Authorization", b"Bearer abc"),
    ]
    event = event_of(make_request(headers=headers))
    assert event["headers"]["x-custom"] == "one,two"
    assert event["headers"]["authorization"] == "Bearer abc"
    assert all(name == name.lower() for name in event["headers"])
    assert event["requestContext"]["http"]["userAgent"] == "pytest/1"
    assert event["requestContext"]["domainName"] == "localhost"
    assert event["requestContext"]["domainPrefix"] == "localhost"
    # Added by API Gateway for the integration.
    assert event["headers"]["x-forwarded-for"] == "10.1.2.3"
    assert event["headers"]["x-forwarded-proto"] == "http"


def test_cookie_headers_become_the_cookies_list() -> None:
    headers = [(b"host", b"h"), (b"cookie", b"a=1; b=2"), (b"cookie", b"c=3")]
    event = event_of(make_request(headers=headers))
    assert event["cookies"] == ["a=1", "b=2", "c=3"]
    assert "cookie" not in event["headers"]


def test_request_context_carries_route_request_id_and_time() -> None:
    event = event_of(make_request(method="POST", path="/agent/actions/collection-reminder"))
    context = event["requestContext"]
    assert event["version"] == "2.0"
    assert event["routeKey"] == context["routeKey"] == "POST /agent/actions/collection-reminder"
    assert event["rawPath"] == "/agent/actions/collection-reminder"
    assert context["http"] == {
        "method": "POST",
        "path": "/agent/actions/collection-reminder",
        "protocol": "HTTP/1.1",
        "sourceIp": "10.1.2.3",
        "userAgent": "",
    }
    assert context["accountId"] == "local"
    assert context["apiId"] == "local"
    assert context["stage"] == "$default"
    assert context["requestId"] == "req-1"
    assert context["timeEpoch"] == int(NOW.timestamp() * 1000)
    assert context["time"] == "09/Mar/2026:14:05:07 +0000"


def test_request_id_is_a_fresh_uuid_when_not_given() -> None:
    request = make_request()
    first = build_event(request, b"", "GET /agent/tools/kpis")
    second = build_event(request, b"", "GET /agent/tools/kpis")
    assert len(first["requestContext"]["requestId"]) == 36
    assert first["requestContext"]["requestId"] != second["requestContext"]["requestId"]


def test_utf8_body_is_passed_as_text() -> None:
    body = json.dumps({"customer_id": "CUST001", "note": "café"}).encode()
    event = event_of(make_request(method="POST"), body)
    assert event["body"] == body.decode()
    assert event["isBase64Encoded"] is False


def test_non_utf8_body_is_base64_encoded() -> None:
    body = b"\xff\xfe\x00binary"
    event = event_of(make_request(method="POST"), body)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == body


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("local-user", "local-user"),
        (1767225600, "1767225600"),
        (1.5, "1.5"),
        (True, "true"),
        (False, "false"),
        (["admins", "finance"], "[admins finance]"),
        ([], "[]"),
        ({"b": 2, "a": "x"}, "map[a:x b:2]"),
    ],
)
def test_claims_are_stringified_as_api_gateway_does(value: object, text: str) -> None:
    assert claim_text(value) == text


def test_claims_context_has_string_claims_and_null_scopes() -> None:
    context = claims_context({"sub": "u1", "exp": 1767225600, "groups": ["a", "b"]})
    assert context == {
        "jwt": {"claims": {"sub": "u1", "exp": "1767225600", "groups": "[a b]"}, "scopes": None},
    }


def test_handlers_read_identity_and_scopes_from_the_built_event() -> None:
    event = event_of(make_request())
    claims = {
        "sub": "u1",
        "email": "ana@example.com",
        "email_verified": True,
        "scope": ["agent:actions", "read"],
    }
    event["requestContext"]["authorizer"] = claims_context(claims)
    identity = authenticate(event)
    assert identity.principal == "ana@example.com"
    assert identity.scopes == {"agent:actions", "read"}


def test_v2_response_becomes_the_http_response() -> None:
    result = {
        "statusCode": 201,
        "headers": {"Content-Type": "application/json", "x-request-id": "req-9"},
        "body": '{"ok":true}',
        "isBase64Encoded": False,
        "cookies": ["session=abc; HttpOnly"],
    }
    response = to_http(result, "req-9")
    assert response.status_code == 201
    assert response.body == b'{"ok":true}'
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"] == "req-9"
    assert response.headers["set-cookie"] == "session=abc; HttpOnly"


def test_base64_response_body_is_decoded() -> None:
    payload = b"\x00\x01binary"
    result = {
        "statusCode": 200,
        "headers": {"content-type": "application/octet-stream"},
        "body": base64.b64encode(payload).decode(),
        "isBase64Encoded": True,
    }
    assert to_http(result, "r").body == payload


def test_a_bare_return_value_is_a_200_json_body() -> None:
    response = to_http({"answer": 42}, "r")
    assert response.status_code == 200
    assert json.loads(response.body) == {"answer": 42}
    assert response.headers["content-type"] == "application/json"
