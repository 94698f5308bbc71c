"""API Gateway HTTP API (payload 2.0) events made inside the process.

Every front door that is not API Gateway (the local server, the chat's tool calls, the
Bedrock action group, MCP) turns its input into such an event, with the caller's verified
identity where API Gateway's JWT authorizer puts it, and calls the route's handler: one code
path, one set of checks, whatever the door.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from finance_agent.routes import Route
from finance_agent.shared.auth import Identity

EMPTY_SCOPES = None


def claim_text(value: Any) -> str:
    """One claim value as API Gateway's JWT authorizer passes it: always a string.

    Its text follows Go's formatting: numbers as written, ``true``/``false``, arrays as
    ``"[a b]"`` and objects as ``"map[k:v]"`` (keys sorted).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + " ".join(claim_text(item) for item in value) + "]"
    if isinstance(value, Mapping):
        items = sorted((str(k), claim_text(v)) for k, v in value.items())
        return "map[" + " ".join(f"{k}:{v}" for k, v in items) + "]"
    return str(value)


def claims_context(claims: Mapping[str, Any]) -> dict[str, Any]:
    """``requestContext.authorizer`` after API Gateway's JWT authorizer accepted ``claims``."""
    return {"jwt": {"claims": {str(k): claim_text(v) for k, v in claims.items()}, "scopes": None}}


def identity_context(identity: Identity) -> dict[str, Any]:
    """The authorizer context of an identity verified elsewhere (a chat caller, MCP client)."""
    context = claims_context(identity.claims or {"sub": identity.principal})
    claims = context["jwt"]["claims"]
    claims.setdefault("sub", identity.principal)
    # Scopes travel as the space-separated claim API Gateway would pass on.
    claims["scope"] = " ".join(sorted(identity.scopes))
    return context


def route_event(
    route: Route,
    identity: Identity,
    arguments: Mapping[str, Any] | None = None,
    *,
    request_id: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A v2 event calling ``route`` as ``identity`` with tool-call ``arguments``.

    GET routes take the arguments as query parameters (strings, as API Gateway gives them);
    body routes take them as the JSON body. None values are left out.
    """
    args = {k: v for k, v in (arguments or {}).items() if v is not None}
    request_id = request_id or str(uuid.uuid4())
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": route.path,
        "rawQueryString": "",
        "headers": {"content-type": "application/json", **(headers or {})},
        "requestContext": {
            "accountId": "internal",
            "apiId": "internal",
            "http": {
                "method": route.method,
                "path": route.path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "finance-agent",
            },
            "requestId": request_id,
            "routeKey": route.route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(time.time() * 1000),
            "authorizer": identity_context(identity),
        },
        "isBase64Encoded": False,
    }
    if route.body_model is not None:
        event["body"] = json.dumps(args)
    elif args:
        params = {k: _query_text(v) for k, v in args.items()}
        event["queryStringParameters"] = params
        event["rawQueryString"] = urlencode(params)
    return event


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def call_route(
    route: Route,
    identity: Identity,
    arguments: Mapping[str, Any] | None = None,
    *,
    request_id: str | None = None,
) -> tuple[int, Any]:
    """Run ``route``'s handler as ``identity``; its status code and parsed JSON body."""
    response = route.load_handler()(
        route_event(route, identity, arguments, request_id=request_id), None
    )
    return int(response["statusCode"]), json.loads(response.get("body") or "null")
