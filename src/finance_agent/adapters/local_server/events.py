"""API Gateway HTTP API (payload format 2.0) events, built from a local HTTP request.

The shape is the one API Gateway sends a Lambda integration: lower-case header names with
repeated headers comma-joined, the ``cookie`` header moved to a ``cookies`` list, repeated
query keys comma-joined in ``queryStringParameters``, optional fields absent rather than
null (``queryStringParameters``, ``cookies``, ``body``), and a ``requestContext`` with the
route key, request id and ``timeEpoch`` in milliseconds. A JWT authorizer's claims arrive
in ``requestContext.authorizer.jwt.claims`` as strings, formatted as below.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from finance_agent.adapters.http.v2_events import claim_text, claims_context

ACCOUNT_ID = "local"
API_ID = "local"
STAGE = "$default"
FUNCTION_NAME = "finance-agent-local"
__all__ = ["LocalContext", "build_event", "claim_text", "claims_context"]
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class LocalContext:
    """The attributes of a Lambda context object the handlers read."""

    aws_request_id: str
    function_name: str = FUNCTION_NAME
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def _joined(pairs: list[tuple[str, str]]) -> dict[str, str]:
    joined: dict[str, str] = {}
    for key, value in pairs:
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return joined


def _cookies(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(";") if part.strip()]


def _request_time(now: datetime) -> str:
    # API Gateway's $context.requestTime, in English whatever the machine's locale.
    moment = now.astimezone(UTC)
    return f"{moment:%d}/{_MONTHS[moment.month - 1]}/{moment:%Y:%H:%M:%S} +0000"


def _body(body: bytes) -> tuple[str | None, bool]:
    if not body:
        return None, False
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), True


def build_event(
    request: Request,
    body: bytes,
    route_key: str,
    *,
    request_id: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The payload v2 event API Gateway would send for ``request`` matched to ``route_key``."""
    scope = request.scope
    moment = now or datetime.now(UTC)
    raw_headers = [
        (name.decode("latin-1").lower(), value.decode("latin-1"))
        for name, value in request.headers.raw
    ]
    cookie_values = [v for k, v in raw_headers if k == "cookie"]
    headers = _joined([(k, v) for k, v in raw_headers if k != "cookie"])
    source_ip = request.client.host if request.client else "127.0.0.1"
    url = request.url  # built on every access: read it once
    # API Gateway adds these for the integration; a proxy in front already set them.
    headers.setdefault("x-forwarded-for", source_ip)
    headers.setdefault("x-forwarded-proto", url.scheme)
    if url.port is not None:
        headers.setdefault("x-forwarded-port", str(url.port))
    raw_query = scope.get("query_string", b"").decode("latin-1")
    raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
    host = headers.get("host") or url.netloc
    domain = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    rid = request_id or str(uuid.uuid4())
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": domain,
            "domainPrefix": domain.split(".", 1)[0],
            "http": {
                "method": request.method.upper(),
                "path": scope["path"],
                "protocol": f"HTTP/{scope.get('http_version', '1.1')}",
                "sourceIp": source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": rid,
            "routeKey": route_key,
            "stage": STAGE,
            "time": _request_time(moment),
            "timeEpoch": int(moment.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookie_values:
        event["cookies"] = _cookies(cookie_values)
    if raw_query:
        event["queryStringParameters"] = _joined(parse_qsl(raw_query, keep_blank_values=True))
    text, encoded = _body(body)
    if text is not None:
        event["body"] = text
        event["isBase64Encoded"] = encoded
    return event
